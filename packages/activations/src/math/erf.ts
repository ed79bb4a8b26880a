import { assertNumber } from "../options.js";

/*
 * erf and erfc to about 1e-16 relative accuracy in float64, written for descent (JavaScript has no
 * Math.erf). Two pieces:
 * - |x| < 0.75: the Maclaurin series erf(x) = (2/√π) Σₙ (−1)ⁿ x²ⁿ⁺¹ / (n! (2n+1)), 15 terms;
 * - |x| ≥ 0.75: erfc(x) = exp(−x²) · erfcx(x), with erfcx a Chebyshev series in
 *   u = affine((x − 3)/(x + 3)), coefficients from scripts/erfcx-chebyshev.py (mpmath, 40 digits).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const SERIES_TERMS = 15;
const SERIES_LIMIT = 0.75;
/** Beyond this erfc(x) is below the smallest normal float64; exp(−x²) underflows cleanly to 0 anyway. */
const ERFC_ZERO_BEYOND = 27;
const MAP_K = 3;
const MAP_T0 = (SERIES_LIMIT - MAP_K) / (SERIES_LIMIT + MAP_K);

/** Coefficient n of the Maclaurin series of erf in powers of x²: (2/√π)(−1)ⁿ/(n!(2n+1)). */
const SERIES = (() => {
  const coefficients = new Float64Array(SERIES_TERMS);
  let factorial = 1;
  for (let n = 0; n < SERIES_TERMS; n++) {
    if (n > 0) factorial *= n;
    coefficients[n] = (TWO_OVER_SQRT_PI * (n % 2 === 0 ? 1 : -1)) / (factorial * (2 * n + 1));
  }
  return coefficients;
})();

// prettier-ignore
const ERFCX_CHEBYSHEV = new Float64Array([
  0.18520578508900296, -0.23810477086454912, 0.0654582168959159, -0.014975842569285068, 0.0027715386759382217,
  -0.00038837930990053834, 3.378907486912507e-5, 1.1634083833895833e-7, -5.090482338169192e-7,
  5.261977472449946e-8, 4.466724963456332e-9, -1.395171413871792e-9, -6.546746771643446e-12,
  3.25084441031124e-11, -1.1431321575620319e-12, -8.098201888217197e-13, 4.626556042677104e-14,
  2.276283276839022e-14, -1.3643494463349415e-15, -7.213837168130378e-16, 3.0762561901509024e-17,
  2.4956407261410858e-17,
]);

function erfSeries(x: number): number {
  const z = x * x;
  let sum = SERIES[SERIES_TERMS - 1]!;
  for (let n = SERIES_TERMS - 2; n >= 0; n--) sum = sum * z + SERIES[n]!;
  return x * sum;
}

/** exp(x²)·erfc(x) for x ≥ 0.75 (Clenshaw summation of the Chebyshev series). */
function erfcxTail(x: number): number {
  const t = (x - MAP_K) / (x + MAP_K);
  const u = (2 * (t - MAP_T0)) / (1 - MAP_T0) - 1;
  const twoU = 2 * u;
  let next = 0;
  let current = 0;
  for (let j = ERFCX_CHEBYSHEV.length - 1; j >= 1; j--) {
    const previous = current;
    current = twoU * current - next + ERFCX_CHEBYSHEV[j]!;
    next = previous;
  }
  return u * current - next + ERFCX_CHEBYSHEV[0]!;
}

/** erfc(x) for x ≥ 0.75. */
function erfcTail(x: number): number {
  if (x >= ERFC_ZERO_BEYOND) return 0;
  return Math.exp(-x * x) * erfcxTail(x);
}

/**
 * The error function `erf(x) = (2/√π) ∫₀ˣ e^{−t²} dt`, accurate to about 1e-16 in float64.
 *
 * @example
 * ```ts
 * erf(1); // 0.8427007929497149
 * ```
 */
export function erf(x: number): number {
  assertNumber("erf", "x", x);
  if (Math.abs(x) < SERIES_LIMIT) return erfSeries(x);
  if (x > 0) return 1 - erfcTail(x);
  if (x < 0) return erfcTail(-x) - 1;
  return x;
}

/**
 * The complementary error function `erfc(x) = 1 − erf(x)`, without cancellation for large x.
 *
 * @example
 * ```ts
 * erfc(10); // 2.088487583762545e-45
 * ```
 */
export function erfc(x: number): number {
  assertNumber("erfc", "x", x);
  return erfcUnchecked(x);
}

/** {@link erfc} without the argument check, for the activations' inner loops. */
export function erfcUnchecked(x: number): number {
  if (Math.abs(x) < SERIES_LIMIT) return 1 - erfSeries(x);
  if (x > 0) return erfcTail(x);
  if (x < 0) return 2 - erfcTail(-x);
  return x;
}

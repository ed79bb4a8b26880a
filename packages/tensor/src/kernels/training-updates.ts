import { ValueError } from "../core/errors.js";
import { assertFloatArray, assertSize, viewsOverlap } from "./arguments.js";
import type { AdamCoefficients } from "./kernels.js";
import { getKernels } from "./registry.js";

/**
 * The backward of relu from its output: `out = g · relu'(z)` where `y = relu(z) = max(z, 0)`, with
 * relu'(z) = 1 for z > 0 and 0 for z ≤ 0 (the default subgradient at the kink), NaN where y is NaN; and,
 * when `biasGradient` is given, its columns accumulate `out` row after row (`[rows, columns]` row-major):
 * the bias gradient of a dense layer in the same pass. Checks its arguments, then runs the active kernels'
 * `reluBackward` (the same results in every backend: the sums in the same order, each rounded to the
 * array's type).
 *
 * `outᵢ = gᵢ · [yᵢ > 0]`, `biasGradientⱼ += Σᵣ out_rj`
 *
 * @throws `ValueError` when an array is missing, too short, or `g` is not whole rows of `columns`.
 * @example
 * reluGradient(cotangent, activations, gradient, biasGradient, 128);
 */
export function reluGradient(
  g: Float32Array | Float64Array,
  y: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  biasGradient: Float32Array | Float64Array | null,
  columns: number,
): void {
  const op = "reluGradient";
  assertFloatArray(op, g, "g", 0);
  const length = g.length;
  assertFloatArray(op, y, "y", length);
  assertFloatArray(op, out, "out", length);
  assertSize(op, columns, "columns");
  if (biasGradient !== null) assertFloatArray(op, biasGradient, "biasGradient", columns);
  if (columns === 0 ? length !== 0 : length % columns !== 0) {
    throw new ValueError(
      op,
      `g has ${length} elements, not whole rows of columns = ${columns}: pass the row length (the layer's width)`,
    );
  }
  // Views of exactly g's length, so every backend sees three arrays of one length.
  getKernels().reluBackward(
    g,
    y.length === length ? y : y.subarray(0, length),
    out.length === length ? out : out.subarray(0, length),
    biasGradient === null || biasGradient.length === columns
      ? biasGradient
      : biasGradient.subarray(0, columns),
    columns,
  );
}

/**
 * The update of a learning-rate step over float32 arrays, `out = p + fround(factor·u)` element-wise (each
 * product rounded to float32, then the sum), returning whether every result is finite. Checks its arguments,
 * then runs the active kernels' `scaledAdd` (bit-identical in every backend). `out` may be `p` or `u`; `p`
 * and `u` hold at least `out.length` elements.
 *
 * `outᵢ = pᵢ + ⌊factor·uᵢ⌉₃₂` (⌊·⌉₃₂: rounding to float32)
 *
 * @throws `ValueError` when an array is not a Float32Array or too short, or `factor` is not a number.
 * @example
 * const finite = scaledAddFloat32(next, weights, gradient, -0.1); // next = weights − 0.1·gradient
 */
export function scaledAddFloat32(
  out: Float32Array,
  p: Float32Array,
  u: Float32Array,
  factor: number,
): boolean {
  const op = "scaledAddFloat32";
  assertFloatArray(op, out, "out", 0, true);
  const length = out.length;
  assertFloatArray(op, p, "p", length, true);
  assertFloatArray(op, u, "u", length, true);
  if (typeof factor !== "number") throw new ValueError(op, `factor is ${typeof factor}: use a number`);
  return getKernels().scaledAdd(
    out,
    p.length === length ? p : p.subarray(0, length),
    u.length === length ? u : u.subarray(0, length),
    factor,
  );
}

const adamCoefficientNames = [
  "beta1",
  "beta2",
  "inverseCorrection1",
  "inverseCorrection2",
  "epsilonRoot",
  "epsilon",
] as const;

/**
 * One Adam step over arrays of one length (float32 or float64, in float64 arithmetic, each result rounded once
 * to its array's type): the next moments into `mOut` and `vOut` and the update into `out`. Checks its
 * arguments, then runs the active kernels' `adamUpdate` (the same bits in every backend).
 *
 * `m'ᵢ = β₁mᵢ + (1−β₁)gᵢ`, `v'ᵢ = β₂vᵢ + (1−β₂)gᵢ²`, `outᵢ = m'ᵢc₁ / (√(v'ᵢc₂ + ε_root) + ε)`, with
 * `c₁ = 1/(1−β₁ᵗ)`, `c₂ = 1/(1−β₂ᵗ)`
 *
 * @throws `ValueError` when an array is missing, of another length than `g`, one of the outputs is an input
 *   or another output, or a coefficient is not a finite number.
 * @example
 * adamUpdate(g, m, v, mOut, vOut, out, {
 *   beta1: 0.9, beta2: 0.999, inverseCorrection1: 1 / (1 - 0.9 ** t), inverseCorrection2: 1 / (1 - 0.999 ** t),
 *   epsilonRoot: 0, epsilon: 1e-8,
 * });
 */
export function adamUpdate(
  g: Float32Array | Float64Array,
  m: Float32Array | Float64Array,
  v: Float32Array | Float64Array,
  mOut: Float32Array | Float64Array,
  vOut: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  coefficients: AdamCoefficients,
): void {
  const op = "adamUpdate";
  assertFloatArray(op, g, "g", 0);
  const length = g.length;
  const arrays = { g, m, v, mOut, vOut, out };
  for (const [name, array] of Object.entries(arrays)) {
    assertFloatArray(op, array, name, length);
    if (array.length !== length) {
      throw new ValueError(
        op,
        `${name} has ${array.length} elements and g ${length}: pass arrays of one length`,
      );
    }
  }
  // Each output against the inputs and the outputs before it.
  const earlier: ArrayBufferView[] = [g, m, v];
  for (const [name, output] of Object.entries({ mOut, vOut, out })) {
    if (earlier.some((other) => viewsOverlap(other, output))) {
      throw new ValueError(op, `${name} overlaps another array: pass new arrays for mOut, vOut and out`);
    }
    earlier.push(output);
  }
  if (typeof coefficients !== "object" || coefficients === null) {
    throw new ValueError(
      op,
      `coefficients is ${coefficients === null ? "null" : typeof coefficients}: pass { ${adamCoefficientNames.join(", ")} }`,
    );
  }
  for (const name of adamCoefficientNames) {
    const value = coefficients[name];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new ValueError(op, `coefficients.${name} is ${String(value)}: pass a finite number`);
    }
  }
  if (length === 0) return;
  getKernels().adamUpdate(g, m, v, mOut, vOut, out, coefficients);
}

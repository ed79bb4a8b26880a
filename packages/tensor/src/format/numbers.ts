/**
 * Formats numbers in one shared style (internal to `formatTensor`):
 *
 * - all finite values integral and below 1e8 in magnitude → integers (`3`, `-12`);
 * - largest magnitude ≥ 1e8, or smallest non-zero magnitude < 1e-4 → scientific with the mantissa
 *   digits the most precise value needs, at most `precision` (`1.5e-05`, `2.0e+09`);
 * - otherwise fixed point with the decimals the most precise value needs, from 1 to `precision`
 *   (`0.25`, `1.50`).
 *
 * Non-finite values print as `NaN`, `Infinity`, `-Infinity` and do not influence the style.
 *
 * @example
 * ```ts
 * formatNumbers([1, 0.5, 0.25], 4); // ["1.00", "0.50", "0.25"]
 * ```
 */
export function formatNumbers(values: readonly number[], precision: number): string[] {
  let largest = 0;
  let smallestNonZero = Number.POSITIVE_INFINITY;
  let integral = true;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    const magnitude = Math.abs(value);
    largest = Math.max(largest, magnitude);
    if (magnitude > 0) smallestNonZero = Math.min(smallestNonZero, magnitude);
    if (!Number.isInteger(value)) integral = false;
  }
  if (integral && largest < 1e8) return values.map((value) => nonFinite(value) ?? value.toFixed(0));
  if (largest >= 1e8 || smallestNonZero < 1e-4) {
    let digits = 0;
    for (const value of values) {
      if (Number.isFinite(value))
        digits = Math.max(digits, fractionDigits(mantissa(value.toExponential(precision))));
    }
    return values.map((value) => nonFinite(value) ?? scientific(value, digits));
  }
  let digits = 1;
  for (const value of values) {
    if (Number.isFinite(value)) digits = Math.max(digits, fractionDigits(value.toFixed(precision)));
  }
  return values.map((value) => nonFinite(value) ?? value.toFixed(digits));
}

function nonFinite(value: number): string | undefined {
  return Number.isFinite(value) ? undefined : String(value);
}

/** Digits after the point once trailing zeros are dropped: "1.2500" → 2. */
function fractionDigits(text: string): number {
  const point = text.indexOf(".");
  if (point < 0) return 0;
  let end = text.length;
  while (end > point + 1 && text[end - 1] === "0") end--;
  return end - point - 1;
}

function mantissa(exponential: string): string {
  return exponential.slice(0, exponential.indexOf("e"));
}

/** `toExponential` with a two-digit exponent, as NumPy prints: 1.5e-05. */
function scientific(value: number, digits: number): string {
  const text = value.toExponential(digits);
  const e = text.indexOf("e");
  const sign = text[e + 1];
  const exponent = text.slice(e + 2).padStart(2, "0");
  return `${text.slice(0, e)}e${sign}${exponent}`;
}

import type { Tensor as TensorLike } from "@descent/spec";
import { describeValue } from "../core/describe.js";
import { ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { inDType, planReduction } from "./layout.js";

/**
 * Cumulative sum along `axis`: `out[…, j, …] = Σ_{i ≤ j} x[…, i, …]`, same shape as `x`.
 *
 * The running total is kept in float64 (rounded once per output element for float32), so long float32
 * sums do not drift. Once a NaN is met, the rest of that running sum is NaN.
 *
 * @throws {@link ValueError} when `axis` is missing, not an integer, or out of range.
 * @example
 * ```ts
 * cumsum(tensor([[1, 2, 3], [4, 5, 6]]), 1); // [[1, 3, 6], [4, 9, 15]]
 * cumsum(tensor([[1, 2, 3], [4, 5, 6]]), 0); // [[1, 2, 3], [5, 7, 9]]
 * ```
 */
export function cumsum(x: TensorLike, axis: number): Tensor {
  if (typeof axis !== "number") {
    throw new ValueError(
      "cumsum",
      `needs one axis (a number), got ${describeValue(axis)}: e.g. cumsum(x, -1)`,
    );
  }
  const { source, outer, reduced, inner } = planReduction("cumsum", x, axis, true);
  const totals = new Float64Array(source.length);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let running = 0;
      const end = (o + 1) * reduced;
      for (let index = o * reduced; index < end; index++) totals[index] = running += source[index]!;
    }
  } else {
    for (let o = 0; o < outer; o++) {
      const first = o * reduced * inner;
      for (let i = 0; i < inner; i++) totals[first + i] = source[first + i]!;
      for (let r = 1; r < reduced; r++) {
        const base = (o * reduced + r) * inner;
        for (let i = 0; i < inner; i++) totals[base + i] = totals[base - inner + i]! + source[base + i]!;
      }
    }
  }
  return new Tensor(inDType(totals, x.dtype), x.shape);
}

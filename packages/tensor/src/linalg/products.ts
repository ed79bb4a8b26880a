import type { Tensor as TensorLike } from "@descent/spec";
import { allocate, resultDType } from "../core/dtype.js";
import { formatShape, ShapeError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { assertTensor } from "../elementwise/operands.js";

/**
 * Inner product of two vectors: `a · b = Σᵢ aᵢ bᵢ`, a scalar tensor (shape `[]`).
 *
 * Accumulated in float64 (four partial sums) and rounded once. Result dtype: float64 if either input is.
 *
 * @throws {@link ShapeError} when an operand is not 1-D or the lengths differ.
 * @example
 * ```ts
 * dot(tensor([1, 2, 3]), tensor([4, 5, 6])); // 32
 * ```
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  assertTensor("dot", a, "a");
  assertTensor("dot", b, "b");
  if (a.shape.length !== 1 || b.shape.length !== 1) {
    throw new ShapeError(
      "dot",
      `${formatShape(a.shape)} · ${formatShape(b.shape)}: dot takes two 1-D vectors: use matmul for matrices or flatten first`,
    );
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      "dot",
      `${formatShape(a.shape)} · ${formatShape(b.shape)}: lengths ${a.shape[0]} ≠ ${b.shape[0]}: both vectors need the same length`,
    );
  }
  const left = a.data;
  const right = b.data;
  const length = left.length;
  let total0 = 0;
  let total1 = 0;
  let total2 = 0;
  let total3 = 0;
  let index = 0;
  for (; index + 3 < length; index += 4) {
    total0 += left[index]! * right[index]!;
    total1 += left[index + 1]! * right[index + 1]!;
    total2 += left[index + 2]! * right[index + 2]!;
    total3 += left[index + 3]! * right[index + 3]!;
  }
  for (; index < length; index++) total0 += left[index]! * right[index]!;
  const out = allocate(resultDType(a.dtype, b.dtype), 1);
  out[0] = total0 + total1 + total2 + total3;
  return new Tensor(out, []);
}

/**
 * Outer product: `C[i, j] = aᵢ · bⱼ`, shape `[a.size, b.size]`.
 *
 * Operands of any rank are flattened first (as NumPy's `outer`). Result dtype: float64 if either input is.
 *
 * @example
 * ```ts
 * outer(tensor([1, 2]), tensor([3, 4, 5])); // [[3, 4, 5], [6, 8, 10]]
 * ```
 */
export function outer(a: TensorLike, b: TensorLike): Tensor {
  assertTensor("outer", a, "a");
  assertTensor("outer", b, "b");
  const left = a.data;
  const right = b.data;
  const rows = left.length;
  const columns = right.length;
  const out = allocate(resultDType(a.dtype, b.dtype), rows * columns, "outer");
  for (let row = 0; row < rows; row++) {
    const scale = left[row]!;
    const base = row * columns;
    for (let column = 0; column < columns; column++) out[base + column] = scale * right[column]!;
  }
  return new Tensor(out, [rows, columns]);
}

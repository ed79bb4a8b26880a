import type { Shape, Tensor as TensorLike } from "@descent/spec";
import { allocate, DEFAULT_DTYPE } from "../core/dtype.js";
import { broadcastShapes, shapesEqual, sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { collapseBroadcast } from "./broadcast.js";
import { assertOperand, type NumericArray, operandDType } from "./operands.js";

/**
 * Picks element-wise from `a` where `condition` is non-zero, else from `b`:
 * `out[i] = condition[i] ≠ 0 ? a[i] : b[i]`.
 *
 * The three operands broadcast together (NumPy rules); `a` and `b` may be numbers. Result dtype: float64
 * if `a` or `b` is a float64 tensor, else float32 (the condition's dtype does not matter, unless `a` and
 * `b` are both numbers). A NaN condition counts as true (NaN ≠ 0); NaN in the chosen branch is kept.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * const x = tensor([-1, 2, -3]);
 * where(greater(x, 0), x, 0); // [0, 2, 0]
 * ```
 */
export function where(
  condition: TensorLike | number,
  a: TensorLike | number,
  b: TensorLike | number,
): Tensor {
  assertOperand("where", condition, "condition");
  assertOperand("where", a, "a");
  assertOperand("where", b, "b");
  const dtype =
    typeof a === "number" && typeof b === "number"
      ? typeof condition === "number"
        ? DEFAULT_DTYPE
        : condition.dtype
      : operandDType(a, b);
  const shapeOf = (operand: TensorLike | number): Shape => (typeof operand === "number" ? [] : operand.shape);
  const dataOf = (operand: TensorLike | number): NumericArray =>
    typeof operand === "number" ? Float64Array.of(operand) : operand.data;
  const conditionData = dataOf(condition);
  const aData = dataOf(a);
  const bData = dataOf(b);
  const shapes = [shapeOf(condition), shapeOf(a), shapeOf(b)];

  if (shapesEqual(shapes[0]!, shapes[1]!) && shapesEqual(shapes[0]!, shapes[2]!)) {
    const out = allocate(dtype, conditionData.length);
    for (let i = 0; i < out.length; i++) out[i] = conditionData[i] !== 0 ? aData[i]! : bData[i]!;
    return new Tensor(out, shapes[0]!);
  }
  const shape = broadcastShapes("where", broadcastShapes("where", shapes[0]!, shapes[1]!), shapes[2]!);
  const out = allocate(dtype, sizeOf(shape), "where");
  if (out.length === 0) return new Tensor(out, shape);

  const { sizes, strides } = collapseBroadcast(shape, shapes);
  const [conditionStrides, aStrides, bStrides] = strides as [number[], number[], number[]];
  const last = sizes.length - 1;
  const inner = sizes[last]!;
  const conditionStep = conditionStrides[last]!;
  const aStep = aStrides[last]!;
  const bStep = bStrides[last]!;
  const counters = new Array<number>(last).fill(0);
  let conditionOffset = 0;
  let aOffset = 0;
  let bOffset = 0;
  for (let offset = 0; offset < out.length; offset += inner) {
    for (let i = 0; i < inner; i++) {
      out[offset + i] =
        conditionData[conditionOffset + i * conditionStep] !== 0
          ? aData[aOffset + i * aStep]!
          : bData[bOffset + i * bStep]!;
    }
    for (let axis = last - 1; axis >= 0; axis--) {
      conditionOffset += conditionStrides[axis]!;
      aOffset += aStrides[axis]!;
      bOffset += bStrides[axis]!;
      if (++counters[axis]! < sizes[axis]!) break;
      conditionOffset -= conditionStrides[axis]! * sizes[axis]!;
      aOffset -= aStrides[axis]! * sizes[axis]!;
      bOffset -= bStrides[axis]! * sizes[axis]!;
      counters[axis] = 0;
    }
  }
  return new Tensor(out, shape);
}

import type { Shape, Tensor as TensorLike } from "@descent/spec";
import { allocate } from "../core/dtype.js";
import { broadcastShapes, shapesEqual, sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { type BinaryLoops, binaryRowsByLoops } from "../kernels/js-elementwise.js";
import type { BinaryOp, RowOperand } from "../kernels/kernels.js";
import { getKernels } from "../kernels/registry.js";
import { assertOperand, type NumericArray, operandDType } from "./operands.js";

/**
 * How a binary op computes: the name of a `Kernels.binary` operation (+ − × ÷, which every backend runs,
 * WebAssembly included), or the op's own JavaScript loops (see `BinaryLoops`) for the others.
 */
export type BinaryKernel = BinaryOp | BinaryLoops;

/**
 * Applies `kernel` to `a` and `b` with NumPy broadcasting; numbers are scalars of the tensor's dtype.
 * Result dtype: float64 if any tensor operand is float64, else float32. Every case is written as rows
 * (see `Kernels.binary`): one row when the shapes match or a side has one element, the innermost rows of
 * the collapsed broadcast otherwise.
 */
export function binary(
  op: string,
  kernel: BinaryKernel,
  a: TensorLike | number,
  b: TensorLike | number,
): Tensor {
  assertOperand(op, a, "the first operand");
  assertOperand(op, b, "the second operand");
  const shapeA = shapeOf(a);
  const shapeB = shapeOf(b);
  const shape = shapesEqual(shapeA, shapeB) ? shapeA : broadcastShapes(op, shapeA, shapeB);
  const out = allocate(operandDType(a, b), sizeOf(shape), op);
  if (out.length === 0) return new Tensor(out, shape);
  const rows = asRows(shape, shapeA, dataOf(a), shapeB, dataOf(b), out.length);
  if (typeof kernel === "string") getKernels().binary(kernel, out, rows.rowLength, rows.a, rows.b);
  else binaryRowsByLoops(kernel, out, rows.rowLength, rows.a, rows.b);
  return new Tensor(out, shape);
}

/** Row 0 of a one-row operand. Never written: kernels only read offsets. */
const FIRST_ROW = new Int32Array(1);

/** An operand's shape; a number is a scalar (rank 0). */
function shapeOf(operand: TensorLike | number): Shape {
  return typeof operand === "number" ? [] : operand.shape;
}

/**
 * An operand's data; a number as a one-element array holding it exactly: float32 when the value is one (so
 * float32 kernels may take it), float64 otherwise (the loops then compute with the number as it is, as
 * JavaScript does).
 */
function dataOf(operand: TensorLike | number): NumericArray {
  if (typeof operand !== "number") return operand.data;
  return Math.fround(operand) === operand ? Float32Array.of(operand) : Float64Array.of(operand);
}

/** The operands as rows of the output (see `Kernels.binary`). */
function asRows(
  shape: Shape,
  shapeA: Shape,
  dataA: NumericArray,
  shapeB: Shape,
  dataB: NumericArray,
  length: number,
): { rowLength: number; a: RowOperand; b: RowOperand } {
  // One element on a side (a scalar, or the same shape): the other side's data already is the result's layout.
  if (dataA.length === 1 || dataB.length === 1 || shapesEqual(shapeA, shapeB)) {
    return {
      rowLength: length,
      a: { data: dataA, offsets: FIRST_ROW, step: dataA.length === length ? 1 : 0 },
      b: { data: dataB, offsets: FIRST_ROW, step: dataB.length === length ? 1 : 0 },
    };
  }
  const collapsed = collapseBroadcast(shape, [shapeA, shapeB]);
  const last = collapsed.sizes.length - 1;
  const inner = collapsed.sizes[last]!;
  const offsetsA = new Int32Array(length / inner);
  const offsetsB = new Int32Array(length / inner);
  forEachRow(collapsed, (offset, offsetA, offsetB) => {
    offsetsA[offset / inner] = offsetA;
    offsetsB[offset / inner] = offsetB;
  });
  return {
    rowLength: inner,
    a: { data: dataA, offsets: offsetsA, step: collapsed.strides[0]![last] === 0 ? 0 : 1 },
    b: { data: dataB, offsets: offsetsB, step: collapsed.strides[1]![last] === 0 ? 0 : 1 },
  };
}

/**
 * A broadcast collapsed to as few axes as possible: size-1 axes dropped, neighbours merged when both
 * operands walk them contiguously. Strides are 0 on broadcast axes.
 */
export interface CollapsedBroadcast {
  readonly sizes: number[];
  readonly strides: number[][];
}

/** Collapses the broadcast of `shapes` into `shape` (see {@link CollapsedBroadcast}). */
export function collapseBroadcast(shape: Shape, shapes: readonly Shape[]): CollapsedBroadcast {
  const rank = shape.length;
  const aligned = shapes.map((operandShape) => {
    const strides = new Array<number>(rank).fill(0);
    let stride = 1;
    for (let axis = operandShape.length - 1; axis >= 0; axis--) {
      const size = operandShape[axis]!;
      strides[axis + rank - operandShape.length] = size === 1 ? 0 : stride;
      stride *= size;
    }
    return strides;
  });
  const sizes: number[] = [];
  const strides: number[][] = shapes.map(() => []);
  for (let axis = 0; axis < rank; axis++) {
    const size = shape[axis]!;
    if (size === 1) continue;
    const last = sizes.length - 1;
    const mergeable =
      last >= 0 && aligned.every((operand, index) => strides[index]![last] === operand[axis]! * size);
    if (mergeable) {
      sizes[last]! *= size;
      for (let index = 0; index < aligned.length; index++) strides[index]![last] = aligned[index]![axis]!;
    } else {
      sizes.push(size);
      for (let index = 0; index < aligned.length; index++) strides[index]!.push(aligned[index]![axis]!);
    }
  }
  if (sizes.length === 0) {
    sizes.push(1);
    for (const operandStrides of strides) operandStrides.push(0);
  }
  return { sizes, strides };
}

/**
 * Visits every innermost row of a collapsed broadcast in order: `visit(offset, offsetA, offsetB)` with the
 * row's start in the output and in each operand (an odometer over the outer axes).
 */
function forEachRow(
  { sizes, strides }: CollapsedBroadcast,
  visit: (offset: number, offsetA: number, offsetB: number) => void,
): void {
  const stridesA = strides[0]!;
  const stridesB = strides[1]!;
  const last = sizes.length - 1;
  const inner = sizes[last]!;
  const total = sizes.reduce((product, size) => product * size, 1);
  const counters = new Array<number>(last).fill(0);
  let offsetA = 0;
  let offsetB = 0;
  for (let offset = 0; offset < total; offset += inner) {
    visit(offset, offsetA, offsetB);
    for (let axis = last - 1; axis >= 0; axis--) {
      offsetA += stridesA[axis]!;
      offsetB += stridesB[axis]!;
      if (++counters[axis]! < sizes[axis]!) break;
      offsetA -= stridesA[axis]! * sizes[axis]!;
      offsetB -= stridesB[axis]! * sizes[axis]!;
      counters[axis] = 0;
    }
  }
}

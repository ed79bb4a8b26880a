import type { Shape, Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "../core/errors.js";
import { broadcastShapes, shapesEqual, sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { viewsOverlap } from "../kernels/arguments.js";
import { type BinaryLoops, binaryRowsByLoops } from "../kernels/js-elementwise.js";
import type { BinaryOp, BinaryOperand } from "../kernels/kernels.js";
import { getKernels } from "../kernels/registry.js";
import { type GradientAllocator, resultArray } from "../linalg/linear.js";
import { assertOperand, operandDType } from "./operands.js";

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
  allocateResult?: GradientAllocator,
): Tensor {
  assertOperand(op, a, "the first operand");
  assertOperand(op, b, "the second operand");
  const shape = resultShape(op, a, b);
  const out = resultArray(op, allocateResult, operandDType(a, b), sizeOf(shape));
  if (allocateResult !== undefined) {
    assertNotOverlapping(op, out, a, "the first operand");
    assertNotOverlapping(op, out, b, "the second operand");
  }
  const length = out.length;
  // A number is that value everywhere; a tensor of the output's size has its layout, one of one element
  // repeats it: then one row. Otherwise the innermost rows of the broadcast.
  if (wholeOrOne(a, length) && wholeOrOne(b, length)) {
    compute(kernel, out, length, singleRow(a, length), singleRow(b, length));
  } else if (length > 0) {
    const rows = broadcastRows(shape, a as TensorLike, b as TensorLike, length);
    compute(kernel, out, rows.rowLength, rows.a, rows.b);
  }
  return new Tensor(out, shape);
}

/** Runs the op: through the active kernels for + − × ÷, by its own loops otherwise. */
function compute(
  kernel: BinaryKernel,
  out: Float32Array | Float64Array,
  rowLength: number,
  a: BinaryOperand,
  b: BinaryOperand,
): void {
  if (typeof kernel === "string") getKernels().binary(kernel, out, rowLength, a, b);
  else binaryRowsByLoops(kernel, out, rowLength, a, b);
}

/** The broadcast shape of two operands (a number is a scalar); no new array when one side's shape is it. */
function resultShape(op: string, a: TensorLike | number, b: TensorLike | number): Shape {
  if (typeof a === "number") return typeof b === "number" ? [] : b.shape;
  if (typeof b === "number" || shapesEqual(a.shape, b.shape)) return a.shape;
  return broadcastShapes(op, a.shape, b.shape);
}

/** Row 0 of a one-row operand. Never written: kernels only read offsets. */
const FIRST_ROW = new Int32Array(1);

/** Whether an operand is a number, a tensor of `length` elements, or a tensor of one. */
function wholeOrOne(operand: TensorLike | number, length: number): boolean {
  return typeof operand === "number" || operand.data.length === length || operand.data.length === 1;
}

/** An operand of {@link wholeOrOne} as one row of `length`: walked, or its one value repeated. */
function singleRow(operand: TensorLike | number, length: number): BinaryOperand {
  if (typeof operand === "number") return operand;
  return { data: operand.data, offsets: FIRST_ROW, step: operand.data.length === length ? 1 : 0 };
}

/** Operands as rows of the output (see `Kernels.binary`). */
interface Rows {
  readonly rowLength: number;
  readonly a: BinaryOperand;
  readonly b: BinaryOperand;
}

/** The innermost rows of the collapsed broadcast of `shapeA` and `shapeB` into `shape`. */
function broadcastRows(shape: Shape, a: TensorLike, b: TensorLike, length: number): Rows {
  const collapsed = collapseBroadcast(shape, [a.shape, b.shape]);
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
    a: { data: a.data, offsets: offsetsA, step: collapsed.strides[0]![last] === 0 ? 0 : 1 },
    b: { data: b.data, offsets: offsetsB, step: collapsed.strides[1]![last] === 0 ? 0 : 1 },
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

/**
 * An allocator's array may be an operand's own array (the op runs in place, element by element), but not a
 * view that overlaps it elsewhere: elements would be read after they were overwritten.
 */
function assertNotOverlapping(
  op: string,
  out: Float32Array | Float64Array,
  operand: TensorLike | number,
  label: string,
): void {
  if (typeof operand === "number") return;
  const data = operand.data;
  const sameStart = data.byteOffset === out.byteOffset && data.BYTES_PER_ELEMENT === out.BYTES_PER_ELEMENT;
  if (viewsOverlap(data, out) && !(sameStart && data.length === out.length)) {
    throw new ValueError(
      op,
      `options.allocate returned an array that overlaps ${label} at a different position (bytes ${out.byteOffset}…${out.byteOffset + out.byteLength} and ${data.byteOffset}…${data.byteOffset + data.byteLength} of one buffer): return the operand's own array for an in-place op, or a separate one`,
    );
  }
}

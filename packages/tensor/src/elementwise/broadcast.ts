import type { Shape, Tensor as TensorLike } from "@descent/spec";
import { allocate } from "../core/dtype.js";
import { broadcastShapes, shapesEqual, sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import {
  BINARY_WASM_MINIMUM_LENGTH,
  type BinaryFloat32Op,
  BROADCAST_WASM_MINIMUM_ROW,
  binaryFloat32,
  binaryFloat32Rows,
} from "../kernels/binary-float32.js";
import { assertOperand, type NumericArray, operandDType } from "./operands.js";

/**
 * The three contiguous loops of one binary op `out = f(a, b)`. Each op writes its own loops (no
 * per-element closure), and the driver below picks the loop: whole arrays when the shapes match, a
 * scalar loop when one side has one element, and rows of the broadcast otherwise.
 */
export interface BinaryKernel {
  /** `out[o + i] = f(a[ao + i], b[bo + i])` for `i < count`. */
  both(
    out: NumericArray,
    o: number,
    a: NumericArray,
    ao: number,
    b: NumericArray,
    bo: number,
    count: number,
  ): void;
  /** `out[o + i] = f(a[ao + i], s)`. */
  left(out: NumericArray, o: number, a: NumericArray, ao: number, s: number, count: number): void;
  /** `out[o + i] = f(s, b[bo + i])`. */
  right(out: NumericArray, o: number, s: number, b: NumericArray, bo: number, count: number): void;
  /**
   * The same operation in WebAssembly SIMD for two float32 operands of one shape (see `binaryFloat32`), for
   * the ops whose float32 result it reproduces bit for bit; `both` runs where it does not apply.
   */
  readonly simd?: BinaryFloat32Op;
}

/**
 * Applies `kernel` to `a` and `b` with NumPy broadcasting; numbers are scalars of the tensor's dtype.
 * Result dtype: float64 if any tensor operand is float64, else float32.
 */
export function binary(
  op: string,
  kernel: BinaryKernel,
  a: TensorLike | number,
  b: TensorLike | number,
): Tensor {
  assertOperand(op, a, "the first operand");
  assertOperand(op, b, "the second operand");
  const dtype = operandDType(a, b);
  if (typeof a === "number") {
    if (typeof b === "number") {
      const out = allocate(dtype, 1);
      kernel.right(out, 0, a, Float64Array.of(b), 0, 1);
      return new Tensor(out, []);
    }
    const out = allocate(dtype, b.data.length);
    if (!scalarFloat32(kernel, out, a, b.data, true)) kernel.right(out, 0, a, b.data, 0, out.length);
    return new Tensor(out, b.shape);
  }
  if (typeof b === "number") {
    const out = allocate(dtype, a.data.length);
    if (!scalarFloat32(kernel, out, b, a.data, false)) kernel.left(out, 0, a.data, 0, b, out.length);
    return new Tensor(out, a.shape);
  }
  if (shapesEqual(a.shape, b.shape)) {
    const out = allocate(dtype, a.data.length);
    const op = simdOp(kernel, out, a.data, b.data);
    if (
      op === undefined ||
      !binaryFloat32(op, out as Float32Array, a.data as Float32Array, b.data as Float32Array)
    )
      kernel.both(out, 0, a.data, 0, b.data, 0, out.length);
    return new Tensor(out, a.shape);
  }
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = allocate(dtype, sizeOf(shape), op);
  if (out.length === 0) return new Tensor(out, shape);
  // Collapsed only where a path needs it (one-element operands of short outputs do not).
  let collapsed: CollapsedBroadcast | undefined;
  const collapse = () => (collapsed ??= collapseBroadcast(shape, [a.shape, b.shape]));
  const simd = out.length >= BINARY_WASM_MINIMUM_LENGTH ? simdOp(kernel, out, a.data, b.data) : undefined;
  if (simd !== undefined && broadcastFloat32(simd, collapse(), a, b, out as Float32Array)) {
    return new Tensor(out, shape);
  }
  // With one element on a side, the other side's data already is the result's layout.
  if (b.data.length === 1) kernel.left(out, 0, a.data, 0, b.data[0]!, out.length);
  else if (a.data.length === 1) kernel.right(out, 0, a.data[0]!, b.data, 0, out.length);
  else broadcastRows(kernel, collapse(), a, b, out);
  return new Tensor(out, shape);
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

/** The general path: one contiguous kernel call per innermost row. */
function broadcastRows(
  kernel: BinaryKernel,
  collapsed: CollapsedBroadcast,
  a: TensorLike,
  b: TensorLike,
  out: NumericArray,
): void {
  const last = collapsed.sizes.length - 1;
  const inner = collapsed.sizes[last]!;
  // The innermost collapsed axis has stride 1 on the operand that spans it and 0 on the other.
  const innerA = collapsed.strides[0]![last]!;
  const innerB = collapsed.strides[1]![last]!;
  const dataA = a.data;
  const dataB = b.data;
  forEachRow(collapsed, (offset, offsetA, offsetB) => {
    if (innerA !== 0 && innerB !== 0) kernel.both(out, offset, dataA, offsetA, dataB, offsetB, inner);
    else if (innerA !== 0) kernel.left(out, offset, dataA, offsetA, dataB[offsetB]!, inner);
    else kernel.right(out, offset, dataA[offsetA]!, dataB, offsetB, inner);
  });
}

/**
 * `out = tensor ∘ scalar` (or `scalar ∘ tensor` when `scalarFirst`) in WebAssembly SIMD, as one row that
 * the scalar spans, for the ops that have it. Only when the scalar is a float32 value: the loop computes
 * with the JavaScript number as it is, and the SIMD lanes hold float32, so only then are the bits the same.
 */
function scalarFloat32(
  kernel: BinaryKernel,
  out: NumericArray,
  scalar: number,
  data: NumericArray,
  scalarFirst: boolean,
): boolean {
  if (out.length < BINARY_WASM_MINIMUM_LENGTH) return false; // before allocating: tiny ops stay cheap
  const op = simdOp(kernel, out, data);
  if (op === undefined || Math.fround(scalar) !== scalar) return false;
  const row = new Int32Array(1);
  const tensorOperand = { data: data as Float32Array, offsets: row, step: 1 } as const;
  const scalarOperand = { data: Float32Array.of(scalar), offsets: row, step: 0 } as const;
  return scalarFirst
    ? binaryFloat32Rows(op, out as Float32Array, out.length, scalarOperand, tensorOperand)
    : binaryFloat32Rows(op, out as Float32Array, out.length, tensorOperand, scalarOperand);
}

/** The kernel's SIMD op when it has one and every array is float32 (the WebAssembly paths' condition). */
function simdOp(
  kernel: BinaryKernel,
  out: NumericArray,
  first: NumericArray,
  second: NumericArray = first,
): BinaryFloat32Op | undefined {
  const float32 =
    out instanceof Float32Array && first instanceof Float32Array && second instanceof Float32Array;
  return float32 ? kernel.simd : undefined;
}

/**
 * The broadcast of two float32 operands in WebAssembly SIMD (see `binaryFloat32Rows`) when its innermost
 * rows are long enough; false (nothing written) otherwise.
 */
function broadcastFloat32(
  op: BinaryFloat32Op,
  collapsed: CollapsedBroadcast,
  a: TensorLike,
  b: TensorLike,
  out: Float32Array,
): boolean {
  const last = collapsed.sizes.length - 1;
  const inner = collapsed.sizes[last]!;
  if (inner < BROADCAST_WASM_MINIMUM_ROW) return false;
  const offsetsA = new Int32Array(out.length / inner);
  const offsetsB = new Int32Array(out.length / inner);
  forEachRow(collapsed, (offset, offsetA, offsetB) => {
    offsetsA[offset / inner] = offsetA;
    offsetsB[offset / inner] = offsetB;
  });
  return binaryFloat32Rows(
    op,
    out,
    inner,
    { data: a.data as Float32Array, offsets: offsetsA, step: collapsed.strides[0]![last] === 0 ? 0 : 1 },
    { data: b.data as Float32Array, offsets: offsetsB, step: collapsed.strides[1]![last] === 0 ? 0 : 1 },
  );
}

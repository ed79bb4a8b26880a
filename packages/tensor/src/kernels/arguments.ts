import { ValueError } from "../core/errors.js";

/*
 * Argument checks of the public kernel-level functions (`gemm`, `reluGradient`, `scaledAddFloat32`, …),
 * which take raw arrays and sizes instead of tensors. O(1) each: they run on every call of a hot path.
 */

type NumericArray = Float32Array | Float64Array;

/** Throws a `ValueError` unless `value` is a Float32Array or Float64Array of at least `length` elements. */
export function assertFloatArray(
  op: string,
  value: unknown,
  name: string,
  length: number,
  float32Only = false,
): asserts value is NumericArray {
  const float = value instanceof Float32Array || (!float32Only && value instanceof Float64Array);
  if (!float) {
    throw new ValueError(
      op,
      `${name} is ${describe(value)}: pass a ${float32Only ? "Float32Array" : "Float32Array or Float64Array"}`,
    );
  }
  if ((value as NumericArray).length < length) {
    throw new ValueError(
      op,
      `${name} has ${(value as NumericArray).length} elements but ${length} are needed: pass an array of at least ${length}`,
    );
  }
}

/** Throws a `ValueError` unless `value` is a non-negative safe integer. */
export function assertSize(op: string, value: unknown, name: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new ValueError(op, `${name} is ${describe(value)}: use a non-negative integer`);
  }
}

/** Throws unless the arguments of `C = α·op(A)·op(B) + β·C` are sizes and arrays that hold them. */
export function assertGemmArguments(
  op: string,
  m: unknown,
  n: unknown,
  k: unknown,
  alpha: unknown,
  a: unknown,
  b: unknown,
  beta: unknown,
  c: unknown,
): void {
  assertSize(op, m, "m");
  assertSize(op, n, "n");
  assertSize(op, k, "k");
  if (typeof alpha !== "number") throw new ValueError(op, `alpha is ${describe(alpha)}: use a number`);
  if (typeof beta !== "number") throw new ValueError(op, `beta is ${describe(beta)}: use a number`);
  assertFloatArray(op, a, "a", m * k);
  assertFloatArray(op, b, "b", k * n);
  assertFloatArray(op, c, "c", m * n);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * Whether two views share a byte of one buffer (an output that overlaps an input would be read after it was
 * overwritten).
 *
 * `same buffer ∧ a.start < b.end ∧ b.start < a.end` (byte offsets)
 *
 * @example viewsOverlap(data.subarray(0, 4), data.subarray(2, 6)) // true
 */
export function viewsOverlap(first: ArrayBufferView, second: ArrayBufferView): boolean {
  return (
    first.buffer === second.buffer &&
    first.byteOffset < second.byteOffset + second.byteLength &&
    second.byteOffset < first.byteOffset + first.byteLength
  );
}

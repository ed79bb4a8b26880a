import type { DType, Tensor as TensorLike } from "@descent/spec";
import * as T from "@descent/tensor";
import { ValueError } from "@descent/tensor";
import { assertOperand, type Operand, record, type Traced, tensorOf } from "../core/traced.js";
import { sum } from "./reductions.js";
import { expandDims, reshape } from "./shape-ops.js";

// Ops that select, join or repeat parts of tensors. The VJP of a selection puts the cotangent back
// in place (zeros elsewhere); the VJP of a join selects each part of the cotangent.

/**
 * A block of `x` starting at `begin` (negative counts from the end) of `size` (−1 or absent: to the
 * end); the gradient is the cotangent padded with zeros back to the input's shape.
 *
 * @example slice(x, [0, 1], [2, -1])
 */
export function slice(x: Operand, begin: readonly number[], size?: readonly number[]): Traced {
  const input = tensorOf(x);
  const output = T.slice(input, begin, size);
  return record("slice", output, [x], (g) => {
    const paddings = input.shape.map((dimension, axis): [number, number] => {
      const start = (begin[axis] ?? 0) < 0 ? begin[axis]! + dimension : (begin[axis] ?? 0);
      return [start, dimension - start - output.shape[axis]!];
    });
    return [pad(g, paddings)];
  });
}

/** Pads each axis with `[before, after]` elements of `value`; the gradient is the inner block of the cotangent. @example pad(images, [[0, 0], [2, 2], [2, 2]]) */
export function pad(x: Operand, paddings: readonly (readonly [number, number])[], value = 0): Traced {
  const input = tensorOf(x);
  return record("pad", T.pad(input, paddings, value), [x], (g) => [
    slice(
      g,
      input.shape.map((_, axis) => paddings[axis]?.[0] ?? 0),
      input.shape,
    ),
  ]);
}

/** Joins tensors along `axis`; each input's gradient is its block of the cotangent. @example concat([a, b], 1) */
export function concat(tensors: readonly Operand[], axis = 0): Traced {
  assertOperandList("concat", tensors);
  const inputs = tensors.map((t) => tensorOf(t));
  const output = T.concat(inputs, axis);
  const along = axis < 0 ? axis + output.shape.length : axis;
  return record("concat", output, tensors, (g, _, __, needs) => {
    let offset = 0;
    return inputs.map((input, i) => {
      const begin = input.shape.map((_, a) => (a === along ? offset : 0));
      offset += input.shape[along]!;
      return needs[i] ? slice(g, begin, input.shape) : null;
    });
  });
}

/** Stacks same-shaped tensors along a new axis; each input's gradient is its slice of the cotangent. @example stack([a, b, c], 0) */
export function stack(tensors: readonly Operand[], axis = 0): Traced {
  assertOperandList("stack", tensors);
  const inputs = tensors.map((t) => tensorOf(t));
  const output = T.stack(inputs, axis);
  const along = axis < 0 ? axis + output.shape.length : axis;
  return record("stack", output, tensors, (g, _, __, needs) =>
    inputs.map((input, i) => {
      if (!needs[i]) return null;
      const begin = output.shape.map((_, a) => (a === along ? i : 0));
      const size = output.shape.map((dimension, a) => (a === along ? 1 : dimension));
      return reshape(slice(g, begin, size), input.shape);
    }),
  );
}

/**
 * Splits `x` along `axis` into parts of the given sizes (or into `sizes` equal parts); each part's gradient is padded back to
 * the input's shape (and the parts' gradients are summed, like any reuse).
 *
 * @example const [train, test] = split(x, [800, 200], 0);
 */
export function split(x: Operand, sizes: number | readonly number[], axis = 0): Traced[] {
  const input = tensorOf(x);
  const parts = T.split(input, sizes, axis);
  return placeParts("split", x, input, parts, axis, false);
}

/** Splits `x` along `axis` into its slices, removing that axis (inverse of {@link stack}). @example const [a, b] = unstack(pairs, 1); */
export function unstack(x: Operand, axis = 0): Traced[] {
  const input = tensorOf(x);
  const parts = T.unstack(input, axis);
  return placeParts("unstack", x, input, parts, axis, true);
}

function placeParts(
  op: string,
  x: Operand,
  input: TensorLike,
  parts: readonly TensorLike[],
  axis: number,
  squeezed: boolean,
): Traced[] {
  const rank = input.shape.length;
  const along = axis < 0 ? axis + rank : axis;
  let offset = 0;
  return parts.map((part) => {
    const start = offset;
    const size = squeezed ? 1 : part.shape[along]!;
    offset += size;
    return record(op, part, [x], (g) => {
      const block = squeezed ? expandDims(g, along) : g;
      const paddings = input.shape.map((dimension, a): [number, number] =>
        a === along ? [start, dimension - start - size] : [0, 0],
      );
      return [pad(block, paddings)];
    });
  });
}

/**
 * Picks the slices `indices` of `x` along `axis`. The gradient
 * adds each cotangent slice into the row it came from (scatter-add), so a repeated index sums.
 *
 * `∂L/∂x[j] = Σ_{k : indices[k] = j} g[k]`
 *
 * @example gather(embeddings, tokenIds, 0)
 */
export function gather(x: Operand, indices: T.Indices, axis = 0): Traced {
  const input = tensorOf(x);
  const output = T.gather(input, indices, axis);
  const rank = input.shape.length;
  const along = axis < 0 ? axis + rank : axis;
  return record("gather", output, [x], (g) => [scatterAdd(g, indices, along, input.shape)]);
}

/**
 * The gradient of {@link gather}: a zero tensor of `shape` into which each slice of `g` along `axis` is
 * added at the row its index names, `out[…, indices[k], …] += g[…, k, …]`. It costs one pass over `g`
 * (a product with a one-hot matrix would cost `length` times more). Its own gradient is a gather.
 */
function scatterAdd(g: Operand, indices: T.Indices, axis: number, shape: readonly number[]): Traced {
  const cotangent = tensorOf(g);
  const flat = isTensorIndices(indices) ? indices.data : indices;
  const length = shape[axis]!;
  let before = 1;
  for (let a = 0; a < axis; a++) before *= shape[a]!;
  let after = 1;
  for (let a = axis + 1; a < shape.length; a++) after *= shape[a]!;
  const count = flat.length;
  const source = cotangent.data;
  const target = T.allocate(cotangent.dtype, before * length * after);
  for (let outer = 0; outer < before; outer++) {
    for (let k = 0; k < count; k++) {
      const from = (outer * count + k) * after;
      const to = (outer * length + flat[k]!) * after;
      for (let inner = 0; inner < after; inner++) target[to + inner]! += source[from + inner]!;
    }
  }
  return record("scatterAdd", new T.Tensor(target, shape), [g], (h) => [gather(h, indices, axis)]);
}

function isTensorIndices(indices: T.Indices): indices is TensorLike<DType> {
  return typeof indices === "object" && "data" in indices && "shape" in indices;
}

/**
 * Repeats `x` `reps[i]` times along axis `i` (one count per axis); the gradient sums the copies.
 *
 * `∂L/∂x[j] = Σ_copies g[copy of j]`
 *
 * @example tile(row, [4, 1])
 */
export function tile(x: Operand, reps: readonly number[]): Traced {
  const input = tensorOf(x);
  return record("tile", T.tile(input, reps), [x], (g) => {
    // [r₀·s₀, r₁·s₁, …] → [r₀, s₀, r₁, s₁, …]; sum over the repeat axes 0, 2, 4, ….
    const interleaved = input.shape.flatMap((size, i) => [reps[i]!, size]);
    const repeatAxes = input.shape.map((_, i) => 2 * i);
    return [reshape(sum(reshape(g, interleaved), repeatAxes), input.shape)];
  });
}

function assertOperandList(op: string, tensors: unknown): void {
  if (!Array.isArray(tensors)) {
    throw new ValueError(
      op,
      `tensors is ${tensors === null ? "null" : typeof tensors}: pass an array of tensors`,
    );
  }
  for (let i = 0; i < tensors.length; i++) assertOperand(op, tensors[i], `tensor ${i}`);
}

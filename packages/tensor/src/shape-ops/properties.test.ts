import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  broadcastTo,
  concat,
  expandDims,
  flatten,
  gather,
  pad,
  permute,
  reshape,
  type Shape,
  slice,
  split,
  squeeze,
  stack,
  type Tensor,
  tensor,
  tile,
  transpose,
  unstack,
} from "../index.js";

// Naive references: one element at a time, by multi-index, so they cannot share a bug with the
// block/stride tricks of the implementations.

function strides(shape: Shape): number[] {
  const result = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    result[axis] = stride;
    stride *= shape[axis]!;
  }
  return result;
}

function size(shape: Shape): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

function indices(shape: Shape): number[][] {
  const all: number[][] = [];
  const visit = (prefix: number[]) => {
    if (prefix.length === shape.length) {
      all.push(prefix);
      return;
    }
    for (let i = 0; i < shape[prefix.length]!; i++) visit([...prefix, i]);
  };
  visit([]);
  return all;
}

function at(t: Tensor, index: readonly number[]): number {
  const s = strides(t.shape);
  return t.data[index.reduce((offset, i, axis) => offset + i * s[axis]!, 0)]!;
}

function numbered(shape: Shape, dtype: "float32" | "float64" = "float64"): Tensor {
  return tensor(
    Array.from({ length: size(shape) }, (_, i) => i + 0.5),
    shape,
    dtype,
  );
}

const shapes = (minRank = 0, maxRank = 4, minSize = 0) =>
  fc.array(fc.integer({ min: minSize, max: 4 }), { minLength: minRank, maxLength: maxRank });
const permutationOf = (rank: number) =>
  fc.shuffledSubarray(
    Array.from({ length: rank }, (_, i) => i),
    { minLength: rank, maxLength: rank },
  );

describe("shape-op properties", () => {
  it("transpose by a permutation matches element-wise indexing, and the inverse permutation undoes it", () => {
    fc.assert(
      fc.property(
        shapes(0, 5).chain((shape) => fc.tuple(fc.constant(shape), permutationOf(shape.length))),
        fc.constantFrom("float32" as const, "float64" as const),
        ([shape, order], dtype) => {
          const t = numbered(shape, dtype);
          const result = permute(t, order);
          expect(result.shape).toEqual(order.map((axis) => shape[axis]));
          expect(result.dtype).toBe(dtype);
          for (const index of indices(result.shape)) {
            const source = new Array<number>(shape.length);
            order.forEach((axis, k) => {
              source[axis] = index[k]!;
            });
            expect(at(result, index)).toBe(at(t, source));
          }
          const inverse = new Array<number>(order.length);
          order.forEach((axis, k) => {
            inverse[axis] = k;
          });
          const back = transpose(result, inverse);
          expect(back.shape).toEqual(shape);
          expect(Array.from(back.data)).toEqual(Array.from(t.data));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("transposes large 2-D and batched matrices through the blocked path", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 80 }),
        (batch, rows, columns) => {
          const t = numbered([batch, rows, columns]);
          const result = transpose(t, [0, 2, 1]);
          for (let b = 0; b < batch; b++) {
            for (let i = 0; i < rows; i += 7) {
              for (let j = 0; j < columns; j += 5) expect(at(result, [b, j, i])).toBe(at(t, [b, i, j]));
            }
          }
          expect(transpose(transpose(reshape(t, [batch * rows, columns]))).toArray()).toEqual(t.toArray());
        },
      ),
      { numRuns: 40 },
    );
  });

  it("reshape keeps the data in row-major order", () => {
    fc.assert(
      fc.property(shapes(0, 4, 1), fc.integer({ min: 0, max: 3 }), (shape, cut) => {
        const t = numbered(shape);
        const split = Math.min(cut, shape.length);
        const target = [size(shape.slice(0, split)), -1, ...shape.slice(split).map(() => 1)];
        const result = reshape(t, target);
        expect(size(result.shape)).toBe(size(shape));
        expect(result.shape[1]).toBe(size(shape.slice(split)));
        expect(result.toArray()).toEqual(t.toArray());
        expect(flatten(t, 0).toArray()).toEqual(t.toArray());
      }),
    );
  });

  it("concat then split gives the pieces back", () => {
    fc.assert(
      fc.property(
        shapes(1, 4),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (shape, pieceSizes, axisSeed) => {
          const axis = axisSeed % shape.length;
          const pieces = pieceSizes.map((pieceSize, k) => {
            const pieceShape = [...shape];
            pieceShape[axis] = pieceSize;
            return tensor(
              Array.from({ length: size(pieceShape) }, (_, i) => k * 1000 + i),
              pieceShape,
              k % 2 === 0 ? "float64" : "float32",
            );
          });
          const joined = concat(pieces, axis);
          expect(joined.dtype).toBe("float64");
          expect(joined.shape[axis]).toBe(pieceSizes.reduce((a, b) => a + b, 0));
          const back = split(joined, pieceSizes, axis);
          back.forEach((piece, k) => {
            expect(piece.shape).toEqual(pieces[k]!.shape);
            expect(piece.toArray()).toEqual(pieces[k]!.toArray());
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("stack and unstack are inverse, and stack = concat of expanded tensors", () => {
    fc.assert(
      fc.property(shapes(0, 3), fc.integer({ min: 1, max: 4 }), fc.nat(), (shape, count, axisSeed) => {
        const axis = axisSeed % (shape.length + 1);
        const tensors = Array.from({ length: count }, (_, k) =>
          tensor(
            Array.from({ length: size(shape) }, (_, i) => k * 100 + i),
            shape,
            "float64",
          ),
        );
        const stacked = stack(tensors, axis);
        expect(stacked.toArray()).toEqual(
          concat(
            tensors.map((t) => expandDims(t, axis)),
            axis,
          ).toArray(),
        );
        const back = unstack(stacked, axis);
        expect(back.map((t) => t.shape)).toEqual(tensors.map((t) => t.shape));
        expect(back.map((t) => t.toArray())).toEqual(tensors.map((t) => t.toArray()));
        expect(squeeze(expandDims(tensors[0]!, axis), axis).shape).toEqual(shape);
      }),
      { numRuns: 150 },
    );
  });

  it("gather matches manual indexing", () => {
    fc.assert(
      fc.property(
        shapes(1, 4, 1).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc
              .integer({ min: 0, max: shape.length - 1 })
              .chain((axis) =>
                fc.tuple(
                  fc.constant(axis),
                  fc.array(fc.integer({ min: 0, max: shape[axis]! - 1 }), { maxLength: 6 }),
                ),
              ),
          ),
        ),
        ([shape, [axis, picks]]) => {
          const t = numbered(shape);
          const result = gather(t, picks, axis);
          expect(result.shape).toEqual([...shape.slice(0, axis), picks.length, ...shape.slice(axis + 1)]);
          for (const index of indices(result.shape)) {
            const source = [...index];
            source[axis] = picks[index[axis]!]!;
            expect(at(result, index)).toBe(at(t, source));
          }
          const asTensor = gather(t, tensor(picks, [1, picks.length]), axis);
          expect(asTensor.toArray()).toEqual(result.toArray());
        },
      ),
      { numRuns: 200 },
    );
  });

  it("broadcastTo repeats along size-1 and new axes", () => {
    fc.assert(
      fc.property(
        shapes(0, 4),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 2 }),
        (target, ones, extra) => {
          const inputShape = target.slice(extra).map((dimension, axis) => (ones[axis] ? 1 : dimension));
          const t = numbered(inputShape);
          const result = broadcastTo(t, target);
          expect(result.shape).toEqual(target);
          const offset = target.length - inputShape.length;
          for (const index of indices(target)) {
            const source = index.slice(offset).map((i, axis) => (inputShape[axis] === 1 ? 0 : i));
            expect(at(result, index)).toBe(at(t, source));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("slice matches indexing, and pad then slice gives the input back", () => {
    fc.assert(
      fc.property(
        shapes(0, 4).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.tuple(...shape.map((dimension) => fc.integer({ min: 0, max: dimension }))),
            fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), {
              minLength: shape.length,
              maxLength: shape.length,
            }),
          ),
        ),
        fc.nat(),
        ([shape, begin, paddings], sizeSeed) => {
          const t = numbered(shape);
          const sizes = shape.map((dimension, axis) => (sizeSeed >> axis) % (dimension - begin[axis]! + 1));
          const result = slice(t, begin, sizes);
          expect(result.shape).toEqual(sizes);
          for (const index of indices(sizes)) {
            expect(at(result, index)).toBe(
              at(
                t,
                index.map((i, axis) => i + begin[axis]!),
              ),
            );
          }
          const padded = pad(t, paddings as [number, number][], -7);
          expect(padded.shape).toEqual(shape.map((d, axis) => d + paddings[axis]![0] + paddings[axis]![1]));
          const inner = slice(
            padded,
            paddings.map(([before]) => before),
            shape,
          );
          expect(inner.toArray()).toEqual(t.toArray());
          const padCount = padded.toArray().filter((x) => x === -7).length;
          expect(padCount).toBe(size(padded.shape) - size(shape));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("tile matches modular indexing", () => {
    fc.assert(
      fc.property(
        shapes(0, 3).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.array(fc.integer({ min: 0, max: 3 }), { minLength: shape.length, maxLength: shape.length }),
          ),
        ),
        ([shape, reps]) => {
          const t = numbered(shape);
          const result = tile(t, reps);
          expect(result.shape).toEqual(shape.map((d, axis) => d * reps[axis]!));
          for (const index of indices(result.shape)) {
            expect(at(result, index)).toBe(
              at(
                t,
                index.map((i, axis) => i % shape[axis]!),
              ),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

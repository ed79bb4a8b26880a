import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { tensor } from "../creation/index.js";
import { add, div, mul, sub } from "../elementwise/arithmetic.js";
import { jsKernels } from "./js-kernels.js";
import type { BinaryOp as BinaryFloat32Op, BinaryOperand, RowOperand } from "./kernels.js";
import { chunkEdgeLengths, expectBitIdentical, seededFloat32 } from "./testing/float32-arrays.js";
import {
  BINARY_MINIMUM_LENGTH as BINARY_WASM_MINIMUM_LENGTH,
  BROADCAST_MINIMUM_ROW as BROADCAST_WASM_MINIMUM_ROW,
} from "./wasm/thresholds.js";
import { compileWasmKernels } from "./wasm/wasm-kernels.js";

const ops: readonly BinaryFloat32Op[] = ["add", "sub", "mul", "div"];

const wasm = compileWasmKernels("wasm-simd");
afterAll(() => wasm.engine.terminate());
const engineBinary = vi.spyOn(wasm.engine.elementwise, "binary");

/**
 * `Kernels.binary` of the wasm kernels over rows; true when the engine's module ran it (false: the JavaScript
 * reference did). The JavaScript kernels must give the same bits: checked on the same operands.
 */
function binaryFloat32Rows(
  op: BinaryFloat32Op,
  out: Float32Array,
  rowLength: number,
  a: BinaryOperand,
  b: BinaryOperand,
): boolean {
  const before = engineBinary.mock.calls.length;
  const byJs = new Float32Array(out.length);
  jsKernels.binary(op, byJs, rowLength, a, b);
  wasm.binary(op, out, rowLength, a, b);
  expectBitIdentical(out, byJs);
  return engineBinary.mock.calls.length > before;
}

/** {@link binaryFloat32Rows} with both operands one row of the output's length (the same-shape case). */
function binaryFloat32(op: BinaryFloat32Op, out: Float32Array, a: Float32Array, b: Float32Array): boolean {
  const row = new Int32Array(1);
  return binaryFloat32Rows(
    op,
    out,
    out.length,
    { data: a, offsets: row, step: 1 },
    { data: b, offsets: row, step: 1 },
  );
}

/** `x ∘ y` in float64, as the JavaScript loops compute before storing into a float32 array. */
function apply(op: BinaryFloat32Op, x: number, y: number): number {
  return op === "add" ? x + y : op === "sub" ? x - y : op === "mul" ? x * y : x / y;
}

/** The JavaScript loop `binary()` runs otherwise: float64 arithmetic stored into a float32 array. */
function reference(op: BinaryFloat32Op, a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = apply(op, a[i]!, b[i]!);
  return out;
}

/** The row-wise broadcast by its definition: row r reads data[offsets[r] + j·step]. */
function rowsReference(op: BinaryFloat32Op, rows: number, rowLength: number, a: RowOperand, b: RowOperand) {
  const out = new Float32Array(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < rowLength; j++) {
      const x = a.data[a.offsets[r]! + j * a.step]!;
      const y = b.data[b.offsets[r]! + j * b.step]!;
      out[r * rowLength + j] = apply(op, x, y);
    }
  }
  return out;
}

describe("Kernels.binary over one row (same shape)", () => {
  it("runs in the engine's WebAssembly module in Node for every op (the fast path is really taken)", () => {
    const a = seededFloat32(BINARY_WASM_MINIMUM_LENGTH, 1);
    for (const op of ops) expect(binaryFloat32(op, new Float32Array(a.length), a, a)).toBe(true);
  });

  it("leaves short arrays to the JavaScript loop", () => {
    const a = new Float32Array(BINARY_WASM_MINIMUM_LENGTH - 1).fill(1);
    const out = new Float32Array(a.length).fill(7);
    expect(binaryFloat32("add", out, a, a)).toBe(false);
    expect(out.every((value) => value === 2)).toBe(true);
  });

  it("equals the JavaScript loop bit for bit for every op, any length (tails, chunk edges) and special values", () => {
    fc.assert(
      fc.property(
        fc.record({
          op: fc.constantFrom(...ops),
          length: chunkEdgeLengths(BINARY_WASM_MINIMUM_LENGTH),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          specials: fc.boolean(),
        }),
        ({ op, length, seed, specials }) => {
          const a = seededFloat32(length, seed, specials ? 0.05 : 0);
          const b = seededFloat32(length, seed + 1, specials ? 0.05 : 0);
          const out = new Float32Array(length);
          expect(binaryFloat32(op, out, a, b)).toBe(true);
          expectBitIdentical(out, reference(op, a, b));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("writes in place when the output is an operand (x ← x ∘ y and y ← x ∘ y)", () => {
    const length = 3 * 16384 + 3;
    for (const op of ops) {
      const a = seededFloat32(length, 11, 0.05);
      const b = seededFloat32(length, 12, 0.05);
      const expected = reference(op, a, b);
      const first = a.slice();
      binaryFloat32(op, first, first, b);
      expectBitIdentical(first, expected);
      const second = b.slice();
      binaryFloat32(op, second, a, second);
      expectBitIdentical(second, expected);
    }
  });

  it("reads and writes subarrays at their offsets", () => {
    const base = seededFloat32(5000, 3);
    const other = seededFloat32(5000, 4);
    const a = base.subarray(7, 4007);
    const b = other.subarray(1, 4001);
    const out = new Float32Array(4010).fill(9).subarray(5, 4005);
    binaryFloat32("mul", out, a, b);
    expectBitIdentical(out, reference("mul", a, b));
  });

  it("backs add, sub, mul and div of same-shape float32 tensors, with the loop's results", () => {
    const shape = [33, 65];
    const a = tensor(seededFloat32(33 * 65, 5, 0.05), shape);
    const b = tensor(seededFloat32(33 * 65, 6, 0.05), shape);
    for (const [op, run] of [
      ["add", add],
      ["sub", sub],
      ["mul", mul],
      ["div", div],
    ] as const) {
      const result = run(a, b);
      expect(result.shape).toEqual(shape);
      expect(result.dtype).toBe("float32");
      expectBitIdentical(
        result.data as Float32Array,
        reference(op, a.data as Float32Array, b.data as Float32Array),
      );
    }
  });
});

describe("Kernels.binary with a number operand", () => {
  it("uses the number everywhere: in the engine when it is a float32 value, in JavaScript otherwise, the loop's bits", () => {
    const data = seededFloat32(3000, 41, 0.05);
    const row = { data, offsets: new Int32Array(1), step: 1 as const };
    for (const [scalar, inEngine] of [
      [0.5, true],
      [-3, true],
      [0.1, false],
      [Number.NaN, false],
    ] as const) {
      for (const op of ops) {
        const right = new Float32Array(data.length);
        const left = new Float32Array(data.length);
        expect(binaryFloat32Rows(op, right, data.length, row, scalar)).toBe(inEngine);
        expect(binaryFloat32Rows(op, left, data.length, scalar, row)).toBe(inEngine);
        const expectedRight = new Float32Array(data.length);
        const expectedLeft = new Float32Array(data.length);
        for (let i = 0; i < data.length; i++) {
          expectedRight[i] = apply(op, data[i]!, scalar);
          expectedLeft[i] = apply(op, scalar, data[i]!);
        }
        expectBitIdentical(right, expectedRight);
        expectBitIdentical(left, expectedLeft);
      }
    }
  });
});

describe("Kernels.binary over broadcast rows", () => {
  /** An operand for `rows` rows: contiguous rows (step 1, in order or shuffled) or one value per row (step 0). */
  function rowOperand(
    rows: number,
    rowLength: number,
    step: 0 | 1,
    seed: number,
    specials: boolean,
  ): RowOperand {
    const width = step === 1 ? rowLength : 1;
    const sources = 1 + (seed % 5);
    const data = seededFloat32(sources * width + 3, seed, specials ? 0.05 : 0);
    const offsets = new Int32Array(rows);
    for (let r = 0; r < rows; r++) offsets[r] = ((r * 7 + seed) % sources) * width + (seed % 3);
    return { data, offsets, step };
  }

  it("equals the broadcast's definition bit for bit: rows of any length ≥ the minimum, broadcast values, chunk edges", () => {
    fc.assert(
      fc.property(
        fc.record({
          op: fc.constantFrom(...ops),
          rowLength: fc.oneof(
            fc.integer({ min: BROADCAST_WASM_MINIMUM_ROW, max: BROADCAST_WASM_MINIMUM_ROW + 9 }),
            fc.integer({ min: 100, max: 3000 }),
            fc.constantFrom(16384, 16385, 20000),
          ),
          rows: fc.integer({ min: 1, max: 60 }),
          stepA: fc.constantFrom(0 as const, 1 as const),
          stepB: fc.constantFrom(0 as const, 1 as const),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          specials: fc.boolean(),
        }),
        ({ op, rowLength, rows, stepA, stepB, seed, specials }) => {
          const a = rowOperand(rows, rowLength, stepA, seed, specials);
          const b = rowOperand(rows, rowLength, stepB, seed + 1, specials);
          const out = new Float32Array(rows * rowLength);
          const taken = binaryFloat32Rows(op, out, rowLength, a, b);
          expect(taken).toBe(out.length >= BINARY_WASM_MINIMUM_LENGTH);
          if (taken) expectBitIdentical(out, rowsReference(op, rows, rowLength, a, b));
        },
      ),
      { numRuns: 80 },
    );
  });

  it("copies rows that follow each other in one piece and still reads shuffled ones row by row", () => {
    const rowLength = 40;
    const rows = 900; // 36,000 elements: rows straddle both chunk edges
    const data = seededFloat32(rows * rowLength, 21, 0.05);
    const inOrder = Int32Array.from({ length: rows }, (_, r) => r * rowLength);
    const shuffled = Int32Array.from({ length: rows }, (_, r) => ((r * 37) % rows) * rowLength);
    const bias = { data: seededFloat32(rowLength, 22), offsets: new Int32Array(rows), step: 1 as const };
    for (const offsets of [inOrder, shuffled]) {
      const a = { data, offsets, step: 1 as const };
      const out = new Float32Array(rows * rowLength);
      expect(binaryFloat32Rows("sub", out, rowLength, a, bias)).toBe(true);
      expectBitIdentical(out, rowsReference("sub", rows, rowLength, a, bias));
    }
  });

  it("leaves short rows and short outputs to the JavaScript loop", () => {
    const rows = 64;
    for (const rowLength of [BROADCAST_WASM_MINIMUM_ROW - 1, 4]) {
      const a = {
        data: new Float32Array(rows * rowLength).fill(1),
        offsets: new Int32Array(rows),
        step: 1 as const,
      };
      const out = new Float32Array(rows * rowLength).fill(7);
      expect(binaryFloat32Rows("add", out, rowLength, a, a)).toBe(false);
      expect(out.every((value) => value === 2)).toBe(true);
    }
    const short = { data: new Float32Array(64).fill(1), offsets: new Int32Array(7), step: 1 as const };
    const out = new Float32Array(7 * 64).fill(7); // 448 < BINARY_WASM_MINIMUM_LENGTH
    expect(binaryFloat32Rows("add", out, 64, short, short)).toBe(false);
    expect(out.every((value) => value === 2)).toBe(true);
  });

  /** The element of `shape`'s broadcast at flat output index `flat`, read from a tensor of shape `own`. */
  function broadcastIndex(shape: readonly number[], own: readonly number[], flat: number): number {
    let index = 0;
    let stride = 1;
    for (let axis = shape.length - 1, rest = flat; axis >= 0; axis--) {
      const coordinate = rest % shape[axis]!;
      rest = Math.floor(rest / shape[axis]!);
      const ownAxis = axis - (shape.length - own.length);
      if (ownAxis < 0) continue;
      if (own[ownAxis] !== 1) index += coordinate * stride;
      stride *= own[ownAxis]!;
    }
    return index;
  }

  it("backs long float32 broadcasts of add, sub, mul and div (rows, columns, middle axes, one-element tensors), with the loops' results", () => {
    const runs = { add, sub, mul, div } as const;
    const cases: [number[], number[]][] = [
      [[64, 130], [130]], // a bias on every row
      [
        [64, 130],
        [64, 1],
      ], // one value per row
      [
        [1, 130],
        [64, 1],
      ], // both sides broadcast
      [
        [6, 1, 200],
        [1, 5, 200],
      ], // middle axes
      [[3, 700], [1]], // a one-element tensor
      [[40], [20, 1, 40]],
      [[2, 17000], [17000]], // rows straddling a chunk edge
    ];
    cases.forEach(([shapeA, shapeB], index) => {
      const sizeA = shapeA.reduce((product, size) => product * size, 1);
      const sizeB = shapeB.reduce((product, size) => product * size, 1);
      const a = tensor(seededFloat32(sizeA, 30 + index, 0.05), shapeA);
      const b = tensor(seededFloat32(sizeB, 60 + index, 0.05), shapeB);
      for (const op of ops) {
        for (const [left, right, first, second] of [
          [a, b, shapeA, shapeB],
          [b, a, shapeB, shapeA],
        ] as const) {
          const result = runs[op](left, right);
          const shape = result.shape as number[];
          const expected = new Float32Array(result.data.length);
          for (let flat = 0; flat < expected.length; flat++) {
            const x = left.data[broadcastIndex(shape, first, flat)]!;
            const y = right.data[broadcastIndex(shape, second, flat)]!;
            expected[flat] = apply(op, x, y);
          }
          expect(result.dtype).toBe("float32");
          expectBitIdentical(result.data as Float32Array, expected);
        }
      }
    });
  });

  it("gives the loops' bits on random long broadcasts (any rank ≤ 3, rows long and short, sizes off the vector width)", () => {
    const runs = { add, sub, mul, div } as const;
    const size = fc.constantFrom<number>(1, 2, 3, 5, 33, 64, 130, 257);
    const pair = fc.array(size, { minLength: 1, maxLength: 3 }).chain((shape) => {
      const operand = fc
        .tuple(
          fc.integer({ min: 0, max: shape.length - 1 }),
          fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        )
        .map(([drop, ones]) => shape.slice(drop).map((axisSize, axis) => (ones[axis] ? 1 : axisSize)));
      return fc.tuple(operand, operand);
    });
    fc.assert(
      fc.property(
        pair,
        fc.constantFrom(...ops),
        fc.integer({ min: 1, max: 2 ** 30 }),
        ([shapeA, shapeB], op, seed) => {
          const a = tensor(
            seededFloat32(
              shapeA.reduce((p, n) => p * n, 1),
              seed,
              0.05,
            ),
            shapeA,
          );
          const b = tensor(
            seededFloat32(
              shapeB.reduce((p, n) => p * n, 1),
              seed + 1,
              0.05,
            ),
            shapeB,
          );
          const result = runs[op](a, b);
          const shape = result.shape as number[];
          const expected = new Float32Array(result.data.length);
          for (let flat = 0; flat < expected.length; flat++) {
            expected[flat] = apply(
              op,
              a.data[broadcastIndex(shape, shapeA, flat)]!,
              b.data[broadcastIndex(shape, shapeB, flat)]!,
            );
          }
          expectBitIdentical(result.data as Float32Array, expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("backs float32 tensor ∘ number for numbers that are float32 values, and keeps the loop's float64 number otherwise", () => {
    const runs = { add, sub, mul, div } as const;
    const data = seededFloat32(3000, 77, 0.05);
    const x = tensor(data, [30, 100]);
    // 0.5, −3 and 2⁻¹⁰ are float32 values; 0.1 and 1e-45 are not (the loop then computes with them as they are).
    for (const scalar of [0.5, -3, 2 ** -10, 0.1, 1e-45, Number.POSITIVE_INFINITY]) {
      for (const op of ops) {
        const right = runs[op](x, scalar);
        const left = runs[op](scalar, x);
        const expectedRight = new Float32Array(data.length);
        const expectedLeft = new Float32Array(data.length);
        for (let i = 0; i < data.length; i++) {
          expectedRight[i] = apply(op, data[i]!, scalar);
          expectedLeft[i] = apply(op, scalar, data[i]!);
        }
        expectBitIdentical(right.data as Float32Array, expectedRight);
        expectBitIdentical(left.data as Float32Array, expectedLeft);
      }
    }
  });
});

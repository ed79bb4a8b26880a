import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom, ValueError } from "../index.js";

// Outputs of the reference C code (xoshiro128starstar.c by Blackman & Vigna, seeded with the
// splitmix32 of generator.ts) for seed 42. If these change, every saved seed in the world changes.
const SEED_42_STATE = [551831576, 144025891, 322543647, 3034809370];
const SEED_42_UINT32 = [660444221, 3652823732, 77672526, 910233633, 2297337756, 3786072677];
const SEED_42_STATE_AFTER_SIX_DRAWS_AND_JUMP = [1605623876, 2265243992, 937389389, 3647457869];

describe("createRandom", () => {
  it("matches the reference xoshiro128** stream for seed 42", () => {
    const random = createRandom(42);
    expect(random.seed).toBe(42);
    expect(random.getState()).toEqual(SEED_42_STATE);
    expect(Array.from({ length: 6 }, () => random.nextUint32())).toEqual(SEED_42_UINT32);
  });

  it("pins the first floats of seed 42", () => {
    const random = createRandom(42);
    expect([random.next(), random.next(), random.next()]).toEqual([
      0.15377165265745885, 0.018084542542176507, 0.5348906284683476,
    ]);
  });

  it("builds next() from 53 bits of two uint32 draws", () => {
    const random = createRandom(42);
    const [a, b] = SEED_42_UINT32 as [number, number];
    expect(random.next()).toBe(((a >>> 5) * 2 ** 26 + (b >>> 6)) / 2 ** 53);
  });

  it("pins the seeding of seeds beyond 32 bits and of negative seeds", () => {
    expect(createRandom(2 ** 40 + 7).getState()).toEqual([3142414674, 1909729182, 362448632, 433738436]);
    expect(createRandom(-1).getState()).toEqual([9576360, 1057085886, 1073349271, 1483425067]);
    expect(createRandom(-1).getState()).not.toEqual(createRandom(2 ** 32 - 1).getState());
    expect(createRandom(2 ** 32).getState()).not.toEqual(createRandom(0).getState());
  });

  it("gives the same numbers for the same seed and different ones for another seed", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = createRandom(seed);
        const b = createRandom(seed);
        const c = createRandom(seed + 1);
        const first = Array.from({ length: 8 }, () => a.next());
        expect(Array.from({ length: 8 }, () => b.next())).toEqual(first);
        expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(first);
      }),
      { numRuns: 50 },
    );
  });

  it("keeps next() in [0, 1) and nextUint32() in [0, 2^32)", () => {
    const random = createRandom(3);
    for (let i = 0; i < 10_000; i++) {
      const u = random.next();
      expect(u >= 0 && u < 1).toBe(true);
      const x = random.nextUint32();
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
    }
  });

  it("rejects seeds that are not safe integers", () => {
    expect(() => createRandom(1.5)).toThrow(ValueError);
    expect(() => createRandom(1.5)).toThrow(
      "createRandom: seed 1.5 is not a safe integer: pass an integer in [-(2^53 - 1), 2^53 - 1]",
    );
    expect(() => createRandom(Number.NaN)).toThrow("seed NaN");
    expect(() => createRandom(Number.POSITIVE_INFINITY)).toThrow("seed Infinity");
    expect(() => createRandom(2 ** 60)).toThrow("is not a safe integer");
    expect(() => createRandom("42" as never)).toThrow('seed "42"');
  });
});

describe("getState / setState", () => {
  it("restore the stream exactly, also through JSON", () => {
    const random = createRandom(123);
    for (let i = 0; i < 5; i++) random.next();
    const saved = JSON.parse(JSON.stringify(random.getState())) as number[];
    const expected = Array.from({ length: 20 }, () => random.next());
    random.setState(saved);
    expect(Array.from({ length: 20 }, () => random.next())).toEqual(expected);
    const other = createRandom(0);
    other.setState(saved);
    expect(Array.from({ length: 20 }, () => other.next())).toEqual(expected);
  });

  it("returns a copy that later draws do not change", () => {
    const random = createRandom(1);
    const state = random.getState();
    const copy = [...state];
    random.next();
    expect(state).toEqual(copy);
  });

  it("rejects states that are not four unsigned 32-bit words, or all zero", () => {
    const random = createRandom(1);
    expect(() => random.setState([1, 2, 3])).toThrow(ValueError);
    expect(() => random.setState([1, 2, 3])).toThrow(
      "setState: state [1, 2, 3] is not a xoshiro128** state: pass the four unsigned 32-bit words",
    );
    expect(() => random.setState([0, 0, 0, 0])).toThrow("not all zero");
    expect(() => random.setState([1, 2, 3, 2 ** 32])).toThrow("state [1, 2, 3, 4294967296]");
    expect(() => random.setState([1, 2, 3, -1])).toThrow(ValueError);
    expect(() => random.setState([1, 2, 3, 0.5])).toThrow(ValueError);
  });
});

describe("fork", () => {
  it("hands the current stream to the child and jumps the parent 2^64 steps (reference values)", () => {
    const parent = createRandom(42);
    for (let i = 0; i < 6; i++) parent.nextUint32();
    const before = parent.getState();
    const child = parent.fork();
    expect(child.getState()).toEqual(before);
    expect(child.seed).toBe(42);
    expect(parent.getState()).toEqual(SEED_42_STATE_AFTER_SIX_DRAWS_AND_JUMP);
  });

  it("gives distinct, deterministic streams", () => {
    const make = () => {
      const random = createRandom(9);
      const first = random.fork();
      const second = random.fork();
      return [first, second, random].map((generator) => Array.from({ length: 4 }, () => generator.next()));
    };
    const [first, second, parent] = make();
    expect(first).not.toEqual(second);
    expect(second).not.toEqual(parent);
    expect(make()).toEqual([first, second, parent]);
  });
});

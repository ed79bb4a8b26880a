import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom, permutation, randomInteger, shuffle, ValueError } from "../index.js";

describe("randomInteger", () => {
  it("draws every value of [0, n) with frequency 1/n", () => {
    const random = createRandom(42);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[randomInteger(random, 6)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });

  it("maps the first uint32 of seed 42 by rejection then modulo", () => {
    expect(randomInteger(createRandom(42), 10)).toBe(660444221 % 10);
    expect(randomInteger(createRandom(42), 1)).toBe(0);
  });

  it("supports n above 2^32", () => {
    const random = createRandom(8);
    for (let i = 0; i < 100; i++) {
      const x = randomInteger(random, 2 ** 40);
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 40).toBe(true);
    }
  });

  it("rejects n that is not a positive safe integer", () => {
    expect(() => randomInteger(createRandom(1), 0)).toThrow(ValueError);
    expect(() => randomInteger(createRandom(1), 0)).toThrow(
      "randomInteger: n is 0: use an integer in [1, 2^53 - 1]",
    );
    expect(() => randomInteger(createRandom(1), 2.5)).toThrow("n is 2.5");
  });
});

describe("permutation", () => {
  it("returns each of 0…n−1 exactly once", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer(), (n, seed) => {
        const p = permutation(createRandom(seed), n);
        expect(p).toBeInstanceOf(Int32Array);
        expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 100 },
    );
  });

  it("is uniform over the 6 orders of 3 items", () => {
    const random = createRandom(3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 60_000; i++) {
      const key = permutation(random, 3).join("");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });

  it("rejects bad sizes", () => {
    expect(() => permutation(createRandom(1), -1)).toThrow(
      "permutation: n is -1: use an integer in [0, 2^31 - 1]",
    );
  });
});

describe("shuffle", () => {
  it("permutes arrays and typed arrays in place, reproducibly", () => {
    const items = ["a", "b", "c", "d", "e"];
    const result = shuffle(createRandom(4), items);
    expect(result).toBe(items);
    expect([...items].sort()).toEqual(["a", "b", "c", "d", "e"]);
    const again = shuffle(createRandom(4), ["a", "b", "c", "d", "e"]);
    expect(again).toEqual(items);
    const numbers = shuffle(createRandom(4), new Float32Array([0, 1, 2, 3, 4]));
    expect(Array.from(numbers).map((i) => ["a", "b", "c", "d", "e"][i])).toEqual(items);
  });

  it("rejects non-arrays", () => {
    expect(() => shuffle(createRandom(1), 5 as never)).toThrow("shuffle: array is 5");
  });
});

import type { RandomGenerator } from "@descent/spec";
import { ValueError } from "../core/errors.js";
import { describe } from "../creation/validate.js";

const TWO_POW_26 = 67108864;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * A uniformly random integer in `[0, n)`, without modulo bias.
 *
 * Rejection sampling: for `n ≤ 2^32`, draw `x = nextUint32()` until `x < 2^32 − (2^32 mod n)` and
 * return `x mod n`; for larger `n` the same with 53-bit draws. Every value has probability exactly `1/n`.
 *
 * @example
 * ```ts
 * const random = createRandom(42);
 * randomInteger(random, 6); // a die roll in 0…5
 * ```
 * @throws {@link ValueError} unless `n` is a safe integer ≥ 1.
 */
export function randomInteger(random: RandomGenerator, n: number): number {
  assertRandom("randomInteger", random);
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) {
    throw new ValueError(
      "randomInteger",
      `n is ${describe(n)}: use an integer in [1, 2^53 - 1] (the result lies in [0, n))`,
    );
  }
  return drawBelow(random, n);
}

/**
 * A random permutation of `0, 1, …, n − 1` (Fisher–Yates over the identity, every one of the
 * `n!` orders equally likely).
 *
 * @example
 * ```ts
 * permutation(createRandom(42), 5); // Int32Array [ …0…4 in random order ]
 * ```
 * @throws {@link ValueError} unless `n` is an integer in `[0, 2^31 − 1]`.
 */
export function permutation(random: RandomGenerator, n: number): Int32Array {
  assertRandom("permutation", random);
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 2147483647) {
    throw new ValueError("permutation", `n is ${describe(n)}: use an integer in [0, 2^31 - 1]`);
  }
  const result = new Int32Array(n);
  for (let i = 0; i < n; i++) result[i] = i;
  fisherYates(random, result);
  return result;
}

/**
 * Shuffles an array or typed array in place (Fisher–Yates: for `i = n − 1 … 1`, swap element `i`
 * with a uniformly chosen `j ∈ [0, i]`) and returns it. Every order is equally likely.
 *
 * @example
 * ```ts
 * const order = [0, 1, 2, 3];
 * shuffle(createRandom(7), order); // order is now a permutation of 0…3
 * ```
 */
export function shuffle<Items extends { length: number; [index: number]: unknown }>(
  random: RandomGenerator,
  array: Items,
): Items {
  assertRandom("shuffle", random);
  if (typeof array !== "object" || array === null || !Number.isInteger(array.length)) {
    throw new ValueError("shuffle", `array is ${describe(array)}: pass an array or a typed array`);
  }
  fisherYates(random, array);
  return array;
}

function fisherYates(random: RandomGenerator, array: { length: number; [index: number]: unknown }): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = drawBelow(random, i + 1);
    const swap = array[i];
    array[i] = array[j];
    array[j] = swap;
  }
}

function drawBelow(random: RandomGenerator, n: number): number {
  if (n <= TWO_POW_32) {
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = random.nextUint32();
    while (x >= limit) x = random.nextUint32();
    return x % n;
  }
  const limit = TWO_POW_53 - (TWO_POW_53 % n);
  let x: number;
  do {
    x = (random.nextUint32() >>> 5) * TWO_POW_26 + (random.nextUint32() >>> 6);
  } while (x >= limit);
  return x % n;
}

/** Throws unless `random` has `next()` and `nextUint32()` (any {@link RandomGenerator}). */
export function assertRandom(op: string, random: unknown): asserts random is RandomGenerator {
  const candidate = random as Partial<RandomGenerator> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.next !== "function" ||
    typeof candidate.nextUint32 !== "function"
  ) {
    throw new ValueError(
      op,
      `random is ${describe(random)}: pass a generator from createRandom(seed) (any RandomGenerator)`,
    );
  }
}

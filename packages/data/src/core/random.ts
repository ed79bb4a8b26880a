import type { RandomGenerator } from "@descent/spec";
import { createRandom } from "@descent/tensor";

/** The seed every loader and generator uses when the caller gives none. */
export const DEFAULT_SEED = 0;

/**
 * A generator for one named stream of a seed (`stream` 0, 1, 2, …), so that epoch `k` of a loader or
 * one step of a pipeline can be recomputed on its own, without replaying the others.
 */
export function randomFor(seed: number, stream = 0): RandomGenerator {
  return createRandom(mixSeed(seed, stream));
}

// splitmix32-style finaliser: nearby (seed, stream) pairs give unrelated 32-bit seeds.
function mixSeed(seed: number, stream: number): number {
  let z = (Math.trunc(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Uniform number in `[low, high)`. */
export function uniformBetween(random: RandomGenerator, low: number, high: number): number {
  return random.next() * (high - low) + low;
}

/**
 * Normal sample with the given mean and variance (Marsaglia's polar method, as TensorFlow
 * Playground's `normalRandom`; `s = 0` is rejected too, so the result is never NaN).
 */
export function normalSample(random: RandomGenerator, mean = 0, variance = 1): number {
  let v1: number;
  let v2: number;
  let s: number;
  do {
    v1 = 2 * random.next() - 1;
    v2 = 2 * random.next() - 1;
    s = v1 * v1 + v2 * v2;
  } while (s >= 1 || s === 0);
  return mean + Math.sqrt(variance) * Math.sqrt((-2 * Math.log(s)) / s) * v1;
}

/** A uniformly random permutation of `0 … n−1` (Fisher–Yates, driven by `random`). */
export function permutationOf(random: RandomGenerator, n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(random, order);
  return order;
}

/** Fisher–Yates shuffle of `values` in place. */
export function shuffleInPlace(random: RandomGenerator, values: Int32Array): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const swap = values[i]!;
    values[i] = values[j]!;
    values[j] = swap;
  }
}

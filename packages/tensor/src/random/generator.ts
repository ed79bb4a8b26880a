import type { RandomGenerator } from "@descent/spec";
import { ValueError } from "../core/errors.js";
import { describe } from "../creation/validate.js";

const TWO_POW_32 = 4294967296;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
const GOLDEN_RATIO_32 = 0x9e3779b9;
/** Increment of the stream that mixes in a seed's high 32 bits: the low word of the 64-bit golden ratio. */
const GOLDEN_RATIO_LOW_32 = 0x7f4a7c15;
/** The polynomial that advances xoshiro128** by 2^64 steps (Blackman & Vigna, `xoshiro128starstar.c`). */
const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b] as const;

/**
 * A seeded xoshiro128** generator: the source of all randomness in descent.
 *
 * **Algorithm.** State: four 32-bit words `s0…s3` (never all zero). One step (Blackman & Vigna 2018):
 * ```
 * output = rotl(s1 · 5, 7) · 9
 * t = s1 << 9
 * s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 11)
 * ```
 * with every product taken mod 2^32 (`Math.imul`) and unsigned results read with `>>> 0`, so Node,
 * browsers and the reference C code give the same stream bit for bit. Period 2^128 − 1.
 *
 * **Seeding.** The four words are the first four outputs of splitmix32 started at the low 32 bits
 * of the seed: a Weyl sequence `x += 0x9e3779b9` passed through the finalizer
 * `z ^= z >>> 16; z *= 0x21f0aaad; z ^= z >>> 15; z *= 0x735a2d97; z ^= z >>> 15`
 * (constants from Chris Wellons' hash-prospector). For seeds outside `[0, 2^32)`, a second such
 * stream, started at the high 32 bits (two's complement for negative seeds) with the increment
 * `0x7f4a7c15`, is XORed into the words, so every safe integer seed gives its own stream.
 *
 * **Floats.** {@link Random.next} builds a float64 in `[0, 1)` from 53 random bits taken from two
 * draws: `((a >>> 5) · 2^26 + (b >>> 6)) / 2^53`, the same construction as NumPy's `random()`.
 *
 * **Streams.** {@link Random.fork} hands the current stream to a child and jumps this generator
 * 2^64 steps ahead, so forks never overlap within 2^64 draws.
 *
 * @example
 * ```ts
 * const random = createRandom(42);
 * random.nextUint32();          // 660444221
 * const saved = random.getState();
 * const a = random.next();
 * random.setState(saved);
 * random.next() === a;          // true
 * ```
 */
export interface Random extends RandomGenerator {
  /**
   * An independent generator for a separate purpose (one per layer, per worker, …).
   *
   * The child continues this generator's current stream; this generator jumps 2^64 steps ahead
   * (the xoshiro jump polynomial), so the two streams never overlap within 2^64 draws. Forking is
   * deterministic: the same seed and the same sequence of calls give the same children. The child
   * keeps this generator's `seed`.
   *
   * @example
   * ```ts
   * const random = createRandom(42);
   * const forLayer1 = random.fork();
   * const forLayer2 = random.fork();
   * ```
   */
  fork(): Random;
}

/** The xoshiro128** implementation behind {@link createRandom}; exported only as the {@link Random} interface. */
class Xoshiro128StarStar implements Random {
  /** The seed this generator (or the generator it was forked from) was created with. */
  readonly seed: number;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Takes an already validated seed and state; see {@link createRandom}. */
  constructor(seed: number, state: readonly number[]) {
    this.seed = seed;
    this.s0 = state[0]! | 0;
    this.s1 = state[1]! | 0;
    this.s2 = state[2]! | 0;
    this.s3 = state[3]! | 0;
  }

  /**
   * Next uniform 32-bit unsigned integer, in `[0, 2^32)`: one xoshiro128** step.
   *
   * @example
   * ```ts
   * createRandom(42).nextUint32(); // 660444221
   * ```
   */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    const scaled = Math.imul(s1, 5);
    const result = Math.imul((scaled << 7) | (scaled >>> 25), 9) >>> 0;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ (s1 << 9);
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /**
   * Next uniform float64 in `[0, 1)` with 53 random bits: `((a >>> 5) · 2^26 + (b >>> 6)) / 2^53`
   * from two {@link Random.nextUint32} draws `a`, `b`. Every multiple of 2^−53 in `[0, 1)` is equally likely.
   *
   * @example
   * ```ts
   * const u = createRandom(1).next(); // 0 ≤ u < 1
   * ```
   */
  next(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  /**
   * The four state words as unsigned 32-bit integers, for an exact save and restore with
   * {@link Random.setState}. Plain numbers, so the state serialises to JSON unchanged.
   *
   * @example
   * ```ts
   * const state = random.getState(); // e.g. [551831576, 144025891, 322543647, 3034809370]
   * ```
   */
  getState(): readonly number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /**
   * Restores a state returned by {@link Random.getState}: the generator then repeats exactly the
   * numbers it gave after that call.
   *
   * @example
   * ```ts
   * const saved = random.getState();
   * const first = random.next();
   * random.setState(saved);
   * random.next() === first; // true
   * ```
   * @throws {@link ValueError} unless `state` is four integers in `[0, 2^32)`, not all zero.
   */
  setState(state: readonly number[]): void {
    assertState(state);
    this.s0 = state[0]! | 0;
    this.s1 = state[1]! | 0;
    this.s2 = state[2]! | 0;
    this.s3 = state[3]! | 0;
  }

  /** See {@link Random.fork}: the child takes the current state, this generator jumps 2^64 steps. */
  fork(): Random {
    const child = new Xoshiro128StarStar(this.seed, this.getState());
    this.jump();
    return child;
  }

  private jump(): void {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (const word of JUMP) {
      for (let bit = 0; bit < 32; bit++) {
        if ((word >>> bit) & 1) {
          s0 ^= this.s0;
          s1 ^= this.s1;
          s2 ^= this.s2;
          s3 ^= this.s3;
        }
        this.nextUint32();
      }
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }
}

/**
 * Creates a seeded {@link Random} (xoshiro128** seeded through splitmix32; see {@link Random} for
 * the exact algorithm). The same seed gives the same numbers in Node and in every browser.
 *
 * @param seed - any safe integer (`Number.isSafeInteger`); negative seeds are allowed.
 * @example
 * ```ts
 * const random = createRandom(42);
 * random.next();                 // 0.15377165265745885
 * createRandom(42).next();       // the same number
 * ```
 * @throws {@link ValueError} when `seed` is not a finite safe integer (NaN, 1.5, 2^60, "42", …).
 */
export function createRandom(seed: number): Random {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new ValueError(
      "createRandom",
      `seed ${describe(seed)} is not a safe integer: pass an integer in [-(2^53 - 1), 2^53 - 1], e.g. createRandom(42)`,
    );
  }
  return new Xoshiro128StarStar(seed, seedState(seed));
}

function seedState(seed: number): number[] {
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  // The finalizer is a bijection, so four distinct Weyl inputs give four distinct words: at most one is
  // zero. The high stream uses another increment, so at most one of its words can cancel a word of the
  // low stream: xoshiro's forbidden all-zero state cannot occur.
  const state = splitmix32Words(low, GOLDEN_RATIO_32);
  if (high !== 0) {
    const extra = splitmix32Words(high, GOLDEN_RATIO_LOW_32);
    for (let i = 0; i < 4; i++) state[i] = (state[i]! ^ extra[i]!) >>> 0;
  }
  return state;
}

function splitmix32Words(start: number, increment: number): number[] {
  let x = start | 0;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    x = (x + increment) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    words.push((z ^ (z >>> 15)) >>> 0);
  }
  return words;
}

function assertState(state: readonly number[]): void {
  const valid =
    Array.isArray(state) &&
    state.length === 4 &&
    state.every(
      (word) => typeof word === "number" && Number.isInteger(word) && word >= 0 && word < TWO_POW_32,
    ) &&
    state.some((word) => word !== 0);
  if (!valid) {
    const shown = Array.isArray(state) ? `[${state.map(describe).join(", ")}]` : describe(state);
    throw new ValueError(
      "setState",
      `state ${shown} is not a xoshiro128** state: pass the four unsigned 32-bit words (not all zero) returned by getState()`,
    );
  }
}

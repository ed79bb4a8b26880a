import type { AdamCoefficients, BinaryOp, BinaryOperand, Kernels, RowOperand, UnaryOp } from "./kernels.js";

type NumericArray = Float32Array | Float64Array;

/**
 * The three contiguous loops of one binary op `out = f(a, b)`. Each op writes its own loops (no per-element
 * closure); {@link binaryRowsByLoops} picks one per row: both operands walking, or one of them repeated.
 */
export interface BinaryLoops {
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
}

/**
 * `out[r·n + j] = f(a_r[j], b_r[j])` over rows of n = `rowLength` (see `Kernels.binary` for the operands),
 * one loop call per row.
 *
 * @example
 * binaryRowsByLoops(addLoops, out, out.length, { data: a, offsets: new Int32Array(1), step: 1 }, 0.5);
 */
export function binaryRowsByLoops(
  loops: BinaryLoops,
  out: NumericArray,
  rowLength: number,
  a: BinaryOperand,
  b: BinaryOperand,
): void {
  const rows = rowLength === 0 ? 0 : out.length / rowLength;
  // The form of each row is decided once (operands walk every row or repeat a value in every row).
  const walkA = typeof a !== "number" && a.step === 1;
  const walkB = typeof b !== "number" && b.step === 1;
  if (walkA && walkB) {
    const { data: dataA, offsets: offsetsA } = a as RowOperand;
    const { data: dataB, offsets: offsetsB } = b as RowOperand;
    for (let row = 0, o = 0; row < rows; row++, o += rowLength)
      loops.both(out, o, dataA, offsetsA[row]!, dataB, offsetsB[row]!, rowLength);
  } else if (walkA) {
    const { data, offsets } = a as RowOperand;
    for (let row = 0, o = 0; row < rows; row++, o += rowLength)
      loops.left(out, o, data, offsets[row]!, repeatedValue(b, row), rowLength);
  } else if (walkB) {
    const { data, offsets } = b as RowOperand;
    for (let row = 0, o = 0; row < rows; row++, o += rowLength)
      loops.right(out, o, repeatedValue(a, row), data, offsets[row]!, rowLength);
  } else {
    for (let row = 0, o = 0; row < rows; row++, o += rowLength) {
      // Both repeated: one value for the whole row, b's value passed in a reused one-element array.
      repeatedB[0] = repeatedValue(b, row);
      loops.right(out, o, repeatedValue(a, row), repeatedB, 0, 1);
      out.fill(out[o]!, o + 1, o + rowLength);
    }
  }
}

/** Scratch of {@link binaryRowsByLoops} for a row where both operands repeat a value (float64: exact). */
const repeatedB = new Float64Array(1);

/** The value an operand repeats across row `row` (a number, or a `step` 0 operand's value there). */
function repeatedValue(operand: BinaryOperand, row: number): number {
  return typeof operand === "number" ? operand : operand.data[operand.offsets[row]!]!;
}

/** The loops of + − × ÷: float64 arithmetic, rounded once when stored (the reference of `Kernels.binary`). */
export const arithmeticLoops: Readonly<Record<BinaryOp, BinaryLoops>> = {
  add: {
    both(out, o, a, ao, b, bo, count) {
      for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! + b[bo + i]!;
    },
    left(out, o, a, ao, s, count) {
      for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! + s;
    },
    right(out, o, s, b, bo, count) {
      for (let i = 0; i < count; i++) out[o + i] = s + b[bo + i]!;
    },
  },
  sub: {
    both(out, o, a, ao, b, bo, count) {
      for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! - b[bo + i]!;
    },
    left(out, o, a, ao, s, count) {
      for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! - s;
    },
    right(out, o, s, b, bo, count) {
      for (let i = 0; i < count; i++) out[o + i] = s - b[bo + i]!;
    },
  },
  mul: {
    both(out, o, a, ao, b, bo, count) {
      for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! * b[bo + i]!;
    },
    left(out, o, a, ao, s, count) {
      for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! * s;
    },
    right(out, o, s, b, bo, count) {
      for (let i = 0; i < count; i++) out[o + i] = s * b[bo + i]!;
    },
  },
  div: {
    both(out, o, a, ao, b, bo, count) {
      for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! / b[bo + i]!;
    },
    left(out, o, a, ao, s, count) {
      for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! / s;
    },
    right(out, o, s, b, bo, count) {
      for (let i = 0; i < count; i++) out[o + i] = s / b[bo + i]!;
    },
  },
};

/** The reference of `Kernels.binary`: `out[r·n + j] = ⌊a_r[j] ∘ b_r[j]⌉` in JavaScript. */
export const binaryByLoops: Kernels["binary"] = (op, out, rowLength, a, b) =>
  binaryRowsByLoops(arithmeticLoops[op], out, rowLength, a, b);

/** The reference of `Kernels.unary`: `outᵢ = f(xᵢ)` in JavaScript. */
export function unaryByLoop(op: UnaryOp, out: NumericArray, x: NumericArray): void {
  const length = out.length;
  switch (op) {
    case "relu":
      // Math.max keeps NaN (unlike `x > 0 ? x : 0`), as WebAssembly's f32x4.max does.
      for (let i = 0; i < length; i++) out[i] = Math.max(x[i]!, 0);
      return;
    case "neg":
      for (let i = 0; i < length; i++) out[i] = -x[i]!;
      return;
    case "abs":
      for (let i = 0; i < length; i++) out[i] = Math.abs(x[i]!);
      return;
    case "sqrt":
      for (let i = 0; i < length; i++) out[i] = Math.sqrt(x[i]!);
      return;
  }
}

/**
 * The reference of `Kernels.scaledAdd` from element `start` on: `out[i] = fround(p[i] + fround(factor·u[i]))`;
 * true when every element written is finite.
 */
export function scaledAddByLoop(
  out: Float32Array,
  p: Float32Array,
  u: Float32Array,
  factor: number,
  start = 0,
): boolean {
  // Two float64 sums carry the check: a sum is non-finite exactly when an element is.
  let even = 0;
  let odd = 0;
  const length = out.length;
  let i = start;
  for (; i + 1 < length; i += 2) {
    const first = Math.fround(p[i]! + Math.fround(factor * u[i]!));
    const second = Math.fround(p[i + 1]! + Math.fround(factor * u[i + 1]!));
    out[i] = first;
    out[i + 1] = second;
    even += first;
    odd += second;
  }
  if (i < length) {
    const last = Math.fround(p[i]! + Math.fround(factor * u[i]!));
    out[i] = last;
    even += last;
  }
  const total = even + odd;
  return total - total === 0;
}

/** The reference of `Kernels.reluBackward`: `outᵢ = gᵢ·[yᵢ > 0]`, bias columns summed row after row. */
export function reluBackwardByLoop(
  g: NumericArray,
  y: NumericArray,
  out: NumericArray,
  biasGradient: NumericArray | null,
  columns: number,
): void {
  const length = g.length;
  if (biasGradient === null) {
    for (let i = 0; i < length; i++) out[i] = g[i]! * Math.sign(y[i]!);
    return;
  }
  for (let offset = 0; offset < length; offset += columns) {
    for (let j = 0; j < columns; j++) {
      const value = g[offset + j]! * Math.sign(y[offset + j]!);
      out[offset + j] = value;
      biasGradient[j]! += value;
    }
  }
}

/**
 * The reference loop of `Kernels.adamUpdate` from element `start` on: float64 arithmetic on the elements, each
 * result rounded once as it is stored. `(1 − β₁)` and `(1 − β₂)` are computed once, as the same float64 values.
 *
 * `m'ᵢ = β₁mᵢ + (1−β₁)gᵢ`, `v'ᵢ = β₂vᵢ + (1−β₂)gᵢ²`, `outᵢ = m'ᵢc₁ / (√(v'ᵢc₂ + ε_root) + ε)`
 *
 * @example adamUpdateByLoop(g, m, v, mOut, vOut, out, { beta1: 0.9, beta2: 0.999, inverseCorrection1: 10, inverseCorrection2: 1000, epsilonRoot: 0, epsilon: 1e-8 });
 */
export function adamUpdateByLoop(
  g: Float32Array | Float64Array,
  m: Float32Array | Float64Array,
  v: Float32Array | Float64Array,
  mOut: Float32Array | Float64Array,
  vOut: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  coefficients: AdamCoefficients,
  start = 0,
): void {
  const { beta1, beta2, inverseCorrection1, inverseCorrection2, epsilonRoot, epsilon } = coefficients;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  for (let i = start; i < g.length; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + oneMinusBeta1 * gi;
    const vi = beta2 * v[i]! + oneMinusBeta2 * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    out[i] = (mi * inverseCorrection1) / (Math.sqrt(vi * inverseCorrection2 + epsilonRoot) + epsilon);
  }
}

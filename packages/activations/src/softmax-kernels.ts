import type { FloatArray } from "./types.js";

// A tensor seen as [outer, length, inner], the softmax axis in the middle: element (o, j, i) sits
// at o·length·inner + j·inner + i. inner = 1 (the last axis, the common case) is a contiguous row.

/** `y = softmax(x)` along the middle axis: `exp(x − max) / Σ exp(x − max)`, finite for any finite x. */
export function softmaxForward(
  input: FloatArray,
  output: FloatArray,
  outer: number,
  length: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      const end = start + length * inner;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = start; k < end; k += inner)
        if (input[k]! > max || Number.isNaN(input[k]!)) max = input[k]!;
      let sum = 0;
      for (let k = start; k < end; k += inner) {
        const e = Math.exp(input[k]! - max);
        output[k] = e;
        sum += e;
      }
      // Divide in float64 from the float64 exponentials when the output is float32.
      if (output instanceof Float64Array) {
        const scale = 1 / sum;
        for (let k = start; k < end; k += inner) output[k] = output[k]! * scale;
      } else {
        for (let k = start; k < end; k += inner) output[k] = Math.exp(input[k]! - max) / sum;
      }
    }
  }
}

/** `log softmax(x) = x − max − log Σ exp(x − max)` along the middle axis. */
export function logSoftmaxForward(
  input: FloatArray,
  output: FloatArray,
  outer: number,
  length: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      const end = start + length * inner;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = start; k < end; k += inner)
        if (input[k]! > max || Number.isNaN(input[k]!)) max = input[k]!;
      let sum = 0;
      for (let k = start; k < end; k += inner) sum += Math.exp(input[k]! - max);
      const shift = max + Math.log(sum);
      for (let k = start; k < end; k += inner) output[k] = input[k]! - shift;
    }
  }
}

/** VJP of softmax from its output `y`: `gradientInput = y ⊙ (g − Σ g ⊙ y)` along the axis. */
export function softmaxBackward(
  output: FloatArray,
  gradientOutput: FloatArray,
  gradientInput: FloatArray,
  outer: number,
  length: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      const end = start + length * inner;
      let dot = 0;
      for (let k = start; k < end; k += inner) dot += gradientOutput[k]! * output[k]!;
      for (let k = start; k < end; k += inner) gradientInput[k] = output[k]! * (gradientOutput[k]! - dot);
    }
  }
}

/** VJP of log-softmax from its output `z = log y`: `gradientInput = g − exp(z) · Σ g` along the axis. */
export function logSoftmaxBackward(
  output: FloatArray,
  gradientOutput: FloatArray,
  gradientInput: FloatArray,
  outer: number,
  length: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      const end = start + length * inner;
      let total = 0;
      for (let k = start; k < end; k += inner) total += gradientOutput[k]!;
      for (let k = start; k < end; k += inner)
        gradientInput[k] = gradientOutput[k]! - Math.exp(output[k]!) * total;
    }
  }
}

/** Splits `shape` around `axis` into `[outer, length, inner]`. */
export function splitAroundAxis(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a]!;
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a]!;
  return [outer, shape[axis]!, inner];
}

import { ACTIVATION_RELU } from "./layout";

/**
 * Dense-layer epilogue on rows [i0, i1) × columns [j0, j1) of C (row-major, n columns), once the product is
 * complete: C ← act(C + bias) with `bias` (0 = none) broadcast over rows, act = identity or ReLU.
 * ReLU is f32.max(x, 0): NaN stays NaN. The same f32 operations in vector and scalar lanes, so every element
 * gets the same bits whichever thread or tile width handles it.
 */
export function applyEpilogue(
  c: usize,
  n: i32,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  bias: usize,
  activation: i32,
): void {
  const relu = activation === ACTIVATION_RELU;
  const zeros = f32x4.splat(0);
  for (let i = i0; i < i1; i++) {
    const row = c + ((<usize>i * <usize>n) << 2);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const at = row + ((<usize>j) << 2);
      let value = v128.load(at);
      if (bias !== 0) value = f32x4.add(value, v128.load(bias + ((<usize>j) << 2)));
      if (relu) value = f32x4.max(value, zeros);
      v128.store(at, value);
    }
    for (; j < j1; j++) {
      const at = row + ((<usize>j) << 2);
      let value = load<f32>(at);
      if (bias !== 0) value += load<f32>(bias + ((<usize>j) << 2));
      if (relu) value = max<f32>(value, 0);
      store<f32>(at, value);
    }
  }
}

import { assertFloatArray, assertGemmArguments } from "./arguments.js";
import type { DenseActivation, Kernels } from "./kernels.js";

/** Adds `bias` to every row of C (m × n) and applies the activation, in place. */
export function applyDenseEpilogue(
  m: number,
  n: number,
  bias: Float32Array | Float64Array | null,
  activation: DenseActivation,
  c: Float32Array | Float64Array,
): void {
  const relu = activation === "relu";
  if (bias === null && !relu) return;
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      let value = c[row + j]!;
      if (bias !== null) value += bias[j]!;
      // Math.max keeps NaN (unlike `x > 0 ? x : 0`), as the wasm epilogue's f32.max does.
      c[row + j] = relu ? Math.max(value, 0) : value;
    }
  }
}

/**
 * The dense layer `C = act(op(A)·op(B) + bias)` composed from `kernels.gemm` and a JavaScript epilogue: the
 * reference for `Kernels.denseForward`, and what to call when a kernel set lacks it. For float32 the sum
 * rounds once to float32 exactly as the wasm epilogue does, so both give the same bits.
 *
 * @example
 * (kernels.denseForward ?? ((...args) => denseForwardByGemm(kernels, ...args)))(false, false, 64, 128, 784, x, w, bias, "relu", out);
 */
export function denseForwardByGemm(
  kernels: Kernels,
  transposeA: boolean,
  transposeB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  bias: Float32Array | Float64Array | null,
  activation: DenseActivation,
  c: Float32Array | Float64Array,
): void {
  assertGemmArguments("denseForwardByGemm", m, n, k, 1, a, b, 0, c);
  if (bias !== null) assertFloatArray("denseForwardByGemm", bias, "bias", n);
  kernels.gemm(transposeA, transposeB, m, n, k, 1, a, b, 0, c);
  applyDenseEpilogue(m, n, bias, activation, c);
}

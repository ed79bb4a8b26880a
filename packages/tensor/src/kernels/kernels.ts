/**
 * The small internal interface every compute backend implements. Ops in `@descent/tensor` call
 * the active backend through it, so a faster implementation (WebAssembly SIMD, threads) replaces
 * a kernel without touching any public API.
 *
 * All arrays are row-major and contiguous; `transposeA` means the kernel reads `A` as its transpose
 * (the buffer holds a `[k, m]` matrix).
 */
export interface Kernels {
  /** Identifier written into benchmark reports, e.g. `"js"`, `"wasm-simd128×2"`. */
  readonly name: string;
  /**
   * General matrix product `C = α·op(A)·op(B) + β·C` for `op(A): [m, k]`, `op(B): [k, n]`, `C: [m, n]`.
   * When `beta` is 0, `C` is overwritten (its old contents, even NaN, are ignored).
   */
  gemm(
    transposeA: boolean,
    transposeB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array | Float64Array,
    b: Float32Array | Float64Array,
    beta: number,
    c: Float32Array | Float64Array,
  ): void;
  /**
   * Optional fused dense layer `C = act(op(A)·op(B) + bias)`: `bias` (length n, or null) is added to every
   * row, then `act` applied: `"none"`, or `"relu"` = max(x, 0) with NaN kept. C is overwritten. Kernels
   * without it are composed from `gemm` (see `denseForwardByGemm`), with bit-identical float32 results.
   */
  denseForward?(
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
  ): void;
  /**
   * Optional: a float32 array of `length` elements (contents unspecified) stored where this backend's
   * kernels use it in place (no copy in or out), or null when it has no such storage. Give it back with
   * {@link Kernels.releaseResident} once nothing references it.
   */
  residentFloat32?(length: number): Float32Array | null;
  /** Optional: returns an array from {@link Kernels.residentFloat32} for reuse (others are ignored). */
  releaseResident?(array: Float32Array): void;
}

/** Activation fused into `Kernels.denseForward`. */
export type DenseActivation = "none" | "relu";

// Every size at which the WebAssembly kernels hand work to JavaScript (or to worker threads), one constant per
// kernel with the measurement that set it. Pure functions of the sizes, never of timing, so a run is
// reproducible; the kernels in wasm-kernels.ts and engine.ts ask these predicates and compare nothing
// themselves. Figures from the 2-vCPU Zen 4 reference host.

/**
 * GEMM: below this many multiply-adds (m·n·k) the JavaScript kernel runs instead: copying into wasm memory
 * and packing cost ~0.3 µs, more than a tiny product (measured crossover ≈ 8³).
 */
export const GEMM_MINIMUM_WORK = 512;

/**
 * GEMM with fewer than 4 columns (padded to a whole 16- or 8-column tile in wasm): wasm only from this many
 * multiply-adds, where the padded tile still beats the JavaScript 4×4 kernel.
 */
export const NARROW_GEMM_MINIMUM_WORK = 32768;

/**
 * GEMM on worker threads: below this many multiply-adds a product stays on the calling thread. Measured with
 * a polling worker: 2 threads are 1.2× faster at 48³, 1.4× at 64³, 1.6× at 128³; waking a blocked worker
 * costs a few µs.
 */
export const THREADED_GEMM_MINIMUM_WORK = 64 * 64 * 64;

/**
 * Binary + − × ÷: below this many output elements the JavaScript loop (~2–3 ns per element: V8 widens each
 * float32 to float64 and back) beats the copies into wasm memory (`add` on 256×1024 took ~0.8 ms in
 * JavaScript, about a fifth of that in wasm; the crossover is a few hundred elements).
 */
export const BINARY_MINIMUM_LENGTH = 512;

/**
 * Broadcast binary ops: output rows shorter than this stay in JavaScript. Staging costs one copy or fill
 * call per row segment, which shorter rows do not repay.
 */
export const BROADCAST_MINIMUM_ROW = 32;

/** Unary relu, neg, abs, sqrt: as for binary ops (relu on 256×1024 took ~450 µs in a JavaScript loop). */
export const UNARY_MINIMUM_LENGTH = 512;

/**
 * Scaled add (the learning-rate step): the JavaScript loop runs ~1.5–2.5 ns per element and carries the
 * finiteness check in two float64 sums; wasm wins from about 2048 elements, copies included.
 */
export const SCALED_ADD_MINIMUM_LENGTH = 2048;

/**
 * Adam's step: below this many elements the JavaScript loop runs. The loop takes ~6.7 ns an element (a float64
 * division and square root each); the module ~3.5 ns with its copies (measured on 225,578 elements), so it
 * wins once the call and the staging set-up (~1–2 µs) are repaid, from a few hundred elements.
 */
export const ADAM_MINIMUM_LENGTH = 512;

/** Whether Adam's step over `length` float32 elements runs in wasm. */
export function adamInWasm(length: number): boolean {
  return length >= ADAM_MINIMUM_LENGTH;
}

/**
 * Relu backward: a random half-on mask mispredicts a JavaScript branch on every other element (~7 ns per
 * element measured, against ~1.7 when predictable); the branch-free select wins from about 1024 elements.
 */
export const RELU_BACKWARD_MINIMUM_LENGTH = 1024;

/**
 * Max pooling forward: below this many input elements the JavaScript loop runs (copying the input in and the
 * output and argmax out costs ~0.5 ns per element; the JavaScript loop ~6 ns per input element on the CNN's
 * 64×26×26×32 pool), so wasm wins from a few thousand elements. Channels must be a multiple of 4 (lanes).
 */
export const MAX_POOL_MINIMUM_LENGTH = 4096;

/** Whether a float32 max pooling forward over `length` input elements of `channels` channels runs in wasm. */
export function maxPoolInWasm(length: number, channels: number): boolean {
  return length >= MAX_POOL_MINIMUM_LENGTH && channels % 4 === 0;
}

/**
 * Max pooling backward: below this many outputs the JavaScript scatter runs. The wasm scatter only runs in
 * place (every array resident, no copies), so the one cost it adds is a call (~0.1 µs); the JavaScript loop
 * takes ~2–3 ns an element.
 */
export const MAX_POOL_BACKWARD_MINIMUM_LENGTH = 256;

/** Whether a float32 max pooling backward over `outputs` winners runs in wasm (when its arrays are resident). */
export function maxPoolBackwardInWasm(outputs: number): boolean {
  return outputs >= MAX_POOL_BACKWARD_MINIMUM_LENGTH;
}

/**
 * Average pooling, forward and backward: below this many input elements the JavaScript loops run. Measured
 * (bench/average-pool.bench.mjs, 2×2 windows, copies included), JavaScript / wasm: 16 elements 0.10 / 0.18 µs
 * forward, 0.07 / 0.12 backward; 64 elements 0.14 / 0.10 and 0.15 / 0.11; from 512 elements ~1.6–1.8 ns
 * against ~0.4–0.7 ns per element (the CNN-sized [64, 26, 26, 32]: 4.2 ms / 0.8 ms forward).
 */
export const AVERAGE_POOL_MINIMUM_LENGTH = 64;

/**
 * Whether a float32 average pooling (forward or backward) over `length` input elements of `channels` channels
 * runs in wasm. Channels must be a multiple of 4 (lanes).
 */
export function averagePoolInWasm(length: number, channels: number): boolean {
  return length >= AVERAGE_POOL_MINIMUM_LENGTH && channels % 4 === 0;
}

/**
 * col2im: below this many column entries the JavaScript loop runs. The module copies the columns in and the
 * image out (~0.3 ns per element) and adds four lanes per instruction where JavaScript adds one through
 * float64 (~0.7 ns per entry on the CNN's 64·11·11 × 288 columns: 5.5 ms per step).
 */
export const COLUMNS_TO_IMAGE_MINIMUM_LENGTH = 4096;

/** Whether a float32 col2im of `length` column entries over `channels` channels runs in wasm. */
export function columnsToImageInWasm(length: number, channels: number): boolean {
  return length >= COLUMNS_TO_IMAGE_MINIMUM_LENGTH && channels % 4 === 0;
}

/** Whether a float32 product of these sizes runs in wasm. */
export function gemmInWasm(m: number, n: number, k: number): boolean {
  const work = m * n * k;
  return k > 0 && work >= GEMM_MINIMUM_WORK && (n >= 4 || work >= NARROW_GEMM_MINIMUM_WORK);
}

/**
 * Whether a float32 convolution product (forward or weight gradient) of these sizes runs in wasm, its im2col
 * panels packed from the images: the GEMM's crossover, since packing from the images costs about what
 * packing the matrix does (and the matrix itself is not made at all).
 */
export function convolutionInWasm(m: number, n: number, k: number): boolean {
  return gemmInWasm(m, n, k);
}

/**
 * Whether a float32 convolution input gradient (`rows × depth` columns g·Wᵀ over `outChannels`, then col2im
 * over `channels`) runs in wasm: the product must pass the GEMM's crossover and the col2im its own, since the
 * columns stay in wasm memory between the two.
 */
export function convolutionInputGradientInWasm(
  rows: number,
  depth: number,
  outChannels: number,
  channels: number,
): boolean {
  return gemmInWasm(rows, depth, outChannels) && columnsToImageInWasm(rows * depth, channels);
}

/** Whether a GEMM of `work` multiply-adds is worth waking worker threads for. */
export function gemmOnThreads(work: number): boolean {
  return work >= THREADED_GEMM_MINIMUM_WORK;
}

/** Whether a float32 binary op of `length` outputs in rows of `rowLength` runs in wasm. */
export function binaryInWasm(length: number, rowLength: number): boolean {
  return length >= BINARY_MINIMUM_LENGTH && rowLength >= BROADCAST_MINIMUM_ROW;
}

/** Whether a float32 unary op of `length` elements runs in wasm. */
export function unaryInWasm(length: number): boolean {
  return length >= UNARY_MINIMUM_LENGTH;
}

/** Whether a scaled add of `length` elements runs in wasm. */
export function scaledAddInWasm(length: number): boolean {
  return length >= SCALED_ADD_MINIMUM_LENGTH;
}

/**
 * Whether a float32 relu backward of `length` elements in rows of `columns` runs in wasm (rows must also be
 * whole vectors: the kernel walks them four lanes at a time).
 */
export function reluBackwardInWasm(length: number, columns: number): boolean {
  return length >= RELU_BACKWARD_MINIMUM_LENGTH && columns % 4 === 0;
}

/**
 * Range jobs (a memory-bound kernel on resident arrays split over the GEMM's threads, assembly/range.ts):
 * below this many bytes touched the kernel stays on the calling thread, where publishing a job and waiting
 * for the worker's last chunk would cost more than the second core saves.
 */
export const THREADED_RANGE_MINIMUM_BYTES = 256 * 1024;

/** Bytes of work per range chunk (its outputs and inputs together stay in L2 while it runs). */
export const RANGE_CHUNK_BYTES = 64 * 1024;

/** Whether a resident memory-bound kernel touching `bytes` bytes runs as a range job over the threads. */
export function rangeOnThreads(bytes: number): boolean {
  return bytes >= THREADED_RANGE_MINIMUM_BYTES;
}

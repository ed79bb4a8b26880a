// Why this exists: between the GEMMs a training step runs memory-bound kernels on its resident arrays (max
// pooling, the learning-rate step, Adam's step, element-wise ops), on one thread while the second core waited
// for the next GEMM. Their lanes do more than move bytes, so one thread does not saturate memory. Above
// `rangeOnThreads` they run as range jobs of the GEMM's pool: chunks of one kernel over sub-ranges, claimed
// like GEMM chunks. Measured through the kernels on resident arrays, 1 thread against 2 (relaxed SIMD, the
// 2-vCPU reference VM; bench/webassembly-costs.bench.mjs section 3b): the CNN's first max pooling (64×26×26×32,
// 2×2) 520 against 333 µs; Adam's step on 225,578 parameters 455 against 281 µs. Below ~30,000 elements the
// hand-off costs more than the second core gives (a raw scaled add on 8,192 elements: 2.4 against 3.8 µs),
// which set the threshold. memory.fill is bound by memory already (5.5 MB: 98.0 against 100.4 µs) and stays
// on one thread. Every output element is computed by the same lanes from the same inputs whoever runs its
// chunk, so the bits are those of the one-thread call (range-jobs.test.ts).

import type { GeometryArguments } from "./elementwise-exports.js";
import type { WasmEngine } from "./engine.js";
import {
  RANGE_ADAM,
  RANGE_BINARY,
  RANGE_MAX_POOL,
  RANGE_RELU_BACKWARD,
  RANGE_SCALED_ADD,
} from "./generated/layout.js";
import { RANGE_CHUNK_BYTES, rangeOnThreads } from "./thresholds.js";

/** out = a ∘ b over `bytes` bytes (whole vectors) of resident memory, ∘ the module's `code` (BINARY_ADD …). */
export function binaryResident(
  engine: WasmEngine,
  code: number,
  out: number,
  a: number,
  b: number,
  bytes: number,
): void {
  if (rangeOnThreads(3 * bytes)) engine.runRange(RANGE_BINARY, bytes, RANGE_CHUNK_BYTES, [code, out, a, b]);
  else engine.residentElementwise.binary(code, out, a, b, bytes);
}

/** out = p + f32(factor·u) over `count` elements (a multiple of 4) of resident memory; whether all are finite. */
export function scaledAddResident(
  engine: WasmEngine,
  out: number,
  p: number,
  u: number,
  count: number,
  factor: number,
): boolean {
  if (!rangeOnThreads(12 * count))
    return engine.residentElementwise.scaledAdd(out, p, u, count, factor) === 1;
  return engine.runRange(RANGE_SCALED_ADD, count, RANGE_CHUNK_BYTES / 4, [out, p, u], [factor]);
}

/** Adam's step over `count` elements (even) of resident memory (see `Kernels.adamUpdate`). */
export function adamResident(
  engine: WasmEngine,
  addresses: readonly [number, number, number, number, number, number],
  count: number,
  scalars: readonly [number, number, number, number, number, number],
): void {
  if (rangeOnThreads(24 * count)) {
    engine.runRange(RANGE_ADAM, count, RANGE_CHUNK_BYTES / 4, addresses, scalars);
    return;
  }
  engine.residentElementwise.adamUpdate(...addresses, count, ...scalars);
}

/** Column vectors (16 bytes) per chunk of the relu backward: a 128-byte pair of cache lines of each row. */
const RELU_BACKWARD_VECTORS_PER_CHUNK = 8;

/**
 * The relu backward over `rows` rows of `rowBytes` bytes of resident memory (see `Kernels.reluBackward`),
 * bias sums into the resident row at `bias`. On threads it is split by columns, 128 bytes of each row per
 * chunk, never by rows: a column's bias sum then still adds its rows in order, so the bits are the one-thread
 * call's, and two threads never write the same pair of cache lines of `out` (rows of 64 columns or more).
 */
export function reluBackwardResident(
  engine: WasmEngine,
  g: number,
  y: number,
  out: number,
  bias: number,
  rows: number,
  rowBytes: number,
): void {
  const vectors = rowBytes / 16;
  if (vectors > RELU_BACKWARD_VECTORS_PER_CHUNK && rangeOnThreads(3 * rows * rowBytes)) {
    engine.runRange(RANGE_RELU_BACKWARD, vectors, RELU_BACKWARD_VECTORS_PER_CHUNK, [
      g,
      y,
      out,
      bias,
      rows,
      rowBytes,
    ]);
    return;
  }
  engine.residentElementwise.reluBackward(g, y, out, bias, rows, rowBytes);
}

/** Max pooling of resident images (input, output and argmax resident), whole images per chunk. */
export function maxPoolResident(
  engine: WasmEngine,
  input: number,
  output: number,
  argmax: number,
  geometry: GeometryArguments,
): void {
  const [batch, height, width, channels, ...window] = geometry;
  const imageBytes = height * width * channels * 4;
  if (batch < 2 || !rangeOnThreads(batch * imageBytes)) {
    engine.residentElementwise.maxPoolForward(input, output, argmax, ...geometry);
    return;
  }
  const imagesPerChunk = Math.max(1, Math.floor(RANGE_CHUNK_BYTES / imageBytes));
  engine.runRange(RANGE_MAX_POOL, batch, imagesPerChunk, [
    input,
    output,
    argmax,
    height,
    width,
    channels,
    ...window,
  ]);
}

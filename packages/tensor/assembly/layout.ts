// Memory layout shared by the AssemblyScript kernels and their TypeScript driver.
// `pnpm generate` copies this file verbatim to src/kernels/wasm/generated/layout.ts, so both sides read one
// definition. Keep it to plain numeric constants: it must compile as AssemblyScript and as TypeScript.

// Micro-kernel tiles differ by variant, each the fastest measured for its instruction set (kernel-only,
// single thread, on the 2-vCPU Zen 4 host): plain SIMD spends a register on every product (multiply, then
// add), so 2×16 (8 accumulators + 4 B vectors + A + product) is its best (6×8 spills: 27 vs 43 GFLOP/s);
// relaxed SIMD fuses the two, which frees the registers for 6×8 (12 accumulators + 2 B vectors + A):
// 57.5 GFLOP/s against 53.1 for 2×16, as fewer A broadcasts compete with the multiply-adds.
/** Rows of op(A) per plain-SIMD micro-kernel tile. */
export const MR = 2;
/** Columns of op(B) per plain-SIMD micro-kernel tile (four f32x4 vectors). */
export const NR = 16;
/** Rows of op(A) per relaxed-SIMD micro-kernel tile. */
export const RELAXED_MR = 6;
/** Columns of op(B) per relaxed-SIMD micro-kernel tile (two f32x4 vectors). */
export const RELAXED_NR = 8;
/** Depth of one packed block: a KC×NR B sliver (16 KiB for plain SIMD, 8 KiB relaxed) stays in L1. */
export const KC = 256;

// Byte offsets of the control words. The counters every thread hammers sit on the first cache line; the job
// parameters (written once per job by the driver) start on the second one.
/** Job generation: the driver increments it to wake the workers. */
export const SEQUENCE = 0;
/** Number of workers blocked in Atomics.wait on SEQUENCE (the driver notifies only when non-zero). */
export const SLEEPERS = 4;
/**
 * Claim word: (job generation << 16) | next chunk index. Threads claim with compare-and-swap on the whole word,
 * so a worker that read a previous job's word can never claim a chunk of the next one.
 */
export const NEXT = 8;
/** Chunks finished. */
export const DONE = 12;
/** Pack chunks finished by their claimers (a fast check before compute chunks look at the flags). */
export const PACKED = 16;
/** Workers that have instantiated the module and entered their loop. */
export const READY = 20;
/** Set to 1 by a worker whose kernel trapped. */
export const FAILED = 24;
/** Bits of NEXT holding the chunk index; a job has fewer chunks than this mask. */
export const CHUNK_INDEX_MASK = 0xffff;
/** Generation mask (15 bits, so the claim word stays a positive i32). */
export const GENERATION_MASK = 0x7fff;

/** Threads allowed to join the job (workers with a higher index ignore it). */
export const THREADS = 64;
/** Total chunks of the job: pack-A chunks, then pack-B chunks, then compute chunks. */
export const TOTAL = 68;
export const PACK_A_CHUNKS = 72;
export const PACK_B_CHUNKS = 76;
export const M = 80;
export const N = 84;
export const K = 88;
export const TRANSPOSE_A = 92;
export const TRANSPOSE_B = 96;
/** f32 */
export const ALPHA = 100;
/** f32 */
export const BETA = 104;
/** Byte addresses of the raw row-major A, B, C and of the packed A and B. */
export const A_ADDRESS = 108;
export const B_ADDRESS = 112;
export const C_ADDRESS = 116;
export const PACKED_A_ADDRESS = 120;
export const PACKED_B_ADDRESS = 124;
/** MR-row panels per pack-A chunk. */
export const PACK_A_PANELS = 128;
/** NR-column panels per pack-B chunk. */
export const PACK_B_PANELS = 132;
/** MR-row panels per compute chunk. */
export const CHUNK_ROW_PANELS = 136;
/** NR-column panels per compute chunk. */
export const CHUNK_COLUMN_PANELS = 140;
/** Compute chunks per row block (column blocks). */
export const COLUMN_BLOCKS = 144;
/** Byte address of one done flag (u8) per pack chunk, zeroed by the driver for each job. */
export const PACK_FLAGS_ADDRESS = 148;
/** Byte address of the dense-layer bias (n f32 added to every row of C), or 0 for none. */
export const BIAS_ADDRESS = 152;
/** Activation applied after the bias: ACTIVATION_NONE or ACTIVATION_RELU. */
export const ACTIVATION = 156;
export const ACTIVATION_NONE = 0;
/** max(x, 0), NaN-propagating (f32.max). */
export const ACTIVATION_RELU = 1;
/**
 * 1 when A is not a matrix but NHWC images read through the window geometry below: op(A) is then the im2col
 * matrix of those images (`transposeA` false, the forward of a convolution) or its transpose (the weight
 * gradient), packed straight from the images so the matrix never exists (assembly/windows-pack.ts).
 */
export const A_WINDOWS = 160;
/**
 * The window geometry of A (12 i32 from here): batch, height, width, channels, kernelHeight, kernelWidth,
 * strideHeight, strideWidth, padTop, padLeft, outHeight, outWidth.
 */
export const WINDOW_GEOMETRY = 164;
/** Byte address of the per-thread gather rows of window packing: TILE_ROWS × KC f32 per thread. */
export const GATHER_ADDRESS = 212;

/** What the published job is: JOB_GEMM (the words above) or JOB_RANGE (the RANGE_ words below). */
export const JOB_KIND = 216;
export const JOB_GEMM = 0;
/**
 * A memory-bound kernel split over threads: RANGE_UNITS units of work (bytes, elements or images, by kernel)
 * in chunks of RANGE_UNITS_PER_CHUNK, each chunk the kernel on its own sub-range (assembly/range.ts).
 */
export const JOB_RANGE = 1;
/** Which kernel a range job runs: RANGE_SCALED_ADD … RANGE_BINARY. */
export const RANGE_KERNEL = 220;
export const RANGE_UNITS = 224;
export const RANGE_UNITS_PER_CHUNK = 228;
/** Cleared to 0 by a chunk that met a non-finite result (the scaled add's answer); the driver sets it to 1. */
export const RANGE_ALL_FINITE = 232;
/** Byte address of a range job's arguments: 16 i32 from here, then 8 f64 from RANGE_FLOAT_ARGUMENTS. */
export const RANGE_ARGUMENTS = 13312;
export const RANGE_FLOAT_ARGUMENTS = 13376;
/** scaledAdd: arguments out, p, u and f64 factor; units are elements. */
export const RANGE_SCALED_ADD = 0;
/** maxPoolForward: arguments input, output, argmax, then the geometry (height … outWidth); units are images. */
export const RANGE_MAX_POOL = 1;
/** adamUpdate: arguments g, m, v, mOut, vOut, out and six f64 coefficients; units are elements. */
export const RANGE_ADAM = 2;
/** binary: arguments op, out, a, b; units are bytes. */
export const RANGE_BINARY = 3;
/** reluBackward: arguments g, y, out, bias, rows, rowBytes; units are 16-byte column vectors of a row. */
export const RANGE_RELU_BACKWARD = 4;

/** Per-thread counters of chunks computed (i32 each, MAX_THREADS of them): lets tests see who did the work. */
export const CHUNKS_BY_THREAD = 256;
/** Upper bound of the thread count. */
export const MAX_THREADS = 64;
/** Per-thread scratch for a partial tile's accumulators, TILE_SCRATCH_BYTES each (to byte 13312 for 64). */
export const TILE_SCRATCH = 1024;
/** Bytes of one thread's tile scratch: the larger tile, relaxed SIMD's 6×8 f32 (plain SIMD's 2×16 is 32). */
export const TILE_SCRATCH_BYTES = RELAXED_MR * RELAXED_NR * 4;
/** First byte the driver may use for matrices. */
export const WORKSPACE_START = 65536;

// Operation codes of the element-wise kernels (assembly/elementwise.ts), in the order of `Kernels.binary` and
// `Kernels.unary`.
export const BINARY_ADD = 0;
export const BINARY_SUB = 1;
export const BINARY_MUL = 2;
export const BINARY_DIV = 3;
export const UNARY_RELU = 0;
export const UNARY_NEG = 1;
export const UNARY_ABS = 2;
export const UNARY_SQRT = 3;

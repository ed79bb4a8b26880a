// GEMM throughput of every kernel variant on the built package (dist/): GFLOP/s, median (and best) of
// several timed runs after warm-up, per variant × shape × thread count.
//
//   pnpm --filter @descent/tensor bench:kernels                 (builds first)
//   node bench/kernels.bench.mjs --sizes 256,1024 --threads 2 --variants wasm-simd --no-mlp --no-ceiling --json
//
// Shapes: square C = A·B for each size, then (unless --no-mlp) the three GEMMs of one training step of a
// 784-128-10 MLP at batch 64 for the 784×128 layer: forward X·W, and backward Xᵀ·dY and dY·Wᵀ.
// Where relaxed SIMD needs a flag (Node 20), its rows come from a child `node --experimental-wasm-relaxed-simd`.
// Fixed seeded float32 inputs, α = 1, β = 0.
//
// Then (unless --no-ceiling, and when 2 threads are measured) the two-thread ceiling of the largest size: in
// alternating rounds, the 2-thread GEMM, and two single-threaded processes running the same GEMM at the same
// time. A 2-thread GEMM is not expected to beat the sum of those two (same cores, same moment); on a shared VM, where a
// vCPU can lose a third of its speed to a neighbour, this sum is the figure to read the 2-thread result against.

import { spawn, spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { availableKernels, initKernels } from "../dist/index.js";
import { getKernels, jsKernels, setKernels } from "../dist/kernels.js";

const allVariants = ["js", "wasm-simd", "wasm-relaxed-simd"];

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : process.argv[index + 1];
}
const sizes = option("sizes", "64,128,256,512,1024").split(",").map(Number);
const threadCounts = option("threads", "1,2").split(",").map(Number);
const variants = option("variants", allVariants.join(",")).split(",");
const mlp = !process.argv.includes("--no-mlp");
const json = process.argv.includes("--json");
const child = process.argv.includes("--child");
const ceiling = !process.argv.includes("--no-ceiling") && threadCounts.includes(2);
const soloSeconds = Number(option("solo-seconds", "1.5"));

const shapes = [
  ...sizes.map((size) => ({
    label: `${size}³`,
    transposeA: false,
    transposeB: false,
    m: size,
    n: size,
    k: size,
  })),
  ...(mlp
    ? [
        { label: "mlp X·W 64×784·784×128", transposeA: false, transposeB: false, m: 64, n: 128, k: 784 },
        { label: "mlp Xᵀ·dY 784×64·64×128", transposeA: true, transposeB: false, m: 784, n: 128, k: 64 },
        { label: "mlp dY·Wᵀ 64×128·128×784", transposeA: false, transposeB: true, m: 64, n: 784, k: 128 },
      ]
    : []),
];

function seeded(length, seed) {
  const values = new Float32Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[index] = state / 2 ** 32 - 0.5;
  }
  return values;
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1];
}

/** A timer of one GEMM of `shape` on the active kernels, with its inputs made and warmed up. */
function gemmTimer(shape) {
  const kernels = getKernels();
  const { transposeA, transposeB, m, n, k } = shape;
  const a = seeded(m * k, 1);
  const b = seeded(k * n, 2);
  const c = new Float32Array(m * n);
  const run = () => {
    const start = performance.now();
    kernels.gemm(transposeA, transposeB, m, n, k, 1, a, b, 0, c);
    return performance.now() - start;
  };
  // Warm-up: lets V8 tier the wasm up from Liftoff to TurboFan (and JIT the JS) before timing.
  for (let warm = 0, spent = 0; warm < 3 || (spent < 300 && warm < 500); warm++) spent += run();
  return run;
}

/** Times `run` at least 5 times and until `budget` milliseconds are spent (at most 500 runs). */
function timeRuns(run, budget) {
  const times = [];
  for (let spent = 0; times.length < 5 || (spent < budget && times.length < 500); ) {
    const time = run();
    times.push(time);
    spent += time;
  }
  return times;
}

function gflops(shape, milliseconds) {
  return (2 * shape.m * shape.n * shape.k) / milliseconds / 1e6;
}

async function measure(variant, shape, threads) {
  if (variant === "js") setKernels(jsKernels);
  else await initKernels({ kernels: variant, threads });
  const times = timeRuns(gemmTimer(shape), 1500);
  return {
    variant,
    shape: shape.label,
    threads,
    runs: times.length,
    medianMilliseconds: median(times),
    medianGflops: gflops(shape, median(times)),
    bestGflops: gflops(shape, Math.min(...times)),
  };
}

/**
 * `--solo <variant> --size <n> --start <epoch ms>`: one single-threaded process of the ceiling; warms up, waits
 * for the shared start time, times the n³ GEMM for `--solo-seconds` and prints its median GFLOP/s as JSON.
 */
async function solo() {
  const size = Number(option("size", "1024"));
  const shape = { transposeA: false, transposeB: false, m: size, n: size, k: size };
  await initKernels({ kernels: option("solo"), threads: 1 });
  const run = gemmTimer(shape);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(option("start")) - Date.now())));
  console.log(JSON.stringify(gflops(shape, median(timeRuns(run, soloSeconds * 1000)))));
}

/** Median GFLOP/s of two single-threaded processes timing the same GEMM over the same window. */
async function concurrentSolos(variant, size) {
  const start = Date.now() + 1500;
  const one = () =>
    new Promise((resolve, reject) => {
      const arguments_ = ["--solo", variant, "--size", String(size), "--start", String(start)];
      const process_ = spawn(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), ...arguments_],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let output = "";
      process_.stdout.on("data", (data) => (output += data));
      process_.on("error", reject);
      process_.on("close", (status) =>
        status === 0
          ? resolve(JSON.parse(output))
          : reject(new Error(`solo GEMM process exited with ${status}`)),
      );
    });
  return Promise.all([one(), one()]);
}

/**
 * Three rounds of: the 2-thread n³ GEMM for `--solo-seconds`, then two concurrent single-threaded processes
 * (see {@link concurrentSolos}). The ceiling of a round is the sum of its two solo medians.
 */
async function twoThreadCeiling(variant, size) {
  const shape = { transposeA: false, transposeB: false, m: size, n: size, k: size };
  await initKernels({ kernels: variant, threads: 2 });
  const run = gemmTimer(shape);
  const twoThreadTimes = [];
  const solos = [];
  for (let round = 0; round < 3; round++) {
    twoThreadTimes.push(...timeRuns(run, soloSeconds * 1000));
    solos.push(await concurrentSolos(variant, size));
  }
  const sums = solos.map(([first, second]) => first + second);
  const twoThreads = gflops(shape, median(twoThreadTimes));
  return { variant, size, twoThreads, ceiling: median(sums), solos, efficiency: twoThreads / median(sums) };
}

function printCeiling(row, first) {
  if (first) {
    console.log(
      "\nTwo-thread ceiling: 2-thread GEMM vs two single-threaded processes at the same time (3 rounds)",
    );
    console.log(
      `${"variant".padEnd(52)} ${"shape".padEnd(8)} 2 threads  ceiling  2 threads / ceiling  solo pairs (GFLOP/s)`,
    );
  }
  console.log(
    [
      row.variant.padEnd(52),
      `${row.size}³`.padEnd(8),
      row.twoThreads.toFixed(1).padStart(9),
      row.ceiling.toFixed(1).padStart(8),
      `${(100 * row.efficiency).toFixed(0)} %`.padStart(20),
      ` ${row.solos.map(([first, second]) => `${first.toFixed(1)}+${second.toFixed(1)}`).join(", ")}`,
    ].join(" "),
  );
}

function printRow(row, first) {
  if (first) {
    console.log(`GEMM fp32 — Node ${process.version}, ${availableParallelism()} cores`);
    console.log(
      `${"variant".padEnd(52)} ${"shape".padEnd(26)} threads  median GFLOP/s  best GFLOP/s  median ms  runs`,
    );
  }
  console.log(
    [
      row.variant.padEnd(52),
      row.shape.padEnd(26),
      String(row.threads).padStart(7),
      row.medianGflops.toFixed(1).padStart(15),
      row.bestGflops.toFixed(1).padStart(13),
      row.medianMilliseconds.toFixed(3).padStart(10),
      String(row.runs).padStart(5),
    ].join(" "),
  );
}

if (process.argv.includes("--solo")) {
  await solo();
  process.exit(0);
}

const rows = [];
const ceilings = [];
const report = (row) => {
  rows.push(row);
  if (!json && !child) printRow(row, rows.length === 1);
};
const available = availableKernels();
for (const variant of variants) {
  if (!available.includes(variant)) continue;
  for (const shape of shapes) {
    // The JS reference does not thread, and its 1024³ takes seconds: measure it once, up to 512³.
    if (variant === "js" && shape.m * shape.n * shape.k > 512 ** 3) continue;
    for (const threads of variant === "js" ? [1] : threadCounts)
      report(await measure(variant, shape, threads));
  }
}
if (variants.includes("wasm-relaxed-simd") && !available.includes("wasm-relaxed-simd") && !child) {
  const result = spawnSync(
    process.execPath,
    [
      "--experimental-wasm-relaxed-simd",
      fileURLToPath(import.meta.url),
      "--child",
      "--variants",
      "wasm-relaxed-simd",
      "--sizes",
      sizes.join(","),
      "--threads",
      threadCounts.join(","),
      "--solo-seconds",
      String(soloSeconds),
      ...(mlp ? [] : ["--no-mlp"]),
      ...(ceiling ? [] : ["--no-ceiling"]),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  if (result.status !== 0) throw new Error(`relaxed SIMD child failed with status ${result.status}`);
  const childResult = JSON.parse(result.stdout);
  for (const row of childResult.rows) {
    report({ ...row, variant: `${row.variant} (--experimental-wasm-relaxed-simd)` });
  }
  for (const row of childResult.ceilings) {
    ceilings.push({ ...row, variant: `${row.variant} (--experimental-wasm-relaxed-simd)` });
  }
}
if (ceiling) {
  const size = Math.max(...sizes);
  const own = [];
  for (const variant of variants)
    if (variant !== "js" && available.includes(variant)) own.push(await twoThreadCeiling(variant, size));
  // This process's variants first (plain SIMD), then the relaxed child's.
  ceilings.unshift(...own);
}
if (json || child) console.log(JSON.stringify({ rows, ceilings }));
else for (const [index, row] of ceilings.entries()) printCeiling(row, index === 0);

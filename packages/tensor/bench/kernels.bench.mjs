// GEMM throughput of every kernel variant on the built package (dist/): GFLOP/s, median (and best) of
// several timed runs after warm-up, per variant × shape × thread count.
//
//   pnpm --filter @descent/tensor bench:kernels                 (builds first)
//   node bench/kernels.bench.mjs --sizes 256,1024 --threads 2 --variants wasm-simd --no-mlp --json
//
// Shapes: square C = A·B for each size, then (unless --no-mlp) the three GEMMs of one training step of a
// 784-128-10 MLP at batch 64 for the 784×128 layer: forward X·W, and backward Xᵀ·dY and dY·Wᵀ.
// Where relaxed SIMD needs a flag (Node 20), its rows come from a child `node --experimental-wasm-relaxed-simd`.
// Fixed seeded float32 inputs, α = 1, β = 0.

import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { availableKernels, getKernels, initKernels, jsKernels, setKernels } from "../dist/index.js";

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

async function measure(variant, shape, threads) {
  if (variant === "js") setKernels(jsKernels);
  else await initKernels({ kernels: variant, threads });
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
  const times = [];
  for (let spent = 0; times.length < 5 || (spent < 1500 && times.length < 500); ) {
    const time = run();
    times.push(time);
    spent += time;
  }
  const gflops = (milliseconds) => (2 * m * n * k) / milliseconds / 1e6;
  return {
    variant,
    shape: shape.label,
    threads,
    runs: times.length,
    medianMilliseconds: median(times),
    medianGflops: gflops(median(times)),
    bestGflops: gflops(Math.min(...times)),
  };
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

const rows = [];
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
      ...(mlp ? [] : ["--no-mlp"]),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  if (result.status !== 0) throw new Error(`relaxed SIMD child failed with status ${result.status}`);
  for (const row of JSON.parse(result.stdout)) {
    report({ ...row, variant: `${row.variant} (--experimental-wasm-relaxed-simd)` });
  }
}
if (json || child) console.log(JSON.stringify(rows));

// GEMM throughput of every kernel variant on the built package (dist/): GFLOP/s, median (and best) of
// several timed runs after warm-up, per variant × square size × thread count.
//
//   pnpm --filter @descent/tensor bench:kernels                 (builds first)
//   node bench/kernels.bench.mjs --sizes 256,1024 --threads 2 --variants wasm-simd --json
//
// Where relaxed SIMD needs a flag (Node 20), its rows come from a child `node --experimental-wasm-relaxed-simd`.
// Fixed inputs (seeded), float32, C = A·B (α = 1, β = 0, no transposes).

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
const json = process.argv.includes("--json");
const child = process.argv.includes("--child");

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

async function measure(variant, size, threads) {
  if (variant === "js") setKernels(jsKernels);
  else await initKernels({ kernels: variant, threads });
  const kernels = getKernels();
  const a = seeded(size * size, 1);
  const b = seeded(size * size, 2);
  const c = new Float32Array(size * size);
  const flops = 2 * size ** 3;
  const run = () => {
    const start = performance.now();
    kernels.gemm(false, false, size, size, size, 1, a, b, 0, c);
    return performance.now() - start;
  };
  // Warm-up: lets V8 tier the wasm up from Liftoff to TurboFan (and JIT the JS) before timing.
  let warm = 0;
  for (let spent = 0; warm < 3 || (spent < 300 && warm < 200); warm++) spent += run();
  const times = [];
  for (let spent = 0; times.length < 5 || (spent < 1500 && times.length < 200); ) {
    const time = run();
    times.push(time);
    spent += time;
  }
  const gflops = (milliseconds) => flops / milliseconds / 1e6;
  return {
    variant,
    size,
    threads,
    runs: times.length,
    medianMilliseconds: median(times),
    medianGflops: gflops(median(times)),
    bestGflops: gflops(Math.min(...times)),
  };
}

const rows = [];
const available = availableKernels();
const relaxedInChild =
  variants.includes("wasm-relaxed-simd") && !available.includes("wasm-relaxed-simd") && !child;
for (const variant of variants) {
  if (!available.includes(variant)) continue;
  for (const size of sizes) {
    // The JS reference does not thread, and its 1024³ takes seconds: measure it once, up to 512.
    for (const threads of variant === "js" ? [1] : threadCounts) {
      if (variant === "js" && size > 512) continue;
      rows.push(await measure(variant, size, threads));
      if (!json && !child) printRow(rows.at(-1));
    }
  }
}
if (relaxedInChild) {
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
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  if (result.status !== 0) throw new Error(`relaxed SIMD child failed with status ${result.status}`);
  for (const row of JSON.parse(result.stdout)) {
    row.variant += " (--experimental-wasm-relaxed-simd)";
    rows.push(row);
    if (!json) printRow(row);
  }
}
if (json || child) console.log(JSON.stringify(rows));

function printRow(row) {
  if (rows.length === 1 || row === rows[0]) {
    console.log(`GEMM fp32, square, C = A·B — Node ${process.version}, ${availableParallelism()} cores`);
    console.log(
      "variant                                               size  threads  median GFLOP/s  best GFLOP/s  median ms  runs",
    );
  }
  console.log(
    [
      row.variant.padEnd(52),
      String(row.size).padStart(5),
      String(row.threads).padStart(8),
      row.medianGflops.toFixed(1).padStart(15),
      row.bestGflops.toFixed(1).padStart(13),
      row.medianMilliseconds.toFixed(3).padStart(10),
      String(row.runs).padStart(5),
    ].join(" "),
  );
}

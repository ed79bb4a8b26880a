// Element-wise add of two 256×1024 float32 tensors (issue 19, item 4): descent (wasm-simd and js kernels) and
// tfjs-wasm in the same process, in alternating rounds, plus the parts of descent's wasm round trip measured
// alone — allocating the 1 MiB result, staging both operands in 64 KiB chunks, copying the chunks out (into
// the fresh result, and into an array written before).
//
//   node bench/add.bench.mjs [--rounds 5] [--ms 300]          (needs dist/ built and apps/bench installed)
//
// tfjs is timed as the peers table does: `tf.add(a, b); sum.dataSync(); sum.dispose()`; descent as
// `add(a, b)` reading one element of the result (already a plain Float32Array).

import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { add, createRandom, uniform, useKernels } from "../dist/index.js";

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : process.argv[index + 1];
}
const rounds = Number(option("rounds", "5"));
const budgetMs = Number(option("ms", "300"));
const shape = [256, 1024];
const length = shape[0] * shape[1];
const chunk = 16384;

/** Median-free per-call µs: calls repeated for `budgetMs` after a short warm-up. */
function perCallMicroseconds(run) {
  for (let index = 0; index < 20; index++) run();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < budgetMs) {
    run();
    calls++;
    now = performance.now();
  }
  return ((now - start) * 1000) / calls;
}

const appRequire = createRequire(fileURLToPath(new URL("../../../apps/bench/package.json", import.meta.url)));
const tf = await import(appRequire.resolve("@tensorflow/tfjs"));
const wasmEntry = appRequire.resolve("@tensorflow/tfjs-backend-wasm");
const tfWasm = await import(wasmEntry);
tfWasm.setWasmPaths(`${dirname(wasmEntry)}/`);
if (!(await tf.setBackend("wasm"))) throw new Error("tfjs wasm backend did not start");
await tf.ready();

const random = createRandom(19);
const a = uniform(random, shape);
const b = uniform(random, shape);
const tfA = tf.tensor2d(a.data, shape);
const tfB = tf.tensor2d(b.data, shape);
const memory = new WebAssembly.Memory({ initial: 4 });
const scratch = new Float32Array(memory.buffer, 0, 2 * chunk);
const finished = new Float32Array(length);
let sink = 0;

const cases = {
  "descent wasm-simd": () => {
    useKernels("wasm-simd");
    return () => {
      const sum = add(a, b);
      sink += sum.data[length - 1];
    };
  },
  "descent js": () => {
    useKernels("js");
    return () => {
      const sum = add(a, b);
      sink += sum.data[length - 1];
    };
  },
  "tfjs-wasm": () => () => {
    const sum = tf.add(tfA, tfB);
    sink += sum.dataSync()[length - 1];
    sum.dispose();
  },
  "part: allocate 1 MiB result": () => () => {
    const out = new Float32Array(length);
    sink += out[length - 1];
  },
  "part: stage both operands (chunks)": () => () => {
    for (let start = 0; start < length; start += chunk) {
      scratch.set(a.data.subarray(start, start + chunk), 0);
      scratch.set(b.data.subarray(start, start + chunk), chunk);
    }
  },
  "part: allocate, then copy chunks out": () => () => {
    const out = new Float32Array(length);
    for (let start = 0; start < length; start += chunk) out.set(scratch.subarray(0, chunk), start);
    sink += out[length - 1];
  },
  "part: copy chunks out (reused array)": () => () => {
    for (let start = 0; start < length; start += chunk) finished.set(scratch.subarray(0, chunk), start);
  },
};

const results = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, make] of Object.entries(cases)) results[name].push(perCallMicroseconds(make()));
}
if (!Number.isFinite(sink)) throw new Error("add returned a non-finite value");
for (const [name, values] of Object.entries(results)) {
  const sorted = [...values].sort((x, y) => x - y);
  console.log(
    `${name.padEnd(36)} median ${sorted[Math.floor(sorted.length / 2)].toFixed(1).padStart(7)} µs   runs ${values.map((v) => v.toFixed(0)).join(" ")}`,
  );
}

// Element-wise add of two 256×1024 float32 tensors (issue 19, item 4): descent (wasm-simd and js kernels) and
// tfjs-wasm in the same process, plus the parts of each round trip measured alone.
//
//   node bench/add.bench.mjs [--iterations 600]          (needs dist/ built and apps/bench installed)
//
// tfjs is timed as the peers table does: `tf.add(a, b); sum.dataSync(); sum.dispose()`; descent as
// `add(a, b)` reading one element of the result (already a plain Float32Array).
//
// Calls are timed one at a time, every case once per iteration in a shuffled order; the median and
// quartiles are reported. Why: most of an add's time is the first writes into its fresh 1 MiB result (page
// faults), whose cost swings 10× with the allocator's and the collector's state (on the shared 2-core
// reference VM, 100 µs to 3+ ms for the same `new Float32Array(262144).fill(1)`); timing each case in its
// own block of calls gave whichever case ran in a bad phase the whole swing. Interleaved, every case meets
// the same phases: p25 shows the phase where memory is reused, the median the one where it faults.
//
// Where the time goes: both libraries make one fresh 1 MiB array per call — descent's result, tfjs's
// `dataSync` (`HEAPU8.slice` of the result in its wasm heap) — so "fresh 1 MiB written once" is a floor
// both pay, and a JavaScript library cannot avoid it (a result a user holds needs memory nothing else
// reuses). Above it, descent stages both operands into wasm memory in 64 KiB chunks, adds, and copies out
// ("descent kernel into a reused result"); tfjs adds in its heap ("tfjs-wasm add without readback").
// Measured 2026-12-06, three runs at load 4–5 on 2 cores (medians, µs): floor 2956 / 3089 / 6202; descent's
// part 169 / 182 / 232 against tfjs's 196 / 229 / 336; whole add 3200 / 3388 / 8006 against tfjs 3185 / 3412
// / 7677. Variants of descent's loop tried in a scratch script, interleaved: chunks of 8192 or 32768 floats
// (109, 110 µs into a reused array, against 107 for 16384); outputs gathered in wasm memory, then one `slice`
// or one copy into a fresh array (2951 / 2940 µs against 2954 for the chunked copy-out, floor 2718).

import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { add, createRandom, uniform, useKernels } from "../dist/index.js";

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : process.argv[index + 1];
}
const iterations = Number(option("iterations", "600"));
const shape = [256, 1024];
const length = shape[0] * shape[1];
const chunk = 16384;

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
const wholeRow = new Int32Array(1);
const memory = new WebAssembly.Memory({ initial: 4 });
const scratch = new Float32Array(memory.buffer, 0, 2 * chunk);
const reused = new Float32Array(length);
let sink = 0;

const descentAdd = () => {
  const sum = add(a, b);
  sink += sum.data[length - 1];
};
const tfjsAdd = () => {
  const sum = tf.add(tfA, tfB);
  sink += sum.dataSync()[length - 1];
  sum.dispose();
};
// Switching kernels drops the other compiled module, so each kernel set gets its own phase.
const wasmKernels = useKernels("wasm-simd");
const wasmPhase = {
  "descent wasm-simd": descentAdd,
  "tfjs-wasm": tfjsAdd,
  "part: fresh 1 MiB written once": () => {
    const out = new Float32Array(length);
    out.fill(1);
    sink += out[length - 1];
  },
  "part: fresh 1 MiB by slice (tfjs readback)": () => {
    sink += a.data.slice()[length - 1];
  },
  "part: descent kernel into a reused result": () => {
    const operandA = { data: a.data, offsets: wholeRow, step: 1 };
    const operandB = { data: b.data, offsets: wholeRow, step: 1 };
    wasmKernels.binary("add", reused, length, operandA, operandB);
    sink += reused[length - 1];
  },
  "part: tfjs-wasm add without readback": () => {
    tf.add(tfA, tfB).dispose();
  },
  "part: stage both operands (chunks)": () => {
    for (let start = 0; start < length; start += chunk) {
      scratch.set(a.data.subarray(start, start + chunk), 0);
      scratch.set(b.data.subarray(start, start + chunk), chunk);
    }
  },
  "part: copy chunks out (reused array)": () => {
    for (let start = 0; start < length; start += chunk) reused.set(scratch.subarray(0, chunk), start);
  },
};

const jsPhase = { "descent js": descentAdd, "tfjs-wasm (js phase)": tfjsAdd };

/** Per-call µs of each case, `iterations` rounds of every case once in a shuffled order. */
function interleaved(cases) {
  const names = Object.keys(cases);
  const results = Object.fromEntries(names.map((name) => [name, []]));
  for (const name of names) for (let call = 0; call < 20; call++) cases[name]();
  for (let iteration = 0; iteration < iterations; iteration++) {
    const order = [...names];
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(Math.random() * (index + 1));
      [order[index], order[other]] = [order[other], order[index]];
    }
    for (const name of order) {
      const start = performance.now();
      cases[name]();
      results[name].push((performance.now() - start) * 1000);
    }
  }
  return results;
}

const results = interleaved(wasmPhase);
useKernels("js");
Object.assign(results, interleaved(jsPhase));
if (!Number.isFinite(sink)) throw new Error("add returned a non-finite value");
const at = (sorted, fraction) => sorted[Math.floor(sorted.length * fraction)].toFixed(1).padStart(7);
console.log(`${iterations} interleaved calls per case, µs per call`);
for (const [name, values] of Object.entries(results)) {
  const sorted = [...values].sort((x, y) => x - y);
  console.log(
    `${name.padEnd(42)} median ${at(sorted, 0.5)}   p25 ${at(sorted, 0.25)}   p75 ${at(sorted, 0.75)}`,
  );
}

import { DONE, FAILED, READY, SEQUENCE, SLEEPERS, THREADS } from "./generated/layout.js";

/**
 * How long an idle worker keeps polling for the next job before it blocks in Atomics.wait. Back-to-back GEMMs
 * (a training step's forward and backward products) find it polling and it joins at once; after a longer gap
 * it is woken (measured 8–40 µs here), which only delays its share: the calling thread starts immediately.
 * Polling longer steals a core from the calling thread on a busy machine (measured −30% at 64×784×128 with
 * one free core and 1 ms of polling).
 */
export const WORKER_SPIN_MILLISECONDS = 0.25;

// The worker's loop, as source text: workers start from a string (eval in Node, a Blob URL in browsers) so the
// package needs no separate worker file. It waits for SEQUENCE to change, then runs the kernel's `work`.
const serve = `
function serve(exports, memory, index, announce) {
  const words = new Int32Array(memory.buffer, 0, 64);
  let seen = Atomics.load(words, ${SEQUENCE / 4});
  Atomics.add(words, ${READY / 4}, 1);
  announce();
  for (;;) {
    let current = Atomics.load(words, ${SEQUENCE / 4});
    let deadline = performance.now() + ${WORKER_SPIN_MILLISECONDS};
    let spins = 0;
    while (current === seen) {
      if ((++spins & 1023) === 0 && performance.now() > deadline) {
        Atomics.add(words, ${SLEEPERS / 4}, 1);
        Atomics.wait(words, ${SEQUENCE / 4}, seen);
        Atomics.sub(words, ${SLEEPERS / 4}, 1);
        deadline = performance.now() + ${WORKER_SPIN_MILLISECONDS};
      }
      current = Atomics.load(words, ${SEQUENCE / 4});
    }
    seen = current;
    if (index >= Atomics.load(words, ${THREADS / 4})) continue;
    try {
      exports.work(index);
    } catch (error) {
      Atomics.store(words, ${FAILED / 4}, 1);
      Atomics.notify(words, ${DONE / 4});
      throw error;
    }
  }
}
`;

/** Worker source for Node's `new Worker(source, { eval: true, workerData: { module, memory, index } })`. */
export const nodeWorkerSource = `${serve}
const { parentPort, workerData } = require("node:worker_threads");
const { module, memory, index } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
serve(exports, memory, index, () => parentPort.postMessage("ready"));
`;

/** Worker source for a browser Web Worker (Blob URL); the first message carries `{ module, memory, index }`. */
export const browserWorkerSource = `${serve}
self.onmessage = (event) => {
  const { module, memory, index } = event.data;
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  serve(exports, memory, index, () => self.postMessage("ready"));
};
`;

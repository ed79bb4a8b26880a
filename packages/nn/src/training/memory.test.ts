// Why this exists: WebAssembly memory can grow but never shrink, and `fit` keeps its batch, gradients and
// new parameters in the kernels' memory (resident arrays). When freed blocks were reused only for the same
// length, 2,000 fits with hidden widths 257–2,256 took RSS from 107 to 2,226 MiB. This test runs those
// 2,000 fits (widths from a seeded generator, 8 samples of 32 features, one epoch: 17–20 s on 2 busy
// cores) and holds two bounds:
//
// - the kernels' memory (`kernelMemoryBytes()`, deterministic) never exceeds 2 × what the largest fit alone
//   needed (measured first, on a fresh engine). Every fit releases its arrays when it ends, and the heap
//   reuses freed space for any size, so each fit starts on an empty heap and the high-water mark is the
//   largest single fit's; the factor 2 is slack for the memory's 25 % growth steps, not for leaks (with
//   blocks reused for the same length only, it failed within the first second: 9.8 MiB against 8 MiB);
// - RSS grows by at most 128 MiB from the end of a 200-fit warm-up to the end (generous: the JavaScript heap
//   and V8's code caches move by tens of MiB; the old allocator added hundreds).
import { adam } from "@descent/optimizers";
import { createRandom, kernelMemoryBytes, normal, Tensor, useKernels } from "@descent/tensor";
import { getKernels, setKernels } from "@descent/tensor/kernels";
import { afterAll, describe, expect, it } from "vitest";
import { dense, sequential } from "../layers/index.js";
import { fit } from "./fit.js";

const FITS = 2000;
const WARM_UP = 200;
const MIN_WIDTH = 257;
const MAX_WIDTH = 2256;
const FEATURES = 32;
const SAMPLES = 8;
const CLASSES = 10;
const RSS_GROWTH_BOUND = 128 * 2 ** 20;

const random = createRandom(5);
const data = {
  inputs: normal(random, [SAMPLES, FEATURES]),
  targets: new Tensor(
    Float32Array.from({ length: SAMPLES }, (_, index) => index % CLASSES),
    [SAMPLES],
  ),
};

function fitOnce(width: number, seed: number): void {
  const model = sequential([dense(FEATURES, width), "relu", dense(width, CLASSES)]);
  const { history } = fit(model, model.init(seed), data, {
    optimizer: adam({ learningRate: 0.01 }),
    loss: "softmaxCrossEntropyFromLogits",
    epochs: 1,
    batchSize: 4,
  });
  if (!Number.isFinite(history.epochs.at(-1)!.loss)) throw new Error(`fit ${seed} gave a non-finite loss`);
}

const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

describe("fit memory over 2,000 calls of varying sizes", () => {
  const previous = getKernels();
  afterAll(() => setKernels(previous));

  it("keeps the kernels' memory within 2 × the largest fit's and RSS bounded", () => {
    const kernels = useKernels("wasm-simd");
    expect(kernels.residentFloat32?.(1)).toBeInstanceOf(Float32Array);
    const startBytes = kernelMemoryBytes();
    fitOnce(MAX_WIDTH, 0);
    const largestFit = kernelMemoryBytes();

    const widths = createRandom(11);
    let warmRss = 0;
    for (let call = 1; call <= FITS; call++) {
      fitOnce(MIN_WIDTH + Math.floor(widths.next() * (MAX_WIDTH - MIN_WIDTH + 1)), call);
      if (call === WARM_UP) warmRss = process.memoryUsage().rss;
      expect(kernelMemoryBytes()).toBeLessThanOrEqual(2 * largestFit);
    }
    const endRss = process.memoryUsage().rss;
    console.log(
      `memory.test: kernels' memory ${mebibytes(startBytes)} → ${mebibytes(largestFit)} (largest fit) → ${mebibytes(kernelMemoryBytes())} after ${FITS} fits; RSS ${mebibytes(warmRss)} after ${WARM_UP} → ${mebibytes(endRss)}`,
    );
    expect(endRss - warmRss).toBeLessThanOrEqual(RSS_GROWTH_BOUND);
    // 17–20 s on an idle machine; a full parallel test run on two shared cores can take several times that.
  }, 300_000);
});

import { createRequire } from "node:module";

const req = { resolve: (x) => x };
const nn = await import(req.resolve("@descent/nn"));
const opt = await import(req.resolve("@descent/optimizers"));
const T = await import(req.resolve("@descent/tensor"));
await T.initKernels(process.env.TH ? { threads: Number(process.env.TH) } : {});
const N = 8000;
const x = T.uniform(T.createRandom(1), [N, 784]);
const labels = new Float32Array(N * 10);
for (let i = 0; i < N; i++) labels[i * 10 + (i % 10)] = 1;
let train = { inputs: x, targets: new T.Tensor(labels, [N, 10]) };
if (process.env.REAL) {
  const D = await import(req.resolve("@descent/data/node"));
  const s = D.loadMnist({ trainCount: N, testCount: 2000, seed: 42 });
  train = s.train;
}
const model = nn.sequential([nn.dense(784, 128), "relu", nn.dense(128, 10)]);
const base = {
  optimizer: opt.sgd({ learningRate: 0.1 }),
  loss: "softmaxCrossEntropyFromLogits",
  mode: "mini-batch",
  batchSize: 64,
  shuffle: true,
  seed: 1,
};
const steps = Math.ceil(N / 64);
const mode = process.argv[2] ?? "resume";
const sleepMs = Number(process.argv[3] ?? 0);
const busy = (ms) => {
  const t = performance.now();
  let s = 0;
  while (performance.now() - t < ms) s += Math.random();
  return s;
};
for (let rep = 0; rep < 2; rep++) {
  let params = model.init(1),
    resume,
    done = 0;
  const rates = [],
    faults = [];
  for (let e = 0; e < (Number(process.env.E) || 8); e++) {
    if (sleepMs) {
      if (process.argv[4] === "busy") busy(sleepMs);
      else if (process.argv[4] === "garbage") {
        const t = performance.now();
        const keep = [];
        while (performance.now() - t < sleepMs) {
          const arr = new Float32Array(64 * 128);
          arr[0] = 1;
          keep.push({ arr, x: [1, 2, 3] });
          if (keep.length > 20000) keep.length = 0;
        }
      } else await new Promise((r) => setTimeout(r, sleepMs));
    }
    if (process.env.GC) globalThis.gc();
    const f0 = Number(
      (await import("node:fs")).readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ")[7],
    );
    const t = performance.now();
    const r = nn.fit(model, params, train, {
      ...base,
      epochs: ++done,
      resume,
      callbacks: [nn.checkpoint({ everySteps: steps, save: (s) => (resume = s.training ?? undefined) })],
    });
    if (process.env.MARK) console.log("EPOCH", t.toFixed(0), performance.now().toFixed(0));
    rates.push(N / ((performance.now() - t) / 1000));
    params = r.params;
    const f1 = Number(
      (await import("node:fs")).readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ")[7],
    );
    faults.push(f1 - f0);
  }
  console.log(
    mode,
    sleepMs,
    process.argv[4] ?? "",
    rates.map((r) => r.toFixed(0)).join(" "),
    "minor faults/epoch",
    faults.join(" "),
  );
}

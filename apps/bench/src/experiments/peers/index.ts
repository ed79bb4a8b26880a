import type { ReportPlot } from "@descent/spec";
import { column, defineExperiment } from "../../experiment.js";
import { mnist } from "../shared/datasets.js";
import { formatNumber, median } from "../shared/measure.js";
import { initialWeights, peerModel, runDescent } from "./descent.js";
import { runTfjs, type TfBackend } from "./tfjs.js";
import type { PeerRun, PeersSettings } from "./types.js";

const common = { hiddenSize: 128, batchSize: 64, learningRate: 0.1 } as const;

/** The speed targets of descent's performance issue, checked in the finding. */
const targets = { samplesPerSecond: 50_000, overWasm: 9, overCpu: 35, gemm1024: 60 } as const;

/** One library's result, or why it could not run (`run` null). */
interface Outcome {
  readonly library: string;
  readonly backend: string;
  readonly label: string;
  readonly run: PeerRun | null;
  readonly failure?: string;
}

const gflops = (value: number) => formatNumber(value, value < 10 ? 2 : 1);

const samplesPerSecond = (run: PeerRun, samples: number) =>
  median(run.runs.map((entry) => samples / entry.seconds));

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
      warmUpSamples: 64,
      repetitions: 1,
      gemmSizes: [32, 64, 128],
      gemmMaxRuns: 3,
      gemmBudgetSeconds: 0.05,
    },
    quick: {
      ...common,
      trainCount: 8000,
      testCount: 2000,
      epochs: 5,
      warmUpSamples: 512,
      repetitions: 1,
      gemmSizes: [256, 512, 1024],
      gemmMaxRuns: 9,
      gemmBudgetSeconds: 1.5,
    },
    full: {
      ...common,
      trainCount: 8000,
      testCount: 2000,
      epochs: 5,
      warmUpSamples: 1024,
      repetitions: 3,
      gemmSizes: [256, 512, 1024],
      gemmMaxRuns: 21,
      gemmBudgetSeconds: 6,
    },
  },
  async run(settings, context) {
    const { train, test } = mnist(settings.trainCount, settings.testCount, context.seed);
    const inputSize = train.inputs.shape[1]!;
    const classes = 10;
    const model = peerModel(inputSize, settings.hiddenSize, classes);
    const params = model.init(context.seed);
    const weights = initialWeights(params, settings.hiddenSize, classes);
    const stage = (from: number, to: number, label: string) => (fraction: number) =>
      context.progress(from + (to - from) * fraction, label);

    const outcomes: Outcome[] = [];
    const descentRun = await runDescent(
      model,
      params,
      train,
      test,
      settings,
      context.seed,
      stage(0, 0.15, "descent"),
    );
    outcomes.push({ library: "descent", backend: descentRun.backend, label: "descent", run: descentRun });
    const backends: readonly [TfBackend, number, number][] = [
      ["wasm", 0.15, 0.35],
      ["cpu", 0.35, 1],
    ];
    for (const [backend, from, to] of backends) {
      try {
        const run = await runTfjs(
          backend,
          train,
          test,
          weights,
          settings,
          context.seed,
          stage(from, to, `tfjs-${backend}`),
        );
        outcomes.push({ library: "tfjs", backend, label: `tfjs-${backend}`, run });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        outcomes.push({ library: "tfjs", backend, label: `tfjs-${backend}`, run: null, failure: reason });
      }
    }

    const samples = settings.trainCount * settings.epochs;
    const descentSpeed = samplesPerSecond(descentRun, samples);
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
        ];
      }
      const speed = samplesPerSecond(run, samples);
      return [
        library,
        backend,
        speed,
        median(run.runs.map((entry) => entry.seconds)) / settings.epochs,
        run.runs[run.runs.length - 1]!.testAccuracy,
        descentSpeed / speed,
        ...run.gemmGflops,
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
      ],
      rows,
      finding: finding(outcomes, settings, descentSpeed, context.mode === "tiny"),
      plots: plots(outcomes, settings, samples),
    };
  },
});

function finding(
  outcomes: readonly Outcome[],
  settings: PeersSettings,
  descentSpeed: number,
  tiny: boolean,
): string {
  const samples = settings.trainCount * settings.epochs;
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
  const parts = [
    `descent (${descent.backend}) trained the 784-${settings.hiddenSize}-10 MLP at ${formatNumber(descentSpeed)} samples/s ` +
      `(${formatNumber(settings.trainCount)} MNIST digits, ${settings.epochs} epoch${settings.epochs === 1 ? "" : "s"}, batch ${settings.batchSize})` +
      (ratios === "" ? "" : `: ${ratios}`) +
      ".",
  ];
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
  const accuracies = [descent, ...ok].map(
    (outcome) =>
      `${outcome.label} ${formatNumber(outcome.run!.runs[outcome.run!.runs.length - 1]!.testAccuracy, 3)}`,
  );
  parts.push(
    `Test accuracy after ${settings.epochs} epoch${settings.epochs === 1 ? "" : "s"} from the same initial weights and batches: ${accuracies.join(", ")}.`,
  );
  for (const failed of peersRun.filter((outcome) => outcome.run === null)) {
    parts.push(`${failed.label} could not run: ${failed.failure}.`);
  }
  const threads = /(\d+) threads?/.exec(descent.backend)?.[1];
  if (threads !== undefined && threads !== "1") {
    parts.push(`descent used ${threads} threads; TensorFlow.js runs single-threaded in Node.`);
  }
  return parts.join(" ");
}

function plots(outcomes: readonly Outcome[], settings: PeersSettings, samples: number): ReportPlot[] {
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
  ];
}

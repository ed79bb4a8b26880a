import { type Finding, findingOf } from "../../experiment.js";
import { formatNumber, median } from "../shared/measure.js";
import type { FashionEpoch } from "./fashion-epoch.js";
import { parityDemand, paritySentence } from "./parity.js";
import type { TorchPython } from "./torch.js";
import type { Outcome } from "./turns.js";
import type { PeerRun, PeersSettings, PeerWorkload } from "./types.js";

/** The speed targets of descent's performance issue (issue 19), checked in the finding. */
export const targets = {
  samplesPerSecond: 50_000,
  overWasm: 9,
  overCpu: 35,
  gemm1024: 60,
  fashionEpochSeconds: 1.5,
  cnnSamplesPerSecond: 1_500,
  cnnOverTorch: 1,
  mlpOverTorch: 1,
  /** descent's add at the largest per-op shape (256×1024), a new result each call, ÷ tfjs-wasm's: at most this. */
  largeAddOverWasm: 1,
} as const;

/** One workload's outcomes, descent's first. */
export interface WorkloadOutcomes {
  readonly workload: PeerWorkload;
  readonly outcomes: readonly Outcome[];
  /** FLOP of products one training sample costs (see `trainingFlopsPerSample`). */
  readonly flopsPerSample: number;
}

/**
 * Median over the timed epochs of the samples trained per second (each library's own rows per epoch).
 *
 * `samples/s = median_e(samplesPerEpoch / seconds_e)`
 */
export const samplesPerSecond = (run: PeerRun) =>
  median(run.epochSeconds.map((seconds) => run.samplesPerEpoch / seconds));

const gflops = (value: number) => formatNumber(value, value < 10 ? 2 : 1);

/** `[64, 128]` → `64x128`. */
const shapeLabel = (shape: readonly number[]) => shape.join("x");

/** Elements of a tensor of `shape`. */
const elementCount = (shape: readonly number[]) => shape.reduce((product, size) => product * size, 1);

/** Microseconds for a finding: two significant digits below 10. */
const microseconds = (value: number) => formatNumber(value, value < 1 ? 2 : value < 10 ? 1 : 0);

/** The run of the peer `label`, or null/undefined when it did not run or is not in `outcomes`. */
const runOf = (outcomes: readonly Outcome[], label: string) =>
  outcomes.find((outcome) => outcome.label === label)?.run;

/** descent's samples/s ÷ the peer `label`'s, or null when that peer did not run. */
function ratioOver({ outcomes }: WorkloadOutcomes, label: string): number | null {
  const descent = outcomes[0]!.run!;
  const peer = runOf(outcomes, label);
  return peer ? samplesPerSecond(descent) / samplesPerSecond(peer) : null;
}

/** `descent trained the … at N samples/s (…): 3.1× tfjs-wasm (…/s), …; tfjs-wasm could not run (why: below).` */
function speedSentence(
  { workload, outcomes }: WorkloadOutcomes,
  epochs: number,
  samplesNote: boolean,
): string {
  const descent = outcomes[0]!;
  const run = descent.run!;
  const ran = outcomes.slice(1).filter((outcome) => outcome.run !== null);
  const failed = outcomes.slice(1).filter((outcome) => outcome.run === null);
  const speed = samplesPerSecond(run);
  const ratios = ran
    .map((outcome) => {
      const peer = outcome.run!;
      const samples = samplesNote && peer.samplesPerEpoch !== run.samplesPerEpoch;
      return (
        `${formatNumber(speed / samplesPerSecond(peer), 1)}× ${outcome.label} (${formatNumber(samplesPerSecond(peer))}/s` +
        `${samples ? ` on ${formatNumber(peer.samplesPerEpoch)} samples per epoch` : ""})`
      );
    })
    .join(", ");
  return (
    `descent trained the ${workload.name.replace(/ \(.*\)$/, "")} at ${formatNumber(speed)} samples/s ` +
    `(${formatNumber(run.samplesPerEpoch)} MNIST digits per epoch, ${epochs} epoch${epochs === 1 ? "" : "s"}, ` +
    `batch ${workload.batchSize}, ${workload.optimizer.name === "sgd" ? "SGD" : "Adam"})` +
    (ratios === "" ? "" : `: ${ratios}`) +
    (failed.length === 0
      ? ""
      : `; ${failed.map((outcome) => outcome.label).join(" and ")} did not run (why: below)`) +
    "."
  );
}

/**
 * Headline: MLP and CNN training speed against the peers, the speed targets met and missed; details: GEMM,
 * per-op overhead, accuracies, the samples each library trained, torch's build and threads, what did not run.
 */
export function finding(
  mlp: WorkloadOutcomes,
  cnn: WorkloadOutcomes,
  settings: PeersSettings,
  fashion: FashionEpoch,
  torch: TorchPython,
  tiny: boolean,
): Finding {
  const descent = mlp.outcomes[0]!;
  const descentSpeed = samplesPerSecond(descent.run!);
  const cnnSpeed = samplesPerSecond(cnn.outcomes[0]!.run!);
  const optional = (value: number | null, check: (value: number) => { met: boolean; text: string }) =>
    value === null ? [] : [check(value)];
  const checks = [
    {
      met: descentSpeed >= targets.samplesPerSecond,
      text: `MLP ≥ ${formatNumber(targets.samplesPerSecond)} samples/s`,
    },
    ...optional(ratioOver(mlp, "tfjs-wasm"), (ratio) => ({
      met: ratio >= targets.overWasm,
      text: `MLP ≥ ${targets.overWasm}× tfjs-wasm`,
    })),
    ...optional(ratioOver(mlp, "tfjs-cpu"), (ratio) => ({
      met: ratio >= targets.overCpu,
      text: `MLP ≥ ${targets.overCpu}× tfjs-cpu`,
    })),
    ...optional(ratioOver(mlp, "torch"), (ratio) => ({
      met: ratio >= targets.mlpOverTorch,
      text: `MLP ≥ ${formatNumber(targets.mlpOverTorch, 1)}× PyTorch eager (${formatNumber(ratio, 2)}×)`,
    })),
    {
      met: cnnSpeed >= targets.cnnSamplesPerSecond,
      text: `CNN ≥ ${formatNumber(targets.cnnSamplesPerSecond)} samples/s`,
    },
    ...optional(ratioOver(cnn, "torch"), (ratio) => ({
      met: ratio >= targets.cnnOverTorch,
      text: `CNN ≥ ${formatNumber(targets.cnnOverTorch, 1)}× PyTorch eager (${formatNumber(ratio, 2)}×)`,
    })),
  ];
  if ("seconds" in fashion)
    checks.push({
      met: fashion.seconds <= targets.fashionEpochSeconds,
      text: `Fashion-MNIST epoch ≤ ${targets.fashionEpochSeconds} s (${formatNumber(fashion.seconds, 2)} s)`,
    });
  const addCheck = largeAddCheck(mlp, settings.overheadShapes);
  if (addCheck !== null) checks.push(addCheck);
  const largest = settings.gemmSizes.length - 1;
  const gemmSize = settings.gemmSizes[largest]!;
  const gemmOf = (outcome: Outcome) => outcome.run!.gemmGflops[largest]!;
  if (gemmSize === 1024)
    checks.push({
      met: gemmOf(descent) >= targets.gemm1024,
      text: `GEMM 1024 ≥ ${targets.gemm1024} GFLOP/s`,
    });
  const met = checks.filter((check) => check.met).map((check) => check.text);
  const missed = checks.filter((check) => !check.met).map((check) => check.text);
  const parts = [
    speedSentence(mlp, settings.epochs, false),
    speedSentence(cnn, settings.cnn.epochs, true),
    `Speed targets${tiny ? " (meant for the quick settings; this is a tiny run)" : ""}: ` +
      `${met.length} of ${checks.length} met` +
      (met.length ? ` (${met.join(", ")})` : "") +
      (missed.length ? `; not met: ${missed.join(", ")}` : "") +
      ".",
  ];

  const details: string[] = [];
  const mlpRan = mlp.outcomes.filter((outcome) => outcome.run !== null);
  details.push(
    `GEMM ${gemmSize}: ${mlpRan.map((outcome) => `${outcome.label} ${gflops(gemmOf(outcome))}`).join(", ")} GFLOP/s.`,
  );
  details.push(overheadFinding(mlpRan, settings.overheadShapes));
  for (const workload of [mlp, cnn]) {
    const sentence = torchParity(workload, gemmSize, gemmOf(descent));
    if (sentence !== null) details.push(sentence);
  }
  for (const { workload, outcomes } of [mlp, cnn]) {
    const ran = outcomes.filter((outcome) => outcome.run !== null);
    const epochs = workload.id === "mlp" ? settings.epochs : settings.cnn.epochs;
    details.push(
      `${workload.name}, test accuracy after ${epochs} epoch${epochs === 1 ? "" : "s"} from the same initial weights and batches ` +
        `(samples trained per epoch${workload.id === "cnn" ? `; tfjs-cpu is tested on its first ${formatNumber(settings.cnn.slowPeerCount)} test digits` : ""}): ${ran
          .map((outcome) => {
            const run = outcome.run!;
            return `${outcome.label} ${formatNumber(run.testAccuracies.at(-1)!, 3)} (${formatNumber(run.samplesPerEpoch)})`;
          })
          .join(", ")}.`,
    );
    for (const failed of outcomes.filter((outcome) => outcome.run === null))
      details.push(`${workload.id.toUpperCase()}, ${failed.label}: ${failed.failure}.`);
  }
  if ("skipped" in fashion)
    details.push(`The Fashion-MNIST epoch time was not measured: ${fashion.skipped}.`);
  const threads = /(\d+) threads?/.exec(descent.backend)?.[1] ?? "1";
  const torchRow = mlp.outcomes.find((outcome) => outcome.label === "torch" && outcome.run !== null);
  details.push(
    `descent ran on ${descent.backend}; TensorFlow.js runs single-threaded in Node` +
      ("python" in torch
        ? torchRow
          ? `; PyTorch (${torch.python}) was given descent's ${threads} thread${threads === "1" ? "" : "s"}: ${torchRow.backend}.`
          : `; PyTorch (${torch.python}) was found but did not run.`
        : `; no python with torch was found (tried ${torch.missing.join(", ")}).`),
  );
  return findingOf(parts, details);
}

/**
 * The large element-wise target: descent's `add` at the largest per-op shape, with a new result array per call
 * as a user writes `add(a, b)`, no slower than tfjs-wasm's `add` + `dataSync` (null when either did not run
 * or the largest shape is not 256×1024).
 */
function largeAddCheck(
  { outcomes }: WorkloadOutcomes,
  shapes: PeersSettings["overheadShapes"],
): { met: boolean; text: string } | null {
  const last = shapes.length - 1;
  if (last < 0 || shapeLabel(shapes[last]!) !== "256x1024") return null;
  const wasm = runOf(outcomes, "tfjs-wasm");
  const descent = outcomes[0]!.run;
  if (!wasm || !descent) return null;
  const ratio = descent.addMicroseconds[last]! / wasm.addMicroseconds[last]!;
  return {
    met: ratio <= targets.largeAddOverWasm,
    text: `add 256×1024 ≤ tfjs-wasm's time (${formatNumber(ratio, 2)}×)`,
  };
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
  const reused = ran[0]!.run!.addIntoReusedMicroseconds;
  return (
    `Per-op overhead, an element-wise add with its result read back (median): ${at(0)}` +
    (last > 0
      ? `; ${at(last)}, where descent moves ${formatNumber(bytes / 2 ** 20, 2)} MiB at ${formatNumber(bytes / descentLargest / 1e3, 1)} GB/s`
      : "") +
    (reused === null
      ? ""
      : `; into one result array reused across calls (\`add(a, b, { allocate })\`, no new array to zero and fault in) descent's ${shapeLabel(shapes[last]!)} add takes ${microseconds(reused)} µs`) +
    `. descent's ${shapeLabel(shapes[0]!)}-element add costs ${smallest < 1 ? "under" : "over"} a microsecond.`
  );
}

/**
 * What matching PyTorch's speed on `workload` asks of descent in this run: torch's samples/s × the workload's
 * FLOP of products a sample, against descent's largest GEMM's rate (null when torch did not run).
 */
function torchParity(
  { workload, outcomes, flopsPerSample }: WorkloadOutcomes,
  gemmSize: number,
  gemmGflops: number,
): string | null {
  const torch = runOf(outcomes, "torch");
  if (!torch || !(gemmGflops > 0)) return null;
  const demand = parityDemand(
    flopsPerSample,
    samplesPerSecond(torch),
    samplesPerSecond(outcomes[0]!.run!),
    gemmGflops,
  );
  return paritySentence(workload.id.toUpperCase(), "torch", demand, `${gemmSize}³`);
}

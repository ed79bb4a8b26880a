import type { ReportPlot } from "@descent/spec";
import { initKernels } from "@descent/tensor";
import { column, defineExperiment, type Finding, findingOf } from "../../experiment.js";
import { firstRows, mnist } from "../shared/datasets.js";
import { logLogFit } from "../shared/log-log-fit.js";
import { formatNumber } from "../shared/measure.js";
import { type Configuration, type Measurement, measureConfiguration, type Timing } from "./measure.js";

type SweepName = "samples" | "width" | "depth" | "batchSize";

interface ComplexitySettings {
  /** MNIST training images loaded (the samples sweep uses the first n of them). */
  readonly trainCount: number;
  readonly testCount: number;
  readonly base: Configuration;
  readonly sweeps: { readonly [name in SweepName]: readonly number[] };
  readonly timing: Timing;
}

const sweepLabels: { readonly [name in SweepName]: { readonly label: string; readonly symbol: string } } = {
  samples: { label: "training samples n", symbol: "n" },
  width: { label: "hidden width w", symbol: "w" },
  depth: { label: "hidden layers L", symbol: "L" },
  batchSize: { label: "batch size b", symbol: "b" },
};

interface SweepResult {
  readonly name: SweepName;
  readonly sizes: readonly number[];
  readonly configurations: readonly Configuration[];
  readonly measurements: readonly Measurement[];
}

const configure = (base: Configuration, name: SweepName, size: number): Configuration => ({
  ...base,
  [name]: size,
});
/** Time per epoch in the theory: one forward and backward pass over n samples, O(n·P). */
const theoryTime = (configuration: Configuration, measurement: Measurement) =>
  configuration.samples * measurement.parameters;
/** Memory in the theory: parameters, their gradients and updates, plus a batch of activations, O(P + b·A). */
const theoryMemory = (configuration: Configuration, measurement: Measurement) =>
  measurement.parameters + configuration.batchSize * measurement.activations;

/** `complexity`: measured scaling of time and memory against O(n·P) and O(P + b·A). */
export const complexity = defineExperiment<ComplexitySettings>({
  id: "complexity",
  title: "Computational complexity of gradient descent",
  question:
    "Do the time per epoch and the memory of training grow as the textbook O(n·P) and O(P + b·A) say, when samples, width, depth and batch size grow?",
  settings: {
    tiny: {
      trainCount: 128,
      testCount: 16,
      base: { samples: 128, width: 16, depth: 1, batchSize: 32 },
      sweeps: { samples: [32, 64, 128], width: [8, 16, 32], depth: [1, 2, 4], batchSize: [8, 32, 128] },
      timing: { minimumEpochs: 1, minimumSeconds: 0.01, memoryRepeats: 1 },
    },
    quick: {
      trainCount: 8000,
      testCount: 2000,
      base: { samples: 2000, width: 64, depth: 1, batchSize: 64 },
      sweeps: {
        samples: [500, 1000, 2000, 4000, 8000],
        width: [16, 32, 64, 128, 256],
        depth: [1, 2, 4, 8, 16],
        batchSize: [4, 16, 64, 256, 1024],
      },
      timing: { minimumEpochs: 2, minimumSeconds: 0.4, memoryRepeats: 3 },
    },
    full: {
      trainCount: 8000,
      testCount: 2000,
      base: { samples: 4000, width: 64, depth: 1, batchSize: 64 },
      sweeps: {
        samples: [250, 500, 1000, 2000, 4000, 8000],
        width: [16, 32, 64, 128, 256, 512, 1024],
        depth: [1, 2, 4, 8, 16, 32],
        batchSize: [1, 4, 16, 64, 256, 1024, 4000],
      },
      timing: { minimumEpochs: 3, minimumSeconds: 2, memoryRepeats: 5 },
    },
  },
  // Estimated seconds on 2 cores (tiny: measured; quick and full: estimates), for balancing --shard.
  cost: { tiny: 2.2, quick: 40, full: 200 },
  async run(settings, context) {
    const { train } = mnist(settings.trainCount, settings.testCount, context.seed);
    await initKernels();
    // Discarded: the first configuration would otherwise pay for worker start-up and first-use compilation.
    await measureConfiguration(
      firstRows(train, settings.base.samples),
      settings.base,
      settings.timing,
      context.seed,
    );
    const names = Object.keys(settings.sweeps) as SweepName[];
    const total = names.reduce((count, name) => count + settings.sweeps[name].length, 0);
    let done = 0;
    const results: SweepResult[] = [];
    for (const name of names) {
      const sizes = settings.sweeps[name];
      const configurations = sizes.map((size) => configure(settings.base, name, size));
      const measurements: Measurement[] = [];
      for (const configuration of configurations) {
        const data = firstRows(train, configuration.samples);
        measurements.push(await measureConfiguration(data, configuration, settings.timing, context.seed));
        context.progress(++done / total, `${sweepLabels[name].symbol} = ${configuration[name]}`);
      }
      results.push({ name, sizes, configurations, measurements });
    }

    const rows = results.map((result) => {
      const exponents = exponentsOf(result);
      const first = result.measurements[0]!;
      const last = result.measurements[result.measurements.length - 1]!;
      return [
        sweepLabels[result.name].label,
        `${result.sizes[0]} … ${result.sizes[result.sizes.length - 1]} (others: ${describeBase(settings.base, result.name)})`,
        exponents.time.slope,
        exponents.theoryTime,
        exponents.time.r2,
        exponents.memory.slope,
        exponents.theoryMemory,
        first.epochSeconds,
        last.epochSeconds,
        first.stepMegabytes,
        last.stepMegabytes,
      ];
    });
    return {
      columns: [
        column("scaled quantity"),
        column("sizes"),
        column("time exponent, measured", "slope of log(time per epoch) on log(size)"),
        column("time exponent, theory", "slope of log(n·P) on the same sizes"),
        column("time fit R²"),
        column("memory exponent, measured", "slope of log(step memory) on log(size)"),
        column("memory exponent, theory", "slope of log(P + b·A) on the same sizes"),
        column("time per epoch, smallest", "s (fastest timed epoch)"),
        column("time per epoch, largest", "s"),
        column(
          "step memory, smallest",
          "MB of tensor data (ArrayBuffers) allocated by fit's set-up and first step",
        ),
        column("step memory, largest", "MB"),
      ],
      rows,
      ...finding(results),
      plots: [scalingPlot(results, "time"), scalingPlot(results, "memory")],
    };
  },
});

function describeBase(base: Configuration, except: SweepName): string {
  return (Object.keys(sweepLabels) as SweepName[])
    .filter((name) => name !== except)
    .map((name) => `${sweepLabels[name].symbol} = ${base[name]}`)
    .join(", ");
}

function exponentsOf(result: SweepResult) {
  const { sizes, configurations, measurements } = result;
  const theory = (of: (configuration: Configuration, measurement: Measurement) => number) =>
    logLogFit(
      sizes,
      configurations.map((configuration, i) => of(configuration, measurements[i]!)),
    ).slope;
  return {
    time: logLogFit(
      sizes,
      measurements.map((measurement) => measurement.epochSeconds),
    ),
    memory: logLogFit(
      sizes,
      measurements.map((measurement) => Math.max(measurement.stepMegabytes, 1e-6)),
    ),
    theoryTime: theory(theoryTime),
    theoryMemory: theory(theoryMemory),
  };
}

/** Within this distance of the theory's exponent, the measurement is said to follow it. */
const tolerance = 0.2;

/** Headline: the fitted exponents against the theory's, and how many follow it; details: why each one that does not. */
function finding(results: readonly SweepResult[]): Finding {
  const compared = (["time", "memory"] as const).map((kind) => {
    const entries = results.map((result) => {
      const exponents = exponentsOf(result);
      const measured = kind === "time" ? exponents.time.slope : exponents.memory.slope;
      const theory = kind === "time" ? exponents.theoryTime : exponents.theoryMemory;
      return { result, measured, theory, off: measured - theory };
    });
    const text = entries
      .map(
        (entry) =>
          `${sweepLabels[entry.result.name].symbol}^${formatNumber(entry.measured, 2)} (theory ${formatNumber(entry.theory, 2)})`,
      )
      .join(", ");
    return { kind, entries, text };
  });
  const [time, memory] = compared as [(typeof compared)[0], (typeof compared)[0]];
  const within = (entries: typeof time.entries) =>
    entries.filter((entry) => Math.abs(entry.off) <= tolerance);
  const label = (entry: (typeof time.entries)[0]) => sweepLabels[entry.result.name].label;
  const headline = [
    `Time per epoch grew as ${time.text}; step memory as ${memory.text}.`,
    `Within ±${tolerance} of the theory: time in ${within(time.entries).length} of ${results.length} sweeps, memory in ${within(memory.entries).length} of ${results.length}.`,
  ];
  const parts: string[] = [];
  for (const { kind, entries } of compared) {
    for (const entry of entries) {
      if (Math.abs(entry.off) <= tolerance) continue;
      const direction = entry.off > 0 ? "above" : "below";
      parts.push(
        `${kind === "time" ? "Time" : "Memory"} grew ${direction === "above" ? "faster" : "slower"} than the theory with ${label(entry)}: ${explanation(kind, direction, entry.result.name)}.`,
      );
    }
  }
  return findingOf(headline, parts);
}

/** The usual reason a measured exponent leaves the theory's, per quantity and sweep. */
function explanation(kind: "time" | "memory", direction: "above" | "below", sweep: SweepName): string {
  if (kind === "memory") {
    return direction === "above"
      ? "a step allocates several copies of the parameters (gradient, update, new parameters) where the theory counts P once"
      : "more of what a step allocates stays fixed than P + b·A assumes, which dilutes the growth";
  }
  if (direction === "below") {
    return sweep === "batchSize"
      ? "the arithmetic per epoch is the same, but fewer, larger steps pay less fixed cost per step and run larger, faster matrix products"
      : "fixed costs per step or per epoch are spread over more work, and larger matrix products run at more GFLOP/s";
  }
  return sweep === "depth"
    ? "every layer adds fixed costs per op on every step that P does not count, and deep narrow layers do little arithmetic per op"
    : "the larger runs cost more per unit of work (data or matrices that fit the CPU caches less well, or interference on a shared machine)";
}

function scalingPlot(results: readonly SweepResult[], kind: "time" | "memory"): ReportPlot {
  return {
    id: `${kind}-scaling`,
    title: `${kind === "time" ? "Time per epoch" : "Step memory"} relative to the smallest size, measured and theory`,
    kind: "line",
    xLabel: "size ÷ smallest size",
    yLabel: `${kind === "time" ? "time" : "memory"} ÷ value at the smallest size`,
    xScale: "log",
    yScale: "log",
    series: results.flatMap((result) => {
      const { sizes, configurations, measurements } = result;
      const measuredValues = measurements.map((measurement) =>
        Math.max(kind === "time" ? measurement.epochSeconds : measurement.stepMegabytes, 1e-6),
      );
      const theoryValues = configurations.map((configuration, i) =>
        (kind === "time" ? theoryTime : theoryMemory)(configuration, measurements[i]!),
      );
      const relative = (values: readonly number[]) =>
        values.map((value, i) => [sizes[i]! / sizes[0]!, value / values[0]!] as const);
      const symbol = sweepLabels[result.name].symbol;
      return [
        { name: `${symbol} measured`, points: relative(measuredValues) },
        { name: `${symbol} theory`, points: relative(theoryValues) },
      ];
    }),
  };
}

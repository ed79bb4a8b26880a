import { cpus } from "node:os";
import { join } from "node:path";
import cliProgress from "cli-progress";
import type { Experiment, ExperimentContext, Mode } from "./experiment.js";
import { type BenchReport, type BenchTable, validateReport } from "./report/schema.js";
import { gitCommit } from "./shard/partial-report.js";
import { writeFileAtomic } from "./writers/atomic-write.js";
import { reportToHtml } from "./writers/html.js";
import { reportToMarkdown } from "./writers/markdown.js";
import { renderPlotSvg } from "./writers/svg.js";

/** Options of one benchmark run. */
export interface RunOptions {
  readonly experiments: readonly Experiment<unknown>[];
  readonly mode: Mode;
  readonly seed: number;
  /** Folder for report.json, report.md, report.html and the SVGs; `null` writes nothing. */
  readonly outDirectory: string | null;
  /** Draw progress bars (only on a TTY). */
  readonly showProgress: boolean;
  readonly fashionMnistDirectory?: string;
}

/** Runs the experiments one after the other (never two at once: timings would interfere), then validates and writes the report. */
export async function runBenchmarks(options: RunOptions): Promise<BenchReport> {
  const { experiments, mode, seed } = options;
  const bars = options.showProgress
    ? new cliProgress.MultiBar(
        {
          format: " {bar} {percentage}% | {name} | {label} | ETA {eta_formatted}",
          hideCursor: true,
          clearOnComplete: false,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const overall = bars?.create(experiments.length * 100, 0, { name: "overall", label: "" });
  const tables: BenchTable[] = [];
  const durationsSeconds: Record<string, number> = {};

  for (const [index, experiment] of experiments.entries()) {
    const bar = bars?.create(100, 0, { name: experiment.id.padEnd(14), label: "" });
    const context: ExperimentContext = {
      mode,
      seed,
      fashionMnistDirectory: options.fashionMnistDirectory ?? "/usr/share/datasets/fashion-mnist",
      progress(fraction, label = "") {
        const value = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
        bar?.update(value, { label });
        overall?.update(index * 100 + value, { label: experiment.id });
      },
    };
    const started = performance.now();
    const result = await experiment.run(experiment.settings[mode], context);
    durationsSeconds[experiment.id] = (performance.now() - started) / 1000;
    bar?.update(100, { label: "done" });
    tables.push({ id: experiment.id, title: experiment.title, question: experiment.question, ...result });
  }
  overall?.update(experiments.length * 100, { label: "done" });
  bars?.stop();

  const report = validateReport({
    meta: {
      seed,
      mode,
      nodeVersion: process.version,
      cpuModel: cpus()[0]?.model.trim() ?? "unknown",
      cpuCores: cpus().length,
      gitCommit: gitCommit(),
      date: new Date().toISOString(),
      durationsSeconds,
    },
    tables,
  });
  if (options.outDirectory) await writeReport(report, options.outDirectory);
  return report;
}

/** Writes report.json, report.md, report.html (self-contained) and one SVG per plot, each atomically. */
export async function writeReport(report: BenchReport, outDirectory: string): Promise<void> {
  const svgs = new Map<string, string>();
  for (const table of report.tables) {
    for (const plot of table.plots) {
      const name = `${table.id}-${plot.id}`;
      const svg = await renderPlotSvg(plot);
      svgs.set(name, svg);
      writeFileAtomic(join(outDirectory, `${name}.svg`), svg);
    }
  }
  writeFileAtomic(join(outDirectory, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(join(outDirectory, "report.md"), reportToMarkdown(report));
  writeFileAtomic(join(outDirectory, "report.html"), reportToHtml(report, svgs));
}

import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { experimentIds, experiments } from "./experiments/registry.js";
import { runBenchmarks } from "./runner.js";

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError(`--seed takes a non-negative integer, got "${value}"`);
  }
  return seed;
}

function parseIds(value: string): string[] {
  const ids = value
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !experimentIds.includes(id));
  if (unknown.length) {
    throw new InvalidArgumentError(
      `unknown experiment id(s) ${unknown.join(", ")}; valid ids: ${experimentIds.join(", ")}`,
    );
  }
  return ids;
}

const program = new Command()
  .name("descent-bench")
  .description(
    "Measures every table and claim of the source articles on real data, with descent and TensorFlow.js in the same run.",
  )
  .option("--full", "run the full suite (Fashion-MNIST when installed, more seeds, larger grids)", false)
  .option("--tiny", "run every experiment at toy size (seconds; used by the tests)", false)
  .option("--only <ids>", `comma-separated experiment ids (${experimentIds.join(", ")})`, parseIds)
  .option("--seed <n>", "seed of every random stream", parseSeed, 42)
  .option(
    "--out <dir>",
    "folder for report.json, report.md, report.html and SVG plots",
    "bench-results/latest",
  )
  .option("--json", "print report.json on stdout (progress bars off)", false)
  .option(
    "--fashion-mnist <dir>",
    "folder holding Fashion-MNIST's IDX .gz files",
    "/usr/share/datasets/fashion-mnist",
  )
  .showHelpAfterError()
  .allowExcessArguments(false);

program.parse();
const options = program.opts<{
  full: boolean;
  tiny: boolean;
  only?: string[];
  seed: number;
  out: string;
  json: boolean;
  fashionMnist: string;
}>();

if (options.full && options.tiny) program.error("error: --full and --tiny exclude each other");
const selected = options.only
  ? experiments.filter((experiment) => options.only?.includes(experiment.id))
  : experiments;
const outDirectory = resolve(options.out);
const report = await runBenchmarks({
  experiments: selected,
  mode: options.full ? "full" : options.tiny ? "tiny" : "quick",
  seed: options.seed,
  outDirectory,
  showProgress: !options.json && process.stderr.isTTY === true,
  fashionMnistDirectory: options.fashionMnist,
});
if (options.json) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  for (const table of report.tables) console.log(`${table.id}: ${table.finding}`);
  console.log(
    `\nreport written to ${outDirectory}/report.{json,md,html} (+ ${report.tables.reduce((n, t) => n + t.plots.length, 0)} SVG plots)`,
  );
}

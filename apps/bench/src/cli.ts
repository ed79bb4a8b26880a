import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { experimentIds, experiments } from "./experiments/registry.js";
import { enableRelaxedSimd } from "./relaxed-simd.js";
import { runBenchmarks } from "./runner.js";
import { mergeShardDirectories } from "./shard/merge.js";
import { parseShardId, runShard, type ShardId } from "./shard/run-shard.js";

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

function parseShard(value: string): ShardId {
  try {
    return parseShardId(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
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
    "--shard <i/N>",
    "run shard i of N (1 ≤ i ≤ N): a deterministic share of the work units, balanced by estimated cost; writes partial-report.json for `descent-bench merge`",
    parseShard,
  )
  .option(
    "--out <dir>",
    "folder for report.json, report.md, report.html and SVG plots (with --shard: for partial-report.json; default bench-results/shard-i-of-N)",
  )
  .option(
    "--json",
    "print report.json (with --shard: partial-report.json) on stdout (progress bars off)",
    false,
  )
  .option(
    "--fashion-mnist <dir>",
    "folder holding Fashion-MNIST's IDX .gz files",
    "/usr/share/datasets/fashion-mnist",
  )
  .showHelpAfterError()
  .allowExcessArguments(false)
  // Options before a subcommand belong to the program, so `merge … --out <dir>` is merge's own --out.
  .enablePositionalOptions()
  .action(run);

program
  .command("merge")
  .description(
    "combine the partial reports of `--shard i/N` runs into report.{json,md,html} and SVG plots, as an unsharded run writes them",
  )
  .argument(
    "<dirs...>",
    "the shards' --out folders (or their partial-report.json files), every shard exactly once",
  )
  .requiredOption("--out <dir>", "folder for the merged report.json, report.md, report.html and SVG plots")
  .action(async (directories: string[], mergeOptions: { out: string }) => {
    const outDirectory = resolve(mergeOptions.out);
    const report = await mergeShardDirectories(directories, experiments, outDirectory);
    console.log(
      `merged ${report.meta.shards?.length ?? 0} shards into ${outDirectory}/report.{json,md,html} (+ ${report.tables.reduce((n, t) => n + t.plots.length, 0)} SVG plots)`,
    );
  });

// Before any experiment initialises the kernels: they detect relaxed SIMD once.
enableRelaxedSimd();

try {
  await program.parseAsync();
} catch (error) {
  // descent's typed errors (a refused merge, a bad partial report) name what to fix: the message, not a stack.
  if (typeof (error as { op?: unknown }).op !== "string") throw error;
  console.error(`error: ${(error as Error).name}: ${(error as Error).message}`);
  process.exitCode = 1;
}

async function run(options: {
  full: boolean;
  tiny: boolean;
  only?: string[];
  seed: number;
  shard?: ShardId;
  out?: string;
  json: boolean;
  fashionMnist: string;
}): Promise<void> {
  if (options.full && options.tiny) program.error("error: --full and --tiny exclude each other");
  const selected = options.only
    ? experiments.filter((experiment) => options.only?.includes(experiment.id))
    : experiments;
  const mode = options.full ? "full" : options.tiny ? "tiny" : "quick";
  if (options.shard) {
    const { index, count } = options.shard;
    const outDirectory = resolve(options.out ?? `bench-results/shard-${index}-of-${count}`);
    const partial = await runShard({
      experiments: selected,
      mode,
      seed: options.seed,
      shard: options.shard,
      outDirectory,
      log: options.json ? undefined : (line) => console.error(line),
      fashionMnistDirectory: options.fashionMnist,
    });
    if (options.json) process.stdout.write(`${JSON.stringify(partial, null, 2)}\n`);
    else
      console.log(
        `shard ${index}/${count}: ${partial.units.length} units, partial report written to ${outDirectory}/partial-report.json`,
      );
    return;
  }
  const outDirectory = resolve(options.out ?? "bench-results/latest");
  const report = await runBenchmarks({
    experiments: selected,
    mode,
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
}

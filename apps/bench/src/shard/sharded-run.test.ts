/**
 * Why this exists: `descent-bench --shard i/N` + `merge` must give the report an unsharded run gives, with every
 * value that does not measure the machine identical. This runs the scheduler recipes of docs/scale-out.md — their
 * `shard.sh` lines, read from the page — as separate processes in tiny mode (N = 1 GitHub Actions matrix, N = 2
 * Slurm array, N = 3 Kubernetes Indexed Job), merges each, and compares with one unsharded run of the same seed.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { experiments } from "../experiments/registry.js";
import { nonTimingView, TIMING } from "../report/non-timing.js";
import type { BenchReport } from "../report/schema.js";
import { mergePartials, readPartial, ShardMergeError } from "./merge.js";
import { PARTIAL_FILE } from "./partial-report.js";
import { assignShards, planUnits } from "./units.js";

const run = promisify(execFile);
const benchDirectory = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const repository = resolve(benchDirectory, "../..");
// tsx by its path: the recipes run from the repository root, where `--import tsx` would not resolve.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const bench = `node --conditions=source --import ${tsx} ${join(benchDirectory, "src/cli.ts")}`;
const SEED = 7;
const BENCH_OPTIONS = `--tiny --seed ${SEED}`;
const work = mkdtempSync(join(tmpdir(), "descent-bench-shards-"));

/** The `apps/bench/scripts/shard.sh run|merge …` lines of one recipe (a `###` section) of docs/scale-out.md. */
function recipeLines(heading: string): { run: string; merge: string } {
  const page = readFileSync(join(repository, "docs/scale-out.md"), "utf8");
  const start = page.indexOf(`### ${heading}`);
  expect(start, `docs/scale-out.md has a "### ${heading}" recipe`).toBeGreaterThanOrEqual(0);
  const end = page.indexOf("\n### ", start + 4);
  const section = page.slice(start, end === -1 ? undefined : end);
  const lines = (kind: string) =>
    [...section.matchAll(new RegExp(`apps/bench/scripts/shard\\.sh ${kind}[^'\\n]*`, "g"))].map((m) =>
      m[0].trim(),
    );
  const [runLine, ...moreRuns] = lines("run");
  const [mergeLine, ...moreMerges] = lines("merge");
  expect([moreRuns, moreMerges], `one run and one merge line in "${heading}"`).toEqual([[], []]);
  return { run: runLine!, merge: mergeLine! };
}

/** The environment of a recipe's task: no scheduler variables but the ones given, one commit for every process. */
function environment(variables: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(JOB_COMPLETION_INDEX|BENCH_SHARDS|SLURM_|SHARD_)/.test(name),
    ),
  );
  // Other work may commit while the processes run; the shards of one test are one build.
  return {
    ...inherited,
    DESCENT_BENCH: bench,
    DESCENT_BENCH_COMMIT: "sharded-run-test",
    BENCH_OPTIONS,
    ...variables,
  };
}

async function bash(line: string, variables: Record<string, string>) {
  return run("bash", ["-c", line], {
    cwd: repository,
    env: environment(variables),
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Runs tasks at most two at a time (the machine the tests assume has 2 cores). */
async function twoAtATime(tasks: readonly (() => Promise<unknown>)[]): Promise<void> {
  const queue = [...tasks];
  const worker = async () => {
    for (let task = queue.shift(); task; task = queue.shift()) await task();
  };
  await Promise.all([worker(), worker()]);
}

interface Recipe {
  readonly heading: string;
  readonly count: number;
  /** The scheduler's variables for shard `index` (1-based). */
  readonly variables: (index: number) => Record<string, string>;
}

const recipes: readonly Recipe[] = [
  {
    heading: "GitHub Actions matrix",
    count: 1,
    variables: (index) => ({ SHARD_INDEX: `${index}`, SHARD_COUNT: "1" }),
  },
  {
    heading: "Slurm job array",
    count: 2,
    variables: (index) => ({
      SLURM_ARRAY_TASK_ID: `${index}`,
      SLURM_ARRAY_TASK_MIN: "1",
      SLURM_ARRAY_TASK_COUNT: "2",
    }),
  },
  {
    heading: "Kubernetes Indexed Job",
    count: 3,
    variables: (index) => ({ JOB_COMPLETION_INDEX: `${index - 1}`, BENCH_SHARDS: "3" }),
  },
];

const resultsOf = (count: number) => join(work, `results-${count}`);
const mergedOf = (count: number) => join(work, `merged-${count}`);
const readReport = (directory: string): BenchReport =>
  JSON.parse(readFileSync(join(directory, "report.json"), "utf8"));

beforeAll(async () => {
  const tasks: (() => Promise<unknown>)[] = [
    () =>
      run("bash", ["-c", `${bench} ${BENCH_OPTIONS} --out ${join(work, "unsharded")}`], {
        cwd: benchDirectory,
        env: environment({}),
      }),
  ];
  for (const recipe of recipes) {
    const { run: line } = recipeLines(recipe.heading);
    for (let index = 1; index <= recipe.count; index++) {
      tasks.push(() => bash(line, { RESULTS: resultsOf(recipe.count), ...recipe.variables(index) }));
    }
  }
  await twoAtATime(tasks);
  await twoAtATime(
    recipes.map(
      (recipe) => () =>
        bash(recipeLines(recipe.heading).merge, {
          RESULTS: resultsOf(recipe.count),
          MERGED: mergedOf(recipe.count),
        }),
    ),
  );
}, 600_000);

describe("sharded runs of the scheduler recipes (tiny mode, separate processes)", () => {
  for (const recipe of recipes) {
    it(`${recipe.heading}: ${recipe.count} shard(s) merge to the unsharded report, timings aside`, () => {
      const unsharded = readReport(join(work, "unsharded"));
      const merged = readReport(mergedOf(recipe.count));
      expect(nonTimingView(merged)).toEqual(nonTimingView(unsharded));

      expect(merged.meta.shards?.map((shard) => shard.index)).toEqual(
        Array.from({ length: recipe.count }, (_, index) => index + 1),
      );
      const planned = assignShards(planUnits(experiments, "tiny"), recipe.count);
      expect(merged.meta.shards?.map((shard) => shard.units)).toEqual(
        planned.map((shard) => shard.map((unit) => `${unit.experimentId}/${unit.unitId}`)),
      );
      for (const table of merged.tables) {
        expect(table.rowShards, table.id).toHaveLength(table.rows.length);
      }
      const files = (directory: string) =>
        readdirSync(directory)
          .filter((file) => !file.startsWith("."))
          .sort();
      expect(files(mergedOf(recipe.count))).toEqual(files(join(work, "unsharded")));
      expect(readFileSync(join(mergedOf(recipe.count), "report.md"), "utf8")).toContain(
        `merged from ${recipe.count} shard`,
      );
    });
  }

  it("compares real values: accuracies, losses, counts and divergence flags are in the view, not masked", () => {
    const view = nonTimingView(readReport(join(work, "unsharded")));
    const cells = view.tables.flatMap((table) => table.rows.flat());
    expect(cells.filter((cell) => typeof cell === "number").length).toBeGreaterThan(300);
    expect(cells.filter((cell) => cell === TIMING).length).toBeGreaterThan(50);
    const depth = view.tables.find((table) => table.id === "depth")!;
    expect(depth.rows.every((row) => typeof row[8] === "boolean")).toBe(true);
    const learningRate = view.tables.find((table) => table.id === "learning-rate")!;
    expect(learningRate.finding).not.toBe(TIMING);
  });
});

describe("descent-bench merge refuses", () => {
  /** Copies shard `index` of the `count`-shard run into a fresh folder, optionally changing its JSON. */
  function shard(count: number, index: number, change?: (report: Record<string, unknown>) => void): string {
    const source = join(resultsOf(count), `shard-${index}-of-${count}`, PARTIAL_FILE);
    const target = join(mkdtempSync(join(work, "refuse-")), `shard-${index}-of-${count}`);
    mkdirSync(target);
    if (change) {
      const report = JSON.parse(readFileSync(source, "utf8"));
      change(report);
      writeFileSync(join(target, PARTIAL_FILE), JSON.stringify(report));
    } else {
      copyFileSync(source, join(target, PARTIAL_FILE));
    }
    return target;
  }
  const merge = (directories: readonly string[]) => mergePartials(directories.map(readPartial), experiments);
  const refusal = (reason: string, ...fragments: string[]) =>
    expect.objectContaining({
      name: "ShardMergeError",
      reason,
      message: expect.stringMatching(new RegExp(fragments.join(".*"), "s")),
    });

  it("shards of different commits, seeds or modes, naming the files and values", () => {
    const first = shard(2, 1);
    const otherCommit = shard(2, 2, (report) => {
      report.commit = "0123456789ab";
    });
    expect(() => merge([first, otherCommit])).toThrow(
      refusal("commit", "different commits", "sharded-run-test", "0123456789ab"),
    );
    expect(() => merge([first, shard(2, 2, (report) => void (report.seed = 8))])).toThrow(
      refusal("seed", "different seeds", `${SEED}`, "8"),
    );
    expect(() => merge([first, shard(2, 2, (report) => void (report.mode = "quick"))])).toThrow(
      refusal("mode", "different modes", "tiny", "quick"),
    );
  });

  it("shards of different shard counts", () => {
    expect(() => merge([shard(2, 1), shard(3, 2), shard(3, 3)])).toThrow(
      refusal("shard-count", "different shard counts", "2", "3"),
    );
  });

  it("a missing or a repeated shard, naming it", () => {
    expect(() => merge([shard(3, 1), shard(3, 3)])).toThrow(refusal("missing-shard", "shard 2/3 missing"));
    const again = shard(3, 2);
    expect(() => merge([shard(3, 1), shard(3, 2), again, shard(3, 3)])).toThrow(
      refusal("repeated-shard", "shard 2/3 is given twice", "shard-2-of-3", "shard-2-of-3"),
    );
  });

  it("a corrupted file: not JSON, off the schema (zod names the path), or another schema version", () => {
    const truncated = shard(2, 2);
    writeFileSync(
      join(truncated, PARTIAL_FILE),
      readFileSync(join(truncated, PARTIAL_FILE), "utf8").slice(0, 200),
    );
    expect(() => merge([shard(2, 1), truncated])).toThrow(
      refusal("unreadable", "partial-report.json", "cannot read it as JSON"),
    );
    const offSchema = shard(2, 2, (report) => {
      (report.units as { seconds: unknown }[])[0]!.seconds = "fast";
    });
    expect(() => merge([shard(2, 1), offSchema])).toThrow(
      refusal("schema", "does not match the partial-report schema", "units\\.0\\.seconds"),
    );
    const future = shard(2, 2, (report) => void (report.schemaVersion = 2));
    expect(() => merge([shard(2, 1), future])).toThrow(
      refusal("schema", "schemaVersion 2", "reads version 1"),
    );
  });

  it("a shard that ran other units than its index is assigned", () => {
    const swapped = shard(2, 2, (report) => void (report.units = []));
    expect(() => merge([shard(2, 1), swapped])).toThrow(
      refusal("units", "ran units \\(none\\)", "is assigned"),
    );
  });

  it("through the CLI: exit code 1 and the typed error on stderr; a bad --shard is refused before any work", async () => {
    const results = mkdtempSync(join(work, "cli-"));
    for (const index of [1, 3]) {
      const from = shard(3, index);
      mkdirSync(join(results, `shard-${index}-of-3`));
      copyFileSync(join(from, PARTIAL_FILE), join(results, `shard-${index}-of-3`, PARTIAL_FILE));
    }
    const failed = await bash(recipeLines("Kubernetes Indexed Job").merge, {
      RESULTS: results,
      MERGED: join(results, "merged"),
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("ShardMergeError: descent-bench merge: shard 2/3 missing"),
    });
    const badShard = await run("bash", ["-c", `${bench} --tiny --shard 4/3`], {
      cwd: benchDirectory,
      env: environment({}),
    }).catch((error: { code: number; stderr: string }) => error);
    expect(badShard).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'takes i/N with integers 1 ≤ i ≤ N (shard i of N, e.g. 2/3), got "4/3"',
      ),
    });
  });

  it("is a typed error a caller can tell apart", () => {
    expect(new ShardMergeError("seed", "x")).toMatchObject({
      name: "ShardMergeError",
      op: "descent-bench merge",
      reason: "seed",
    });
  });
});

#!/usr/bin/env node
/**
 * The recorded public surface: one API report per entry point of every public package, made by
 * `@microsoft/api-extractor` from the BUILT declarations (`dist/*.d.ts`, what a consumer type-checks against;
 * run `pnpm build` first — `pnpm api:check` and `pnpm api:update` do).
 *
 * Every subpath of a package's `exports` map ("." → `index`, "./node" → `node`, …) has a report
 * `packages/<folder>/api/<entry>.api.md`, committed with the code. A change of public surface — a new export,
 * a changed signature, an internal type that leaks into a public one — therefore shows in review as a diff.
 *
 * - `node scripts/check-api-reports.mjs` (check, `pnpm api:check`, part of `pnpm check`): writes each report to
 *   a temp folder and fails, printing the diff and naming the package and entry, when it differs from the
 *   committed one, when a report is missing, or when a committed report has no entry point any more.
 * - `node scripts/check-api-reports.mjs --update` (`pnpm api:update`): rewrites the committed reports and
 *   deletes those of removed entry points. Commit the diff together with the change that caused it.
 *
 * Usage: node scripts/check-api-reports.mjs [--update] [name ...]   (default: every package under packages/)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import apiExtractor from "@microsoft/api-extractor";
import { publicPackages, root } from "./package-tools.mjs";

const { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel } = apiExtractor;

const update = process.argv.includes("--update");
const selected = process.argv
  .slice(2)
  .filter((argument) => !argument.startsWith("--"))
  .map((name) => (name.startsWith("@descent/") ? name : `@descent/${name}`));
const reportSuffix = ".api.md";
const started = performance.now();
const shown = new Set([ExtractorLogLevel.Error, ExtractorLogLevel.Warning]);

/**
 * The entry points of a package: report name and built ESM declaration file, per `exports` subpath.
 *
 * @example
 * entryPoints(manifest); // [{ subpath: ".", report: "index", declarations: "./dist/index.d.ts" }, …]
 */
function entryPoints(manifest) {
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === "./package.json") continue;
    const declarations = target?.import?.types;
    if (typeof declarations !== "string") {
      throw new Error(`${manifest.name}: exports["${subpath}"] has no import.types declaration file`);
    }
    const report = subpath === "." ? "index" : subpath.slice(2).replaceAll("/", "-");
    entries.push({ subpath, report, declarations });
  }
  return entries;
}

/**
 * The api-extractor configuration of one entry point. Only the API report is on: no doc model (TypeDoc
 * makes the API reference), no .d.ts rollup (tsup makes the declarations), no tsdoc-metadata.json.
 */
function configFor({ directory, declarations, report, temporaryFolder }) {
  return {
    projectFolder: directory,
    mainEntryPointFilePath: join(directory, declarations),
    newlineKind: "lf",
    compiler: {
      // The published view: @descent/* imports resolve to the other packages' dist/*.d.ts (no "source"
      // condition). skipLibCheck: errors inside the .d.ts are check-consumer-types.mjs's concern.
      overrideTsconfig: {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022", "DOM"],
          module: "ESNext",
          moduleResolution: "Bundler",
          strict: true,
          skipLibCheck: true,
          types: ["node"],
        },
        files: [join(directory, declarations)],
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: report,
      reportFolder: join(directory, "api"),
      reportTempFolder: temporaryFolder,
      // A type used by an export but not exported itself is written into the report, so it is reviewed too.
      includeForgottenExports: true,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      compilerMessageReporting: { default: { logLevel: "warning" } },
      extractorMessageReporting: {
        // Anything not listed fails the check, and is never written into a report (api-extractor would add it
        // at the end with a dist/ file name and line number, which change on every build of another part).
        default: { logLevel: "warning", addToApiReportFile: false },
        // descent has no alpha/beta channel: everything exported is public and under semver, so the
        // @public/@beta/@alpha/@internal tags api-extractor asks for would be noise on every export.
        "ae-missing-release-tag": { logLevel: "none", addToApiReportFile: false },
        // A type used by an export but not exported by that entry point: its declaration is copied into the
        // report (includeForgottenExports) under a warning comment, so a leaked internal shows in review.
        "ae-forgotten-export": { logLevel: "none", addToApiReportFile: true },
        // Documentation, not surface: `pnpm docs` (TypeDoc, warnings are errors) checks that every export is
        // documented and that every {@link} resolves; the TSDoc is written for TypeDoc's resolver.
        "ae-undocumented": { logLevel: "none", addToApiReportFile: false },
        "ae-unresolved-link": { logLevel: "none", addToApiReportFile: false },
        "ae-misplaced-package-tag": { logLevel: "none", addToApiReportFile: false },
      },
      // Same reason: TSDoc syntax is TypeDoc's to check; api-extractor's stricter parser flags TypeDoc tags.
      tsdocMessageReporting: { default: { logLevel: "none", addToApiReportFile: false } },
    },
  };
}

const packages = publicPackages();
const names = selected.length ? selected : [...packages.keys()];
const temporaryRoot = mkdtempSync(join(tmpdir(), "descent-api-reports-"));
const problems = [];
const changed = [];
let reportCount = 0;
// One TypeScript program serves every entry point of every package (the packages import each other's
// declarations, so separate programs would parse most of them again).
let compilerState;
const allDeclarations = names.flatMap((name) => {
  const entry = packages.get(name);
  if (!entry) return [];
  return entryPoints(entry.manifest)
    .map(({ declarations }) => join(entry.directory, declarations))
    .filter((path) => existsSync(path));
});

for (const name of names) {
  const entry = packages.get(name);
  if (!entry) {
    problems.push(`${name}: no such public package under packages/`);
    continue;
  }
  const { directory, folder, manifest } = entry;
  const reportFolder = join(directory, "api");
  if (update) mkdirSync(reportFolder, { recursive: true });
  const entries = entryPoints(manifest);
  const expectedReports = new Set(entries.map(({ report }) => `${report}${reportSuffix}`));

  const committed = existsSync(reportFolder) ? readdirSync(reportFolder) : [];
  for (const stale of committed.filter((file) => !expectedReports.has(file))) {
    const path = relative(root, join(reportFolder, stale));
    if (update) {
      rmSync(join(reportFolder, stale));
      changed.push(`${path} (deleted: no such entry point)`);
    } else problems.push(`${name}: ${path} is not the report of any entry point in package.json "exports"`);
  }

  for (const { subpath, report, declarations } of entries) {
    const label = subpath === "." ? name : `${name}/${subpath.slice(2)}`;
    const declarationPath = join(directory, declarations);
    if (!existsSync(declarationPath)) {
      problems.push(`${label}: ${relative(root, declarationPath)} is missing — build the packages first`);
      continue;
    }
    const temporaryFolder = join(temporaryRoot, folder);
    const extractorConfig = ExtractorConfig.prepare({
      configObject: configFor({ directory, declarations, report, temporaryFolder }),
      configObjectFullPath: undefined,
      packageJsonFullPath: join(directory, "package.json"),
    });
    compilerState ??= CompilerState.create(extractorConfig, { additionalEntryPoints: allDeclarations });
    const messages = [];
    const result = Extractor.invoke(extractorConfig, {
      localBuild: update,
      compilerState,
      printApiReportDiff: !update,
      messageCallback(message) {
        message.handled = true;
        if (!shown.has(message.logLevel)) return;
        // These say "report changed/created/not copied" and point at the temp folder; the summary below
        // names the committed report and the command that updates it.
        const reportStatus = message.messageId.startsWith("console-api-report-");
        if (reportStatus && message.messageId !== "console-api-report-diff") return;
        messages.push(message.formatMessageWithLocation(root));
      },
    });
    reportCount++;
    const reportPath = relative(root, join(reportFolder, `${report}${reportSuffix}`));
    if (update && result.apiReportChanged) changed.push(reportPath);
    if (!result.succeeded) {
      const why = !committed.includes(`${report}${reportSuffix}`)
        ? `no committed report ${reportPath}`
        : result.apiReportChanged
          ? `the public API differs from the committed report ${reportPath}`
          : "api-extractor failed";
      problems.push(`${label} (${declarations}): ${why}\n${messages.join("\n")}`);
    } else if (messages.length) {
      problems.push(`${label} (${declarations}):\n${messages.join("\n")}`);
    }
  }
}

rmSync(temporaryRoot, { recursive: true, force: true });
const seconds = ((performance.now() - started) / 1000).toFixed(1);

if (update) for (const path of changed) console.log(`updated ${path}`);
if (problems.length) {
  console.error(`check-api-reports: ${problems.length} problem(s)\n\n${problems.join("\n\n")}\n`);
  if (!update) {
    console.error(
      "If the change of public API is intended, run `pnpm api:update` and commit the changed packages/*/api/*.api.md with it.",
    );
  }
  process.exit(1);
}
console.log(
  update
    ? `check-api-reports: ${reportCount} API reports written, ${changed.length} changed (${seconds} s)`
    : `check-api-reports: ${reportCount} API reports (every entry point of ${names.length} packages) match the committed ones (${seconds} s)`,
);

/**
 * Consumer type tests against the BUILT declarations of every public package (run `pnpm build` first;
 * `pnpm check:types` does).
 *
 * `consumer-types/<package>.mts` imports the package's entry points (every subpath of its `exports` map) as
 * an npm consumer would and states what their types must be: `expectTrue<Equal<…>>()` for exact types and
 * `// @ts-expect-error` on lines that must NOT compile (a misspelt activation, metric or loss name, …;
 * tsc reports an expect-error line that compiles as error TS2578, so those lines are enforced too).
 * Each file is checked twice, as `.mts` (the `import` declarations, dist/*.d.ts) and as a `.cts` copy (the
 * `require` declarations, dist/*.d.cts), in one project with strict, module nodenext and
 * `skipLibCheck: false`, so an error inside a published .d.ts fails the check as it fails a consumer.
 *
 * Usage: node scripts/check-consumer-types.mjs [--keep]
 */
import { copyFileSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createConsumerProject, typeCheck } from "./consumer-project.mjs";
import { publicPackages, root } from "./package-tools.mjs";

const testsDirectory = join(root, "consumer-types");
const problems = [];
const files = ["expect.d.ts"];
const directory = createConsumerProject("descent-consumer-types-");
copyFileSync(join(testsDirectory, "expect.d.ts"), join(directory, "expect.d.ts"));

for (const [name, { folder, manifest }] of publicPackages()) {
  const testFile = `${folder}.mts`;
  if (!readdirSync(testsDirectory).includes(testFile)) {
    problems.push(`${name}: no consumer type test consumer-types/${testFile}`);
    continue;
  }
  const source = readFileSync(join(testsDirectory, testFile), "utf8");
  for (const subpath of Object.keys(manifest.exports ?? {})) {
    if (subpath === "./package.json") continue;
    const specifier = subpath === "." ? name : `${name}/${subpath.slice(2)}`;
    if (!source.includes(`from "${specifier}"`)) {
      problems.push(`${name}: consumer-types/${testFile} does not import the entry point "${specifier}"`);
    }
  }
  copyFileSync(join(testsDirectory, testFile), join(directory, testFile));
  copyFileSync(join(testsDirectory, testFile), join(directory, `${folder}.cts`));
  files.push(testFile, `${folder}.cts`);
}

const result = typeCheck(directory, files);
if (!result.ok) problems.push(`tsc (strict, nodenext, skipLibCheck false) failed:\n${result.output}`);
if (process.argv.includes("--keep")) console.log(`consumer project kept in ${directory}`);
else rmSync(directory, { recursive: true, force: true });

if (problems.length) {
  console.error(`check-consumer-types: ${problems.length} problem(s)\n\n${problems.join("\n\n")}`);
  process.exit(1);
}
console.log(
  `check-consumer-types: ${files.length - 1} consumer type tests (${(files.length - 1) / 2} packages, ESM and CJS declarations) type-check with strict, nodenext, skipLibCheck false`,
);

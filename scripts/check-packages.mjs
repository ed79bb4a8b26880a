#!/usr/bin/env node
/**
 * Package checks for every public @descent/* package, run on the built output:
 *  1. `publint --strict` and `attw` on the packed tarball;
 *  2. the package installs ALONE: its tarball plus only the tarballs of its own @descent/* dependencies,
 *     into an empty folder, with plain npm;
 *  3. the first ```js block of its README runs there, from ESM and (rewritten to require) from CommonJS;
 *  4. that install's size is measured and printed as a table; it must stay within the package's budget and
 *     hold none of its optional peer dependencies (scripts/install-size.mjs).
 *
 * Usage: node scripts/check-packages.mjs [name ...]   (default: every package under packages/)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatSizeTable, installProblems, measureInstall } from "./install-size.mjs";
import {
  bin,
  descentDependencyClosure,
  firstJavaScriptBlock,
  importedDescentPackages,
  packAll,
  publicPackages,
  run,
  toCommonJs,
} from "./package-tools.mjs";

const workDirectory = mkdtempSync(join(tmpdir(), "descent-package-check-"));
const tarballDirectory = join(workDirectory, "tarballs");
mkdirSync(tarballDirectory);

const packages = publicPackages();

const selected = process.argv.slice(2);
const toCheck = selected.length
  ? selected.map((name) => (name.startsWith("@descent/") ? name : `@descent/${name}`))
  : [...packages.keys()];

const failures = [];
const sizes = [];

// Pack every package once (pnpm rewrites workspace:* to real versions).
const tarballs = packAll(packages, tarballDirectory);

for (const name of toCheck) {
  const entry = packages.get(name);
  if (!entry) {
    failures.push(`${name}: no such public package under packages/`);
    continue;
  }
  const { directory, folder } = entry;
  const problems = [];
  process.stdout.write(`▸ ${name}\n`);

  const publint = run(bin("publint"), ["run", "--strict", tarballs.get(name)], { cwd: directory });
  if (!publint.ok || /error|warning/i.test(publint.output))
    problems.push(`publint --strict:\n${publint.output}`);
  else process.stdout.write("  publint --strict: clean\n");

  const attw = run(bin("attw"), [tarballs.get(name), "--format", "ascii"], { cwd: directory });
  if (!attw.ok) problems.push(`attw:\n${attw.output}`);
  else process.stdout.write("  attw: no problems\n");

  const readmePath = join(directory, "README.md");
  const example = existsSync(readmePath) ? firstJavaScriptBlock(readFileSync(readmePath, "utf8")) : null;
  if (!example) {
    problems.push("README.md has no ```js example block");
  } else {
    const installDirectory = join(workDirectory, `install-${folder}`);
    mkdirSync(installDirectory);
    writeFileSync(
      join(installDirectory, "package.json"),
      JSON.stringify({ name: `check-${folder}`, private: true, version: "0.0.0" }),
    );
    const npmInstall = (tarballPaths) =>
      run(
        "npm",
        ["install", "--no-audit", "--no-fund", "--loglevel=error", "--no-package-lock", ...tarballPaths],
        { cwd: installDirectory },
      );
    const alone = [...descentDependencyClosure(packages, name)];
    // What the README example itself imports beyond the package (the types-only spec package's example
    // implements its interface with nn) is installed after the package alone has been measured.
    const extra = new Set();
    for (const imported of importedDescentPackages(example)) {
      for (const dependency of descentDependencyClosure(packages, imported)) {
        if (!alone.includes(dependency)) extra.add(dependency);
      }
    }
    const install = npmInstall(alone.map((dependency) => tarballs.get(dependency)));
    let ready = install.ok;
    if (!install.ok) {
      problems.push(`npm install of ${alone.length} tarball(s) failed:\n${install.output}`);
    } else {
      process.stdout.write(`  installs alone with npm (${alone.length} @descent tarball(s))\n`);
      const nodeModules = join(installDirectory, "node_modules");
      const size = measureInstall(nodeModules);
      sizes.push({ name, ...size });
      problems.push(...installProblems(name, entry.manifest, nodeModules, size));
      if (extra.size > 0) {
        const installExtra = npmInstall([...alone, ...extra].map((dependency) => tarballs.get(dependency)));
        ready = installExtra.ok;
        if (!ready) problems.push(`npm install of the example's imports failed:\n${installExtra.output}`);
        else process.stdout.write(`  plus what its README example imports: ${[...extra].join(", ")}\n`);
      }
    }
    if (ready) {
      writeFileSync(join(installDirectory, "example.mjs"), example);
      writeFileSync(join(installDirectory, "example.cjs"), toCommonJs(example));
      for (const file of ["example.mjs", "example.cjs"]) {
        const result = run(process.execPath, [file], { cwd: installDirectory });
        if (!result.ok) problems.push(`README example as ${file} failed:\n${result.output}`);
        else if (!result.output) problems.push(`README example as ${file} printed nothing`);
        else process.stdout.write(`  README example runs as ${file}\n`);
      }
    }
  }

  for (const problem of problems) failures.push(`${name}: ${problem}`);
}

rmSync(workDirectory, { recursive: true, force: true });
if (sizes.length) console.log(`\n${formatSizeTable(sizes)}`);

if (failures.length) {
  console.error(`\n${failures.length} package check(s) failed:\n`);
  for (const failure of failures) console.error(`✗ ${failure}\n`);
  process.exit(1);
}
console.log(`\npackage checks: ${toCheck.length} passed, 0 failed`);

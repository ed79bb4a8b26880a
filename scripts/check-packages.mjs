#!/usr/bin/env node
/**
 * Package checks for every public @descent/* package, run on the built output:
 *  1. `publint --strict` and `attw` on the packed tarball;
 *  2. the package installs ALONE: its tarball plus only the tarballs of its own @descent/* dependencies,
 *     into an empty folder, with plain npm;
 *  3. the first ```js block of its README runs there, from ESM and (rewritten to require) from CommonJS.
 *
 * Usage: node scripts/check-packages.mjs [name ...]   (default: every package under packages/)
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const packagesDirectory = join(root, "packages");
const workDirectory = mkdtempSync(join(tmpdir(), "descent-package-check-"));
const tarballDirectory = join(workDirectory, "tarballs");
mkdirSync(tarballDirectory);

const packages = new Map();
for (const folder of readdirSync(packagesDirectory)) {
  const manifestPath = join(packagesDirectory, folder, "package.json");
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (manifest.private) continue;
  packages.set(manifest.name, { folder, directory: join(packagesDirectory, folder), manifest });
}

const selected = process.argv.slice(2);
const toCheck = selected.length
  ? selected.map((name) => (name.startsWith("@descent/") ? name : `@descent/${name}`))
  : [...packages.keys()];

const failures = [];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

function bin(name) {
  return join(root, "node_modules", ".bin", name);
}

// Pack every package once (pnpm rewrites workspace:* to real versions).
const tarballs = new Map();
for (const [name, { directory }] of packages) {
  const output = execFileSync("pnpm", ["pack", "--pack-destination", tarballDirectory], {
    cwd: directory,
    encoding: "utf8",
  });
  const file = output
    .trim()
    .split("\n")
    .reverse()
    .find((line) => line.endsWith(".tgz"));
  if (!file) throw new Error(`pnpm pack printed no tarball for ${name}:\n${output}`);
  tarballs.set(name, resolve(tarballDirectory, file.trim().split("/").pop()));
}

function descentDependencyClosure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  const dependencies = packages.get(name)?.manifest.dependencies ?? {};
  for (const dependency of Object.keys(dependencies)) {
    if (dependency.startsWith("@descent/")) descentDependencyClosure(dependency, seen);
  }
  return seen;
}

function firstJavaScriptBlock(readme) {
  const match = /```js\n([\s\S]*?)```/.exec(readme);
  return match ? match[1] : null;
}

/** Rewrites `import { a, b as c } from "x";` into `const { a, b: c } = require("x");`. */
function toCommonJs(source) {
  return source.replace(
    /import\s*\{([^}]*)\}\s*from\s*("[^"]+"|'[^']+');?/g,
    (_, names, specifier) => `const {${names.replace(/\s+as\s+/g, ": ")}} = require(${specifier});`,
  );
}

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
    const closure = [...descentDependencyClosure(name)].map((dependency) => tarballs.get(dependency));
    const install = run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--loglevel=error", "--no-package-lock", ...closure],
      { cwd: installDirectory },
    );
    if (!install.ok) {
      problems.push(`npm install of ${closure.length} tarball(s) failed:\n${install.output}`);
    } else {
      process.stdout.write(`  installs alone with npm (${closure.length} @descent tarball(s))\n`);
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

if (failures.length) {
  console.error(`\n${failures.length} package check(s) failed:\n`);
  for (const failure of failures) console.error(`✗ ${failure}\n`);
  process.exit(1);
}
console.log(`\npackage checks: ${toCheck.length} passed, 0 failed`);

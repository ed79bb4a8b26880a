/**
 * Helpers shared by the scripts that check the published form of the @descent/* packages
 * (`check-packages.mjs`: each tarball installed alone; `check-registry.mjs`: every package published to
 * a local npm registry and installed from it). No side effects on import.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The repository root. */
export const root = resolve(import.meta.dirname, "..");

/**
 * Every public package under packages/, by name.
 *
 * @returns {Map<string, { folder: string, directory: string, manifest: Record<string, any> }>}
 * @example
 * for (const [name, { directory }] of publicPackages()) console.log(name, directory);
 */
export function publicPackages() {
  const packagesDirectory = join(root, "packages");
  const packages = new Map();
  for (const folder of readdirSync(packagesDirectory)) {
    const manifestPath = join(packagesDirectory, folder, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    if (manifest.private) continue;
    packages.set(manifest.name, { folder, directory: join(packagesDirectory, folder), manifest });
  }
  return packages;
}

/**
 * Runs a command to completion; never throws on a non-zero exit.
 *
 * @returns {{ ok: boolean, output: string }} `ok` when it exited 0; `output` is stdout then stderr.
 * @example
 * const { ok, output } = run("npm", ["--version"]);
 */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  const error = result.error ? `${result.error.message}\n` : "";
  return { ok: result.status === 0, output: `${error}${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

/**
 * The path of a binary installed in the root node_modules.
 *
 * @example
 * run(bin("publint"), ["run", "--strict", tarball]);
 */
export function bin(name) {
  return join(root, "node_modules", ".bin", name);
}

/**
 * Packs every package with `pnpm pack`, which rewrites `workspace:*` dependencies to real versions.
 *
 * @returns {Map<string, string>} package name → absolute path of its tarball in `destination`.
 * @example
 * const tarballs = packAll(publicPackages(), "/tmp/tarballs");
 */
export function packAll(packages, destination) {
  const tarballs = new Map();
  for (const [name, { directory }] of packages) {
    const output = execFileSync("pnpm", ["pack", "--pack-destination", destination], {
      cwd: directory,
      encoding: "utf8",
    });
    const file = output
      .trim()
      .split("\n")
      .reverse()
      .find((line) => line.endsWith(".tgz"));
    if (!file) throw new Error(`pnpm pack printed no tarball for ${name}:\n${output}`);
    tarballs.set(name, resolve(destination, file.trim().split("/").pop()));
  }
  return tarballs;
}

/**
 * A package and, transitively, every @descent/* package it depends on.
 *
 * @example
 * descentDependencyClosure(publicPackages(), "@descent/nn"); // Set { "@descent/nn", "@descent/spec", … }
 */
export function descentDependencyClosure(packages, name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  const dependencies = packages.get(name)?.manifest.dependencies ?? {};
  for (const dependency of Object.keys(dependencies)) {
    if (dependency.startsWith("@descent/")) descentDependencyClosure(packages, dependency, seen);
  }
  return seen;
}

/**
 * The first ```js block of a README, or null.
 *
 * @example
 * firstJavaScriptBlock("# x\n```js\nconsole.log(1);\n```\n"); // "console.log(1);\n"
 */
export function firstJavaScriptBlock(readme) {
  const match = /```js\n([\s\S]*?)```/.exec(readme);
  return match ? match[1] : null;
}

/**
 * Rewrites `import { a, b as c } from "x";` into `const { a, b: c } = require("x");`, and a default
 * import `import a from "x";` into `const a = require("x");`.
 *
 * @example
 * toCommonJs('import { a as b } from "x";'); // 'const { a: b } = require("x");'
 */
export function toCommonJs(source) {
  return source
    .replace(
      /import\s*\{([^}]*)\}\s*from\s*("[^"]+"|'[^']+');?/g,
      (_, names, specifier) => `const {${names.replace(/\s+as\s+/g, ": ")}} = require(${specifier});`,
    )
    .replace(
      /import\s+([A-Za-z_$][\w$]*)\s+from\s*("[^"]+"|'[^']+');?/g,
      (_, name, specifier) => `const ${name} = require(${specifier});`,
    );
}

/**
 * The `@descent/*` packages a source file imports (`import … from "@descent/x"`), by package name.
 *
 * @example
 * importedDescentPackages('import { fit } from "@descent/nn/node";'); // ["@descent/nn"]
 */
export function importedDescentPackages(source) {
  const names = new Set();
  for (const match of source.matchAll(/from\s*["'](@descent\/[\w-]+)(?:\/[^"']*)?["']/g)) names.add(match[1]);
  return [...names];
}

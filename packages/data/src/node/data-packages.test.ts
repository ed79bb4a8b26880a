// Why this exists: the real data sets (about 125 MB) are optional peer dependencies, so
// `npm install @descent/data` for `circle()` stays light (issue 18, item 6). These tests pin the two
// halves of that promise: a loader whose package is missing says which package to install, and
// package.json declares exactly the packages the loaders read as optional peers, never as dependencies.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DATA_PACKAGES } from "./data-packages.js";
import { packageDirectory } from "./files.js";
import { readMnistImages } from "./load-mnist.js";
import { readSensorReadings, readSpamAssassinMessagesFrom } from "./load-text-and-sensor.js";

const MISSING = "@descent/no-such-data-package";

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as Manifest;

function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to throw");
}

describe("a loader whose data package is not installed", () => {
  const cases: [string, () => unknown][] = [
    ["loadMnist", () => readMnistImages(MISSING)],
    ["loadSpamAssassin", () => readSpamAssassinMessagesFrom(MISSING)],
    ["loadSensorAnomalies", () => readSensorReadings(MISSING)],
  ];
  for (const [op, call] of cases) {
    it(`${op}: a DataError that names the package and the install command`, () => {
      const error = thrown(call);
      expect(error.name).toBe("DataError");
      expect(error.message).toBe(
        `${op}: needs the npm package \`${MISSING}\`, an optional peer dependency of @descent/data that is not installed with it: npm install ${MISSING}`,
      );
    });
  }

  it("the installed packages resolve (the same path, pointed at the real names)", () => {
    for (const [op, name] of Object.entries(DATA_PACKAGES)) {
      expect(packageDirectory(op, name)).toMatch(/node_modules/);
    }
    expect(readSensorReadings(DATA_PACKAGES.loadSensorAnomalies).length).toBe(18914);
  });
});

describe("package.json keeps the data sets out of a plain install", () => {
  const names = Object.values(DATA_PACKAGES).sort();

  it("declares exactly the loaders' packages as optional peer dependencies", () => {
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual(names);
    for (const name of names) expect(manifest.peerDependenciesMeta?.[name]?.optional).toBe(true);
  });

  it("never as dependencies; as dev dependencies of the same range, for its own tests", () => {
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(["@descent/spec", "@descent/tensor"]);
    for (const name of names) {
      expect(manifest.devDependencies?.[name]).toBe(manifest.peerDependencies?.[name]);
    }
  });
});

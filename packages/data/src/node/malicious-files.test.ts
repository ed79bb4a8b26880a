/**
 * Why this exists: data files come from outside. A 4.7 MB gzip once expanded to 2.1 GB in the
 * Fashion-MNIST loader before it was rejected, and CSV cells such as `1e400` became Infinity. Every file
 * here is hostile — decompression bombs, IDX headers that lie, prototype keys and overflowing numbers in
 * CSV — and each must be refused with a typed error naming the file, while the process's peak memory
 * grows by less than {@link EXTRA_MEMORY_LIMIT} (the bombs would need gigabytes). The time bound is the
 * test timeout (60 s, generous: each case takes well under a second).
 */
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, crc32, deflateRawSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { parseCsv } from "../csv/parse-csv.js";
import { parseIdx } from "../images/idx.js";
import { loadCsv } from "./load-csv.js";
import { loadFashionMnist } from "./load-fashion-mnist.js";

/** Most the peak resident memory may grow while one hostile file is refused. */
const EXTRA_MEMORY_LIMIT = 200 * 1024 * 1024;

let rejected = 0;
afterAll(() => {
  console.info(`malicious data files rejected: ${rejected}`);
});

/** IDX bytes: magic `00 00 type rank`, big-endian dimensions, then `data`. */
function idx(dimensions: number[], data: Uint8Array = new Uint8Array(0), type = 0x08): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dimensions.length + data.length);
  bytes.set([0, 0, type, dimensions.length]);
  const view = new DataView(bytes.buffer);
  dimensions.forEach((dimension, axis) => {
    view.setUint32(4 + 4 * axis, dimension, false);
  });
  bytes.set(data, 4 + 4 * dimensions.length);
  return bytes;
}

/**
 * A single-member gzip stream of `head` followed by `mebibytes` MiB of zeros, built without ever holding
 * the zeros: one MiB deflated with a sync flush ends on a byte boundary, so its bytes can be repeated.
 * About 1 KB of gzip per MiB of output; the CRC and size in the trailer are the true ones.
 */
function gzipBomb(head: Uint8Array, mebibytes: number): Uint8Array {
  const zeros = new Uint8Array(1 << 20);
  const flush = { finishFlush: constants.Z_SYNC_FLUSH };
  const first = deflateRawSync(head, flush);
  const chunk = deflateRawSync(zeros, flush);
  const last = deflateRawSync(new Uint8Array(0));
  let crc = crc32(head);
  for (let i = 0; i < mebibytes; i++) crc = crc32(zeros, crc);
  const trailer = new Uint8Array(8);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, crc >>> 0, true);
  view.setUint32(4, (head.length + mebibytes * zeros.length) >>> 0, true);
  const header = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const bomb = new Uint8Array(header.length + first.length + chunk.length * mebibytes + last.length + 8);
  let offset = 0;
  for (const part of [header, first]) {
    bomb.set(part, offset);
    offset += part.length;
  }
  for (let i = 0; i < mebibytes; i++, offset += chunk.length) bomb.set(chunk, offset);
  bomb.set(last, offset);
  bomb.set(trailer, offset + last.length);
  return bomb;
}

/** A Fashion-MNIST folder: one valid image and label per part, with `overrides` replacing files. */
function fashionFolder(overrides: Record<string, Uint8Array>): string {
  const directory = mkdtempSync(join(tmpdir(), "descent-malicious-"));
  const files: Record<string, Uint8Array> = {
    "train-images-idx3-ubyte.gz": gzipSync(idx([1, 28, 28], new Uint8Array(784))),
    "train-labels-idx1-ubyte.gz": gzipSync(idx([1], new Uint8Array([3]))),
    "t10k-images-idx3-ubyte.gz": gzipSync(idx([1, 28, 28], new Uint8Array(784))),
    "t10k-labels-idx1-ubyte.gz": gzipSync(idx([1], new Uint8Array([4]))),
    ...overrides,
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(directory, name), bytes);
  return directory;
}

/**
 * Runs `load`, expects a typed error of `name` whose message matches every pattern, and checks the peak
 * resident memory grew by less than {@link EXTRA_MEMORY_LIMIT} (maxRSS is the process's lifetime peak,
 * so `maxRSS after − rss before` bounds what the call added).
 */
function expectRefused(load: () => unknown, name: string, patterns: (string | RegExp)[]): Error {
  const before = process.memoryUsage().rss;
  let caught: unknown;
  try {
    load();
  } catch (error) {
    caught = error;
  }
  const extra = process.resourceUsage().maxRSS * 1024 - before;
  expect(caught, "the hostile file was accepted").toBeInstanceOf(Error);
  const error = caught as Error;
  expect(error.name).toBe(name);
  for (const pattern of patterns) {
    if (typeof pattern === "string") expect(error.message).toContain(pattern);
    else expect(error.message).toMatch(pattern);
  }
  expect(extra, `peak memory grew by ${(extra / 2 ** 20).toFixed(0)} MiB`).toBeLessThan(EXTRA_MEMORY_LIMIT);
  rejected++;
  return error;
}

describe("decompression bombs in IDX .gz files", () => {
  // 2 GiB of zeros in about 2 MB of gzip.
  const BOMB_MEBIBYTES = 2048;

  it("a bomb whose header claims one image stops at that image's 800 bytes", () => {
    const bomb = gzipBomb(idx([1, 28, 28]), BOMB_MEBIBYTES);
    expect(bomb.length).toBeLessThan(4 * 2 ** 20);
    const directory = fashionFolder({ "train-images-idx3-ubyte.gz": bomb });
    expectRefused(() => loadFashionMnist({ directory }), "DataError", [
      join(directory, "train-images-idx3-ubyte.gz"),
      "decompresses to more than 800 bytes",
      "the size its IDX header [1,28,28] declares",
      `its gzip trailer claims ${(16 + BOMB_MEBIBYTES * 2 ** 20) >>> 0} bytes`,
      "decompression bomb",
    ]);
  });

  it("a bomb whose header claims the whole dataset stops at the dataset's 47,040,016 bytes", () => {
    const bomb = gzipBomb(idx([60000, 28, 28]), BOMB_MEBIBYTES);
    const directory = fashionFolder({ "train-images-idx3-ubyte.gz": bomb });
    expectRefused(() => loadFashionMnist({ directory }), "DataError", [
      "train-images-idx3-ubyte.gz: decompresses to more than 47040016 bytes",
    ]);
  });

  it("a header claiming more than the dataset's size is refused before decompressing", () => {
    for (const dimensions of [
      [60001, 28, 28],
      [0xffffffff, 28, 28],
    ]) {
      const bomb = gzipBomb(idx(dimensions), BOMB_MEBIBYTES);
      const directory = fashionFolder({ "t10k-images-idx3-ubyte.gz": bomb });
      expectRefused(() => loadFashionMnist({ directory }), "DataError", [
        `t10k-images-idx3-ubyte.gz: its IDX header claims dimensions [${dimensions.join(",")}]`,
        "more than the limit of 7840016 bytes",
      ]);
    }
  });

  it("a label file bomb stops at the labels its header declares", () => {
    // 100 MiB in about 100 kB: under the 126 kB a label file may take, so decompression is what stops it.
    const bomb = gzipBomb(idx([1]), 100);
    const directory = fashionFolder({ "train-labels-idx1-ubyte.gz": bomb });
    expectRefused(() => loadFashionMnist({ directory }), "DataError", [
      "train-labels-idx1-ubyte.gz: decompresses to more than 9 bytes",
    ]);
  });

  it("a .gz file larger than the dataset's file could compress to is refused before it is read", () => {
    const bomb = gzipBomb(idx([1]), BOMB_MEBIBYTES);
    const directory = fashionFolder({ "train-labels-idx1-ubyte.gz": bomb });
    expectRefused(() => loadFashionMnist({ directory }), "DataError", [
      `train-labels-idx1-ubyte.gz has ${bomb.length} bytes, more than the limit of 126145`,
    ]);
  });

  it("a bomb of many concatenated gzip members is bounded the same way", () => {
    const member = gzipSync(new Uint8Array(1 << 20));
    const members = new Uint8Array(member.length * 64);
    for (let i = 0; i < 64; i++) members.set(member, i * member.length);
    const head = gzipSync(idx([2], new Uint8Array([1, 2])));
    const bomb = new Uint8Array(head.length + members.length);
    bomb.set(head);
    bomb.set(members, head.length);
    const directory = fashionFolder({ "t10k-labels-idx1-ubyte.gz": bomb });
    expectRefused(() => loadFashionMnist({ directory }), "DataError", [
      "t10k-labels-idx1-ubyte.gz: decompresses to more than 10 bytes",
    ]);
  });
});

describe("IDX files that lie", () => {
  it("a header promising more data than the file holds: truncated, with the bytes missing", () => {
    const directory = fashionFolder({
      "train-images-idx3-ubyte.gz": gzipSync(idx([2, 28, 28], new Uint8Array(784))),
    });
    expectRefused(() => loadFashionMnist({ directory }), "DataError", [
      "train-images-idx3-ubyte.gz: dimensions [2,28,28] need 1568 data bytes",
      "(784 missing): the file is truncated",
    ]);
  });

  it("wrong magic numbers: a 4-byte type, a wrong rank, gzip inside gzip, random bytes", () => {
    const cases: [Uint8Array, string][] = [
      [gzipSync(idx([1, 28, 28], new Uint8Array(784 * 4), 0x0c)), "data type 0x0c is not unsigned byte"],
      [gzipSync(idx([1, 784], new Uint8Array(784))), "2 dimensions where 3 are expected"],
      [gzipSync(gzipSync(idx([1, 28, 28], new Uint8Array(784)))), "bad magic number 0x1f 0x8b"],
    ];
    for (const [bytes, problem] of cases) {
      const directory = fashionFolder({ "train-images-idx3-ubyte.gz": bytes });
      expectRefused(() => loadFashionMnist({ directory }), "DataError", [
        "train-images-idx3-ubyte.gz",
        problem,
      ]);
    }
    const corrupt = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    corrupt.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    const directory = fashionFolder({ "train-labels-idx1-ubyte.gz": corrupt });
    expectRefused(() => loadFashionMnist({ directory }), "DataError", [
      "train-labels-idx1-ubyte.gz: cannot gunzip",
    ]);
  });

  it("dimensions that overflow, or do not match the data length, in parseIdx", () => {
    expectRefused(() => parseIdx(idx(new Array(8).fill(0xffffffff)), "huge.idx"), "DataError", [
      "huge.idx: dimensions [4294967295,",
      "claim more than 2^53 data bytes",
    ]);
    expectRefused(() => parseIdx(idx([3, 2], new Uint8Array(7)), "long.idx"), "DataError", [
      "long.idx: dimensions [3,2] need 6 data bytes but 7 follow the header",
    ]);
  });

  it("an uncompressed file far larger than the dataset's is refused before it is read", () => {
    const directory = mkdtempSync(join(tmpdir(), "descent-malicious-plain-"));
    for (const [name, dimensions, size] of [
      ["train-images-idx3-ubyte", [1, 28, 28], 784],
      ["train-labels-idx1-ubyte", [1], 1],
      ["t10k-images-idx3-ubyte", [1, 28, 28], 784],
      ["t10k-labels-idx1-ubyte", [1], 1],
    ] as const) {
      writeFileSync(join(directory, name), idx([...dimensions], new Uint8Array(size)));
    }
    const path = join(directory, "t10k-labels-idx1-ubyte");
    // Sparse: 1 GiB on paper, nothing on disk; the limit is checked on the file's size, before reading.
    truncateSync(path, 2 ** 30);
    expectRefused(() => loadFashionMnist({ directory }), "DataError", [
      `${path} has 1073741824 bytes, more than the limit`,
    ]);
  });
});

describe("hostile CSV files", () => {
  const folder = mkdtempSync(join(tmpdir(), "descent-malicious-csv-"));
  const file = (name: string, text: string) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };

  it("a cell of 1e400 (Infinity in float64) or 1e39 (Infinity in float32) is refused, naming line and column", () => {
    const path = file("overflow.csv", "x,y\n1,2\n3,1e400\n");
    const error = expectRefused(() => loadCsv(path), "DataError", [
      `${path}: line 3, column 2 ("y"): "1e400" overflows float32`,
    ]) as Error & { line?: number; column?: number };
    expect([error.line, error.column]).toEqual([3, 2]);
    const float32 = file("float32.csv", "x\n1e39\n");
    expectRefused(() => loadCsv(float32), "DataError", ['"1e39" overflows float32']);
    expect(loadCsv(float32, { dtype: "float64" }).inputs.data[0]).toBe(1e39);
    expectRefused(() => loadCsv(file("target.csv", "x,t\n1,-1e999\n"), { target: "t" }), "DataError", [
      'line 2, column 2 ("t"): "-1e999" overflows float32',
    ]);
    for (const spelling of ["NaN", "nan", "Infinity", "-inf", "1e", "0x1F"]) {
      expectRefused(() => parseCsv(`x\n${spelling}\n`), "DataError", [`"${spelling}" is not a number`]);
    }
  });

  it("a __proto__ header is refused; constructor and prototype are plain column names that pollute nothing", () => {
    const path = file("proto.csv", "a,__proto__\n1,2\n");
    expectRefused(() => loadCsv(path), "DataError", [
      `${path}: line 1, column 2: header name "__proto__" is not allowed`,
    ]);
    const dataset = loadCsv(file("constructor.csv", "constructor,prototype,toString\n1,2,x\n3,4,y\n"), {
      target: "toString",
    });
    expect(dataset.columnNames).toEqual(["constructor", "prototype"]);
    expect(dataset.classNames).toEqual(["x", "y"]);
    expect(Array.from(dataset.inputs.data)).toEqual([1, 2, 3, 4]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
      Object.getOwnPropertyNames(Object.getPrototypeOf({})).sort(),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expectRefused(() => parseCsv("a,b\n1,2", { target: "toString" }), "ValueError", [
      'no column named "toString"',
    ]);
  });

  it("duplicate header names and ragged rows are refused", () => {
    expectRefused(() => loadCsv(file("duplicate.csv", "a,b,a\n1,2,3\n")), "DataError", [
      'line 1, column 3: header name "a" repeats column 1',
    ]);
    expectRefused(() => loadCsv(file("ragged.csv", "a,b\n1,2\n3\n")), "DataError", [
      "line 3, column 2: row has 1 fields but the header has 2",
    ]);
  });

  it("a file larger than maxBytes is refused before it is read (default 256 MiB)", () => {
    const big = file("big.csv", "x\n1\n");
    truncateSync(big, 2 ** 30);
    expectRefused(() => loadCsv(big), "DataError", [
      `${big} has 1073741824 bytes, more than the limit of 268435456`,
    ]);
    expectRefused(() => loadCsv(file("small.csv", "x\n1\n2\n3\n"), { maxBytes: 4 }), "DataError", [
      "has 8 bytes, more than the limit of 4",
    ]);
  });
});

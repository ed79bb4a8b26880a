// Why this exists: every public export of @descent/data and @descent/data/node, given random or adversarial
// input, must return a correct result or throw a typed descent error naming the argument (fuzz.shared.ts) —
// never a raw TypeError/RangeError, never a batch whose targets do not line up with its inputs, never a
// non-finite value where finite ones were promised (toy sets, standardized inputs, TF-IDF rows, CSV cells).
// Fixed seed, so a run repeats; `cases` counts the cases run (printed at the end).

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Dataset, Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adversarialOptions, allFinite, expectDescentOutcome, fuzzSuite } from "../../../fuzz.shared";
import * as api from "./index.js";
import * as nodeApi from "./node.js";

const { check } = fuzzSuite("data");

// ---------- arbitraries ----------

/** Values a caller may pass by mistake or by malice. */
const adversarialValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    -1,
    0.5,
    1,
    2.5,
    3,
    1e9,
    2 ** 53,
    "0.1",
    "",
    "float64",
    "hashed",
    "__proto__",
    "constructor",
    null,
    undefined,
    true,
    false,
    [],
    ["humidity"],
    {},
    10n,
    Symbol("s"),
    () => 1,
    Object.create(null),
    JSON.parse('{"__proto__": {"polluted": 1}}'),
  ),
  fc.double({ min: -10, max: 10 }),
  fc.integer({ min: -3, max: 40 }),
);

/** An options object: known names with adversarial values, sometimes an unknown or a prototype key. */
function optionsOf(names: readonly string[]): fc.Arbitrary<unknown> {
  const known = fc.dictionary(fc.constantFrom(...names), adversarialValue, { maxKeys: names.length });
  return adversarialOptions(known, adversarialValue, { batchsize: 8 });
}

const finiteOrSpecial = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e300, -1e300) },
);

/** A tensor, valid most of the time; otherwise a home-made one whose shape, data or dtype lies. */
function tensorOf(rows: fc.Arbitrary<number>, columns: fc.Arbitrary<number[]>): fc.Arbitrary<unknown> {
  const valid = fc
    .record({
      n: rows,
      rest: columns,
      dtype: fc.constantFrom("float32", "float64"),
      seed: fc.array(finiteOrSpecial, { maxLength: 8 }),
    })
    .map(({ n, rest, dtype, seed }) => {
      const shape = [n, ...rest];
      const size = shape.reduce((a, b) => a * b, 1);
      const data = dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = seed.length > 0 ? seed[i % seed.length]! : i % 3;
      return new Tensor(data, shape);
    });
  const hostile = fc.oneof(
    fc.record({
      shape: fc.constant([3]),
      data: fc.constant(new Float32Array(4)),
      dtype: fc.constant("float32"),
    }),
    fc.record({
      shape: fc.constant([-1, 2]),
      data: fc.constant(new Float32Array(0)),
      dtype: fc.constant("float32"),
    }),
    fc.record({
      shape: fc.constant([2.5]),
      data: fc.constant(new Float64Array(2)),
      dtype: fc.constant("float64"),
    }),
    fc.record({ shape: fc.constant([2]), data: fc.constant([1, 2]), dtype: fc.constant("float32") }),
    fc.record({
      shape: fc.constant([2]),
      data: fc.constant(new Float64Array(2)),
      dtype: fc.constant("float32"),
    }),
    fc.record({
      shape: fc.constant("2"),
      data: fc.constant(new Float32Array(2)),
      dtype: fc.constant("float32"),
    }),
    adversarialValue,
  );
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: hostile });
}

const smallRows = fc.integer({ min: 0, max: 7 });
const featureShape: fc.Arbitrary<number[]> = fc.oneof(
  fc.constant<number[]>([]),
  fc.tuple(fc.integer({ min: 0, max: 3 })),
  fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
);
const labelData = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(-1, 0.5, Number.NaN, 2 ** 31, 1e12) },
  ),
  { maxLength: 7 },
);

/** A dataset: consistent, with mismatched counts (the 4 inputs / 3 targets case), or hostile fields. */
const dataset: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        labels: labelData,
        width: fc.integer({ min: 0, max: 3 }),
        dtype: fc.constantFrom("float32", "float64"),
        classes: fc.option(fc.integer({ min: 1, max: 5 })),
      })
      .map(({ labels, width, dtype, classes }) => {
        const n = labels.length;
        const make = (size: number) =>
          dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
        const inputs = make(n * width).map((_, i) => i + 0.5);
        const targets = make(n).map((_, i) => labels[i]!);
        return {
          name: "fuzz",
          inputs: new Tensor(inputs, [n, width]),
          targets: new Tensor(targets, [n]),
          ...(classes !== null && { classes }),
        };
      }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      name: fc.constant("mismatched"),
      inputs: tensorOf(fc.integer({ min: 1, max: 5 }), fc.constant([2])),
      targets: tensorOf(fc.integer({ min: 0, max: 5 }), fc.constant([])),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        name: adversarialValue,
        inputs: tensorOf(smallRows, featureShape),
        targets: tensorOf(smallRows, featureShape),
        classes: adversarialValue,
        classNames: adversarialValue,
      },
      { requiredKeys: ["inputs", "targets"] },
    ),
  },
  { weight: 1, arbitrary: adversarialValue },
);

const documents = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.array(
      fc.array(fc.constantFrom("free", "money", "__proto__", "constructor", "toString", "a", "ünï"), {
        maxLength: 6,
      }),
      { maxLength: 5 },
    ),
  },
  { weight: 1, arbitrary: fc.array(fc.array(adversarialValue, { maxLength: 3 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: adversarialValue },
);

const csvText = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      "1",
      "2",
      "0",
      ".",
      "e",
      "-",
      "+",
      ",",
      ";",
      "\n",
      "\r",
      '"',
      " ",
      "a",
      "x",
      "N",
      "__proto__",
      "constructor",
      "1e400",
      "NaN",
      "Infinity",
      "\uFEFF",
    ),
    maxLength: 60,
  }),
  fc
    .array(
      fc.array(
        fc.oneof(
          fc.double({ noNaN: false }).map(String),
          fc.constantFrom("1e400", "-1e999", "1e39", "", "abc"),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      { maxLength: 5 },
    )
    .map((rows) => `a,b,c,d\n${rows.map((r) => r.join(",")).join("\n")}`),
  fc.string({ maxLength: 40 }),
);

const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc
    .record({
      rank: fc.integer({ min: 0, max: 4 }),
      dims: fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom(0xffffffff, 2 ** 31)), {
        maxLength: 4,
      }),
      tail: fc.uint8Array({ maxLength: 80 }),
    })
    .map(({ rank, dims, tail }) => {
      const header = new Uint8Array(4 + 4 * dims.length);
      header.set([0, 0, 8, rank]);
      const view = new DataView(header.buffer);
      dims.forEach((d, i) => {
        view.setUint32(4 + 4 * i, d >>> 0, false);
      });
      const all = new Uint8Array(header.length + tail.length);
      all.set(header);
      all.set(tail, header.length);
      return all;
    }),
);

// ---------- checks on results ----------

const finiteTensor = (tensor: TensorLike) => allFinite(tensor.data) || "non-finite value";
const datasetOk = (set: Dataset): true | string =>
  set.inputs.shape[0] === set.targets.shape[0] ||
  `inputs ${set.inputs.shape} and targets ${set.targets.shape} disagree`;

// Every export must be fuzzed below: a new export without a fuzz case fails this list.
const FUZZED = new Set<string>();
function fuzzes(...names: string[]): void {
  for (const name of names) FUZZED.add(name);
}

describe("@descent/data fuzz", () => {
  it("toy sets: finite points of the asked count, or a typed error naming the option", () => {
    const generators = Object.entries(api.toyDatasets).map(([id, entry]) => [id, entry.generate] as const);
    fuzzes(
      "circle",
      "xor",
      "gaussian",
      "spiral",
      "twoMoons",
      "regressionPlane",
      "multiGaussian",
      "toyDatasets",
    );
    check(
      fc.property(
        fc.constantFrom(...generators),
        optionsOf(["count", "noise", "seed", "dtype"]),
        ([, generate], options) => {
          expectDescentOutcome(() => generate(options as never), {
            names: ["count", "noise", "seed", "dtype", "options"],
            check: (set) =>
              finiteTensor(set.inputs) === true && finiteTensor(set.targets) === true
                ? datasetOk(set)
                : "non-finite point",
          });
        },
      ),
      300,
    );
    check(
      fc.property(
        fc.constantFrom(...generators),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(0, 0.5, 50, 1e6),
        fc.integer(),
        fc.constantFrom("float32", "float64"),
        ([, generate], count, noise, seed, dtype) => {
          const set = generate({ count, noise, seed, dtype: dtype as "float32" });
          expect(set.inputs.shape).toEqual([count, 2]);
          expect(allFinite(set.inputs.data) && allFinite(set.targets.data)).toBe(true);
        },
      ),
      150,
    );
  });

  it("batches: every batch pairs each row with its own target; mismatched counts are refused", () => {
    fuzzes("batches");
    check(
      fc.property(
        dataset,
        optionsOf(["batchSize", "shuffle", "seed", "dropLast", "reuseBuffers"]),
        adversarialValue,
        (set, options, epoch) => {
          const outcome = expectDescentOutcome(() => api.batches(set as Dataset, options as never), {
            names: ["dataset", "options", "inputs", "targets"],
          });
          if (!outcome.ok) return;
          const loader = outcome.value;
          const source = set as Dataset;
          let seen = 0;
          for (const batch of loader) {
            expect(batch.inputs.shape[0]).toBe(batch.size);
            expect(batch.targets.shape[0]).toBe(batch.size);
            for (let b = 0; b < batch.size; b++) {
              const row = batch.indices[b]!;
              expect(batch.targets.data[b]).toBe(source.targets.data[row]);
            }
            seen += batch.size;
          }
          expect(seen).toBeLessThanOrEqual(loader.sampleCount);
          expectDescentOutcome(() => loader.order(epoch as number), { names: ["epoch"] });
          expectDescentOutcome(() => [...loader.epoch(epoch as number)], { names: ["epoch"] });
        },
      ),
      400,
    );
  });

  it("splitDataset, takeSamples, createDataset, sampleCount, classCounts, oneHotLabels, classLabelsOf", () => {
    fuzzes(
      "splitDataset",
      "takeSamples",
      "createDataset",
      "sampleCount",
      "classCounts",
      "oneHotLabels",
      "classLabelsOf",
    );
    check(
      fc.property(
        dataset,
        optionsOf(["testFraction", "validationFraction", "seed", "stratify"]),
        (set, options) => {
          const n = typeof set === "object" && set !== null ? ((set as Dataset).inputs?.shape?.[0] ?? 0) : 0;
          expectDescentOutcome(() => api.splitDataset(set as Dataset, options as never), {
            names: ["dataset", "options", "inputs", "targets", "target"],
            check: (split) => {
              const total =
                split.train.inputs.shape[0]! +
                split.test.inputs.shape[0]! +
                (split.validation?.inputs.shape[0] ?? 0);
              return total === n && datasetOk(split.train) === true && datasetOk(split.test) === true
                ? true
                : "parts lose or invent samples";
            },
          });
        },
      ),
      400,
    );
    check(
      fc.property(
        dataset,
        fc.oneof(
          fc.array(fc.oneof(fc.integer({ min: -2, max: 8 }), adversarialValue), { maxLength: 5 }),
          adversarialValue,
        ),
        adversarialValue,
        (set, indices, classes) => {
          expectDescentOutcome(() => api.takeSamples(set as Dataset, indices as number[]), {
            names: ["dataset", "index", "indices", "inputs", "targets"],
            check: datasetOk,
          });
          expectDescentOutcome(() => api.createDataset(set as Dataset), {
            names: ["fields", "inputs", "targets"],
            check: datasetOk,
          });
          expectDescentOutcome(() => api.sampleCount(set as Dataset), {
            names: ["dataset", "inputs", "targets"],
            check: (n) => (Number.isInteger(n) && n >= 0 ? true : `count ${n}`),
          });
          expectDescentOutcome(() => api.classCounts(set as Dataset), {
            names: ["dataset", "target", "inputs"],
            check: (counts) => counts.every((c) => Number.isInteger(c) && c >= 0) || "bad count",
          });
          const targets = typeof set === "object" && set !== null ? (set as Dataset).targets : set;
          expectDescentOutcome(() => api.oneHotLabels(targets as TensorLike, classes as number), {
            names: ["targets", "classes", "label", "the one-hot rows"],
            check: finiteTensor,
          });
          expectDescentOutcome(() => api.classLabelsOf(classes as string, targets as TensorLike), {
            names: ["targets", "target"],
          });
        },
      ),
      400,
    );
  });

  it("fitStandardizer, its transform, standardizeSplit: finite outputs or a typed error", () => {
    fuzzes("fitStandardizer", "standardizeSplit");
    const tensor = tensorOf(fc.integer({ min: 0, max: 5 }), featureShape);
    check(
      fc.property(tensor, tensor, (fitOn, apply) => {
        const fitted = expectDescentOutcome(() => api.fitStandardizer(fitOn as TensorLike), {
          names: ["inputs", "value", "feature"],
          check: (s) => (allFinite(s.mean) && allFinite(s.scale) ? true : "non-finite statistics"),
        });
        if (!fitted.ok) return;
        expectDescentOutcome(() => fitted.value.transform(apply as TensorLike), {
          names: ["inputs"],
          check: finiteTensor,
        });
      }),
      400,
    );
    check(
      fc.property(dataset, dataset, fc.option(dataset), (train, test, validation) => {
        const split = validation === null ? { train, test } : { train, test, validation };
        expectDescentOutcome(() => api.standardizeSplit(split as never), {
          names: ["split", "inputs", "value", "feature"],
          check: (r) =>
            (finiteTensor(r.split.train.inputs) === true && finiteTensor(r.split.test.inputs) === true) ||
            "non-finite",
        });
      }),
      200,
    );
    expectDescentOutcome(() => api.standardizeSplit(null as never), { names: ["split"] });
  });

  it("parseCsv: finite cells of the dtype, or a DataError/ValueError naming the line, column or option", () => {
    fuzzes("parseCsv", "DataError");
    check(
      fc.property(
        csvText,
        optionsOf(["header", "columns", "target", "targetType", "delimiter", "dtype", "name"]),
        (text, options) => {
          const outcome = expectDescentOutcome(() => api.parseCsv(text, options as never), {
            names: ["line", "options", "column", "text is empty", "csv"],
            check: (set) =>
              finiteTensor(set.inputs) === true && finiteTensor(set.targets) === true
                ? datasetOk(set)
                : "non-finite cell",
          });
          if (!outcome.ok) expect(["DataError", "ValueError", "ShapeError"]).toContain(outcome.error.name);
        },
      ),
      600,
    );
    expectDescentOutcome(() => api.parseCsv(42 as never), { names: ["text"] });
    check(
      fc.property(adversarialValue, adversarialValue, adversarialValue, (op, message, location) => {
        const error = new api.DataError(op as string, message as string, location as never);
        expect(error.name).toBe("DataError");
        expect(error.message.startsWith(`${error.op}: `)).toBe(true);
      }),
      100,
    );
  });

  it("parseIdx and imageDatasetFromIdx on random bytes: the data length matches the header, or a DataError", () => {
    fuzzes("parseIdx", "imageDatasetFromIdx", "FASHION_MNIST_CLASS_NAMES");
    check(
      fc.property(
        fc.oneof({ weight: 8, arbitrary: bytes }, { weight: 1, arbitrary: adversarialValue }),
        fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 4 }), adversarialValue),
        (data, dimensions) => {
          expectDescentOutcome(() => api.parseIdx(data as Uint8Array, "fuzz.idx", dimensions as number), {
            names: ["fuzz.idx", "bytes", "expectedDimensions"],
            check: (array) =>
              array.data.length === array.dimensions.reduce((a, b) => a * b, 1) ||
              "data length ≠ ∏ dimensions",
          });
        },
      ),
      800,
    );
    const idxArray = fc.oneof(
      fc
        .record({ n: fc.integer({ min: 0, max: 3 }), side: fc.integer({ min: 1, max: 3 }) })
        .map(({ n, side }) => ({
          dimensions: [n, side, side],
          data: new Uint8Array(n * side * side).map((_, i) => (i * 37) % 256),
        })),
      fc
        .record({ n: fc.integer({ min: 0, max: 3 }) })
        .map(({ n }) => ({ dimensions: [n], data: new Uint8Array(n).map((_, i) => i % 12) })),
      fc.record({
        dimensions: fc.array(adversarialValue, { maxLength: 3 }),
        data: fc.oneof(fc.uint8Array({ maxLength: 9 }), adversarialValue),
      }),
      adversarialValue,
    );
    check(
      fc.property(
        idxArray,
        idxArray,
        fc.oneof(fc.constant(api.FASHION_MNIST_CLASS_NAMES), adversarialValue),
        adversarialValue,
        fc.oneof(fc.constant(undefined), fc.constant([2, 2]), adversarialValue),
        (images, labels, classNames, count, size) => {
          expectDescentOutcome(
            () =>
              api.imageDatasetFromIdx(
                "fuzz",
                images as never,
                labels as never,
                classNames as string[],
                count as number,
                size as never,
              ),
            {
              names: ["images", "labels", "classNames", "count", "imageSize", "fuzz"],
              check: (set) => (finiteTensor(set.inputs) === true ? datasetOk(set) : "non-finite pixel"),
            },
          );
        },
      ),
      400,
    );
  });

  it("MNIST builders, sensor anomalies, SpamAssassin from messages", () => {
    fuzzes(
      "mnistFromDigits",
      "mnistImagesFromDigits",
      "MNIST_CLASS_NAMES",
      "MNIST_PIXELS",
      "sensorAnomaliesFromReadings",
      "SENSOR_CLASS_NAMES",
      "spamAssassinFromMessages",
      "SPAM_CLASS_NAMES",
    );
    const digit = fc.oneof(
      fc.constant(new Float32Array(784).fill(0.5)),
      fc.constant([0.1]),
      fc.constant(new Array(784).fill("0.5")),
      adversarialValue,
    );
    check(
      fc.property(
        fc.oneof(
          fc.array(digit, { minLength: 9, maxLength: 11 }),
          fc.record({ pixels: adversarialValue, labels: adversarialValue }),
          adversarialValue,
        ),
        optionsOf(["trainCount", "testCount", "seed"]),
        (digits, options) => {
          expectDescentOutcome(() => api.mnistFromDigits(digits as never, options as never), {
            names: ["digit", "options", "trainCount", "testCount", "seed", "pixels", "labels"],
            check: (split) => datasetOk(split.train),
          });
          expectDescentOutcome(() => api.mnistImagesFromDigits(digits as never), { names: ["digit"] });
        },
      ),
      300,
    );
    const reading = fc.oneof(
      fc.record({
        humidity: finiteOrSpecial,
        temperature: finiteOrSpecial,
        indoor: fc.constantFrom(0, 1),
        mote_id: fc.integer({ min: 1, max: 4 }),
        reading: fc.nat(),
        label: fc.constantFrom(0, 1, 1, 2),
      }),
      fc.constant(JSON.parse('{"__proto__": {"humidity": 1, "temperature": 2, "label": 0}}')),
      adversarialValue,
    );
    check(
      fc.property(
        fc.oneof(fc.array(reading, { maxLength: 12 }), adversarialValue),
        optionsOf(["features", "testFraction", "validationFraction", "seed"]),
        (readings, options) => {
          expectDescentOutcome(() => api.sensorAnomaliesFromReadings(readings as never, options as never), {
            names: ["reading", "options", "features", "readings", "dataset"],
            check: (split) =>
              finiteTensor(split.train.inputs) === true && Number.isFinite(split.positiveRate)
                ? true
                : "non-finite",
          });
        },
      ),
      300,
    );
    const message = fc.oneof(
      fc.record({
        group: fc.constantFrom("spam-1", "easy-ham-2", "hard-ham-1", "ham", "__proto__"),
        text: fc.oneof(fc.string({ maxLength: 40 }), adversarialValue),
      }),
      adversarialValue,
    );
    check(
      fc.property(
        fc.oneof(fc.array(message, { maxLength: 8 }), adversarialValue),
        optionsOf([
          "features",
          "vocabularySize",
          "tfidf",
          "testFraction",
          "validationFraction",
          "seed",
          "tokenizer",
          "dtype",
        ]),
        (messages, options) => {
          expectDescentOutcome(() => api.spamAssassinFromMessages(messages as never, options as never), {
            names: ["message", "options", "corpus", "vocabularySize", "tokenizer", "the counts"],
            check: (split) =>
              finiteTensor(split.train.inputs) === true ? datasetOk(split.train) : "non-finite feature",
          });
        },
      ),
      300,
    );
  });

  it("text features: tokenize, textClassificationSplit, vocabulary, bag-of-words, hashing, idf, tf-idf", () => {
    fuzzes(
      "tokenize",
      "textClassificationSplit",
      "fitVocabulary",
      "bagOfWords",
      "hashedFeatures",
      "fnv1a32",
      "fitInverseDocumentFrequency",
      "tfidf",
    );
    const html = fc.string({
      unit: fc.constantFrom(
        "<style",
        "</style>",
        "<script>",
        "</SCRIPT >",
        "<a",
        ">",
        "&amp;",
        "&#x41;",
        "Subject: hi",
        "\n\n",
        "don't",
        "Wörd",
        " ",
        "x",
      ),
      maxLength: 30,
    });
    check(
      fc.property(
        fc.oneof(html, fc.string({ maxLength: 30 }), adversarialValue),
        optionsOf(["stripHeaders", "stripHtml", "minLength", "maxLength"]),
        (text, options) => {
          expectDescentOutcome(() => api.tokenize(text as string, options as never), {
            names: ["text", "options"],
            check: (tokens) => tokens.every((t) => typeof t === "string" && t.length > 0) || "bad token",
          });
          expectDescentOutcome(() => api.fnv1a32(text as string), {
            names: ["text"],
            check: (h) => (Number.isInteger(h) && h >= 0 && h < 2 ** 32) || "bad hash",
          });
        },
      ),
      500,
    );
    const corpus = fc.oneof(
      fc
        .record({
          name: fc.constant("fuzz"),
          texts: fc.array(fc.constantFrom("free money", "hello there", "__proto__ constructor"), {
            minLength: 0,
            maxLength: 8,
          }),
          classNames: fc.constant(["a", "b"]),
        })
        .chain((c) =>
          fc.record({
            name: fc.constant(c.name),
            texts: fc.constant(c.texts),
            classNames: fc.constant(c.classNames),
            labels: fc.array(fc.oneof(fc.integer({ min: 0, max: 1 }), fc.constantFrom(2, -1, 0.5)), {
              minLength: c.texts.length,
              maxLength: c.texts.length + 1,
            }),
          }),
        ),
      fc.record({
        name: adversarialValue,
        texts: adversarialValue,
        labels: adversarialValue,
        classNames: adversarialValue,
      }),
      adversarialValue,
    );
    check(
      fc.property(
        corpus,
        optionsOf([
          "features",
          "vocabularySize",
          "tfidf",
          "testFraction",
          "validationFraction",
          "seed",
          "tokenizer",
          "dtype",
        ]),
        (texts, options) => {
          expectDescentOutcome(() => api.textClassificationSplit(texts as never, options as never), {
            names: ["corpus", "options", "the counts", "texts", "labels"],
            check: (split) =>
              finiteTensor(split.train.inputs) === true ? datasetOk(split.train) : "non-finite feature",
          });
        },
      ),
      300,
    );
    check(
      fc.property(
        documents,
        documents,
        adversarialValue,
        fc.oneof(fc.integer({ min: 1, max: 16 }), adversarialValue),
        (train, other, dtype, size) => {
          const fitted = expectDescentOutcome(() => api.fitVocabulary(train as string[][], size as number), {
            names: ["documents", "size"],
          });
          const vocabulary = fitted.ok ? fitted.value : { words: ["x"], index: { x: 0 } };
          const counts = expectDescentOutcome(
            () => api.bagOfWords(other as string[][], vocabulary as never, dtype as never),
            { names: ["documents", "vocabulary", "dtype", "the counts"], check: finiteTensor },
          );
          expectDescentOutcome(
            () => api.hashedFeatures(other as string[][], size as number, dtype as never),
            { names: ["documents", "size", "dtype", "the counts"], check: finiteTensor },
          );
          const input = counts.ok ? counts.value : (dtype as TensorLike);
          const idf = expectDescentOutcome(() => api.fitInverseDocumentFrequency(input), {
            names: ["counts"],
            check: (w) => allFinite(w) || "non-finite idf",
          });
          expectDescentOutcome(() => api.tfidf(input, idf.ok ? idf.value : (size as Float64Array)), {
            names: ["counts", "idf"],
            check: (rows) => finiteTensor(rows),
          });
        },
      ),
      400,
    );
    const hugeCounts = new Tensor(new Float64Array([1e200, 1e200, 0, 3]), [2, 2]);
    const rows = api.tfidf(hugeCounts, new Float64Array([1, 2]));
    expect(allFinite(rows.data)).toBe(true);
    expect(Math.hypot(rows.data[0]!, rows.data[1]!)).toBeCloseTo(1, 12);
  });
});

describe("@descent/data/node fuzz", () => {
  const folder = mkdtempSync(join(tmpdir(), "descent-data-fuzz-"));

  it("loadCsv on random files and options", () => {
    fuzzes("loadCsv");
    let file = 0;
    check(
      fc.property(
        csvText,
        optionsOf(["header", "target", "delimiter", "dtype", "maxBytes", "targetType"]),
        fc.boolean(),
        (text, options, missing) => {
          const path = join(folder, `fuzz-${file++}.csv`);
          if (!missing) writeFileSync(path, text);
          expectDescentOutcome(() => nodeApi.loadCsv(path, options as never), {
            names: [path, "options"],
            check: (set) => (finiteTensor(set.inputs) === true ? datasetOk(set) : "non-finite cell"),
          });
        },
      ),
      200,
    );
    expectDescentOutcome(() => nodeApi.loadCsv(undefined as never), { names: ["path"] });
  });

  it("loadFashionMnist on folders of random and gzipped random bytes", () => {
    fuzzes("loadFashionMnist", "FASHION_MNIST_DIRECTORY");
    let run = 0;
    const file = fc.oneof(
      bytes,
      bytes.map((b) => gzipSync(b)),
      fc.uint8Array({ maxLength: 40 }).map((b) => Uint8Array.from([0x1f, 0x8b, ...b])),
    );
    check(
      fc.property(
        fc.array(file, { minLength: 4, maxLength: 4 }),
        optionsOf(["trainCount", "testCount"]),
        (files, options) => {
          const directory = join(folder, `fashion-${run++}`);
          mkdirSync(directory);
          const names = [
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
          ];
          files.forEach((bytesOfFile, i) => {
            writeFileSync(join(directory, names[i]!), bytesOfFile);
          });
          const given =
            typeof options === "object" && options !== null && !Array.isArray(options) ? options : {};
          expectDescentOutcome(() => nodeApi.loadFashionMnist({ ...given, directory } as never), {
            names: [directory, "options"],
          });
        },
      ),
      150,
    );
    expectDescentOutcome(() => nodeApi.loadFashionMnist(7 as never), { names: ["options"] });
  });

  // Each valid call reads a real data set (~5 s for the whole test on an idle machine, over a minute when
  // every package's tests share two busy cores), so this test gets more than the default minute.
  it("loadMnist, loadSensorAnomalies, loadSpamAssassin, readSpamAssassinMessages with adversarial options", () => {
    fuzzes("loadMnist", "loadSensorAnomalies", "loadSpamAssassin", "readSpamAssassinMessages");
    check(
      fc.property(optionsOf(["trainCount", "testCount", "seed"]), (options) => {
        const small =
          typeof options === "object" && options !== null && !Array.isArray(options)
            ? { trainCount: 20, testCount: 5, ...options }
            : options;
        expectDescentOutcome(() => nodeApi.loadMnist(small as never), {
          names: ["options", "trainCount", "testCount", "seed"],
          check: (split) =>
            finiteTensor(split.train.inputs) === true ? datasetOk(split.train) : "non-finite pixel",
        });
      }),
      60,
    );
    check(
      fc.property(optionsOf(["features", "testFraction", "validationFraction", "seed"]), (options) => {
        expectDescentOutcome(() => nodeApi.loadSensorAnomalies(options as never), {
          names: ["options", "features", "Fraction", "seed"],
          check: (split) => finiteTensor(split.train.inputs),
        });
      }),
      40,
    );
    // A valid SpamAssassin call vectorizes 6,046 e-mails (seconds): these options always hold a bad value.
    check(
      fc.property(
        optionsOf(["features", "tfidf", "testFraction", "seed", "tokenizer", "dtype"]),
        fc.constantFrom(-1, 0, 2.5, Number.NaN, "2000", null),
        (options, size) => {
          const given =
            typeof options === "object" && options !== null && !Array.isArray(options) ? options : {};
          expectDescentOutcome(() => nodeApi.loadSpamAssassin({ ...given, vocabularySize: size } as never), {
            names: ["options"],
          });
        },
      ),
      40,
    );
    expect(nodeApi.readSpamAssassinMessages().length).toBe(6046);
  }, 300_000);

  it("every public export of both entry points is fuzzed above", () => {
    const exported = [...Object.keys(api), ...Object.keys(nodeApi)].sort();
    expect(exported.filter((name) => !FUZZED.has(name))).toEqual([]);
  });
});

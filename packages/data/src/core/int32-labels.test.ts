// Why this exists: a dataset whose targets are int32 class labels must come out of every split and batch
// with its labels still int32 and unchanged (the row copies are typed-array loops that would silently
// truncate into a float buffer or round through one), and int32 inputs, which are never features, must be
// refused with the conversion to use.

import { DTypeError, Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { batches } from "../loader/batches.js";
import { splitDataset } from "../split/split.js";
import { standardizeSplit } from "../split/standardize.js";
import { circle } from "../toy/classification.js";
import { classCounts, createDataset, oneHotLabels, takeSamples } from "./dataset.js";

const floats = circle({ count: 101, seed: 3 });
const labelled = createDataset({
  ...floats,
  targets: new Tensor(Int32Array.from(floats.targets.data), floats.targets.shape),
});

/** The label of every input row, keyed by the row's first coordinate (unique in this set). */
function labelsByRow(dataset: {
  readonly inputs: { readonly data: ArrayLike<number> };
  readonly targets: { readonly data: ArrayLike<number> };
}): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i < dataset.targets.data.length; i++)
    map.set(dataset.inputs.data[2 * i]!, dataset.targets.data[i]!);
  return map;
}

describe("int32 labels in @descent/data", () => {
  it("splits (plain, stratified, standardized) keep int32 targets, the same rows as the float split", () => {
    const truth = labelsByRow(floats);
    for (const options of [
      { testFraction: 0.3, seed: 1 },
      { testFraction: 0.2, validationFraction: 0.2, stratify: true },
    ]) {
      const split = splitDataset(labelled, options);
      const reference = splitDataset(floats, options);
      for (const part of ["train", "test", "validation"] as const) {
        const got = split[part];
        if (got === undefined) continue;
        expect(got.targets.dtype).toBe("int32");
        expect(got.targets.data).toBeInstanceOf(Int32Array);
        expect(Array.from(got.targets.data)).toEqual(Array.from(reference[part]!.targets.data));
        for (const [x, label] of labelsByRow(got)) expect(label).toBe(truth.get(x));
      }
      const { split: scaled } = standardizeSplit(split);
      expect(scaled.train.targets.dtype).toBe("int32");
      expect(Array.from(scaled.test.targets.data)).toEqual(Array.from(split.test.targets.data));
    }
  });

  it("batches (shuffled, views, reused buffers) carry int32 targets matching their rows", () => {
    const truth = labelsByRow(floats);
    for (const options of [
      { batchSize: 16, seed: 2 },
      { batchSize: 16, shuffle: false },
      { batchSize: 7, reuseBuffers: true },
    ]) {
      let seen = 0;
      for (const batch of batches(labelled, options)) {
        expect(batch.targets.dtype).toBe("int32");
        expect(batch.targets.data).toBeInstanceOf(Int32Array);
        for (const [x, label] of labelsByRow(batch)) expect(label).toBe(truth.get(x));
        seen += batch.size;
      }
      expect(seen).toBe(101);
    }
  });

  it("takeSamples, classCounts and oneHotLabels read int32 labels as their float form", () => {
    const some = takeSamples(labelled, [5, 0, 100]);
    expect(some.targets.dtype).toBe("int32");
    expect(Array.from(some.targets.data)).toEqual([5, 0, 100].map((i) => floats.targets.data[i]));
    expect(classCounts(labelled)).toEqual(classCounts(floats));
    const rows = oneHotLabels(labelled.targets, 2);
    expect(rows.dtype).toBe("float32");
    expect(rows.toNested()).toEqual(oneHotLabels(floats.targets, 2).toNested());
  });

  it("refuses int32 inputs with a DTypeError naming cast", () => {
    const make = () =>
      createDataset({
        name: "ints",
        inputs: new Tensor(new Int32Array(4), [2, 2]) as never,
        targets: labelled.targets,
      });
    expect(make).toThrow(DTypeError);
    expect(make).toThrow(
      'createDataset: fields.inputs is an int32 tensor (class labels) but createDataset reads float values: convert it with cast(fields.inputs, "float32")',
    );
  });
});

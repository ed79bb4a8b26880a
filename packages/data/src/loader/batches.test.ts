import type { Dataset } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDataset } from "../core/dataset.js";
import { batches } from "./batches.js";

/** Sample i has inputs [i, 10i, 100i] and target i, so every batch row can be checked. */
function rows(n: number): Dataset {
  const inputs = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) inputs.set([i, 10 * i, 100 * i], 3 * i);
  return createDataset({
    name: "rows",
    inputs: new Tensor(inputs, [n, 3]),
    targets: new Tensor(
      Float32Array.from({ length: n }, (_, i) => i),
      [n],
    ),
  });
}

function epochSamples(loader: Iterable<{ targets: Tensor; inputs: Tensor }>): number[] {
  const seen: number[] = [];
  for (const batch of loader) {
    batch.targets.data.forEach((target, row) => {
      expect(Array.from(batch.inputs.data.subarray(3 * row, 3 * row + 3))).toEqual([
        target,
        10 * target,
        100 * target,
      ]);
      seen.push(target);
    });
  }
  return seen;
}

describe("batches", () => {
  it("covers every sample exactly once per epoch, for any size, batch size and seed (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer(),
        (n, batchSize, seed) => {
          const loader = batches(rows(n), { batchSize, seed });
          for (let epoch = 0; epoch < 2; epoch++) {
            const seen = epochSamples(loader);
            expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          }
          expect(loader.batchesPerEpoch).toBe(Math.ceil(n / batchSize));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("is deterministic for a seed, reshuffles every epoch, and epoch(k) equals the k-th pass", () => {
    const dataset = rows(50);
    const a = batches(dataset, { batchSize: 8, seed: 11 });
    const b = batches(dataset, { batchSize: 8, seed: 11 });
    const firstA = epochSamples(a);
    const secondA = epochSamples(a);
    expect(epochSamples(b)).toEqual(firstA);
    expect(secondA).not.toEqual(firstA);
    expect(epochSamples(b.epoch(1))).toEqual(secondA);
    expect(Array.from(a.order(1))).toEqual(secondA);
    expect(a.nextEpoch).toBe(2);
    expect(epochSamples(batches(dataset, { batchSize: 8, seed: 12 }))).not.toEqual(firstA);
  });

  it("gives batch sizes b, b, …, remainder, or drops the remainder with dropLast", () => {
    const sizes = [...batches(rows(10), { batchSize: 4 })].map((batch) => batch.size);
    expect(sizes).toEqual([4, 4, 2]);
    const dropped = batches(rows(10), { batchSize: 4, dropLast: true });
    expect([...dropped].map((batch) => batch.inputs.shape)).toEqual([
      [4, 3],
      [4, 3],
    ]);
    expect(dropped.batchesPerEpoch).toBe(2);
  });

  it("without shuffle, visits samples in order through zero-copy views", () => {
    const dataset = rows(7);
    const all = [...batches(dataset, { batchSize: 3, shuffle: false })];
    expect(all.map((batch) => Array.from(batch.targets.data))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(all[1]!.inputs.data.buffer).toBe(dataset.inputs.data.buffer);
    expect(all[1]!.index).toBe(1);
  });

  it("reuseBuffers: every batch shares one buffer (valid until the next batch), contents still right", () => {
    const loader = batches(rows(10), { batchSize: 4, seed: 3, reuseBuffers: true });
    const buffers = new Set<ArrayBufferLike>();
    const seen: number[] = [];
    for (const batch of loader) {
      buffers.add(batch.inputs.data.buffer);
      seen.push(...epochSamples([batch]));
    }
    expect(buffers.size).toBe(1);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    const copies = [...batches(rows(10), { batchSize: 4, seed: 3 })];
    expect(new Set(copies.map((batch) => batch.inputs.data.buffer)).size).toBe(3);
  });

  it("full batch (batchSize = n) and stochastic (batchSize = 1) modes", () => {
    expect([...batches(rows(5), { batchSize: 5 })].length).toBe(1);
    const single = [...batches(rows(5), { batchSize: 1 })];
    expect(single.map((batch) => batch.inputs.shape)).toEqual(Array(5).fill([1, 3]));
  });

  it("rejects a batch size that is not a positive integer", () => {
    expect(() => batches(rows(3), { batchSize: 0 })).toThrow(/batchSize = 0: pass a positive integer/);
    expect(() => batches(rows(3), { batchSize: 2.5 })).toThrow(/batchSize = 2.5/);
  });
});

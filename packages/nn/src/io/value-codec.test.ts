import type { Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue } from "./value-codec.js";

// encodeValue's output for the value below, written by the codec nn had before it shared
// @descent/tensor's encodeJson with optimizer state: objects with `$` keys wrapped in `$object`.
const SAVED_BEFORE =
  '{"$object":{"count":3,"specials":[{"$number":"NaN"},{"$number":"Infinity"},{"$number":"-Infinity"},{"$number":"-0"},0.1],"moments":[{"mu":{"dense":{"weights":{"$tensor":"@training.moments.0.mu.dense.weights"}}}}],"raw32":{"$float32Array":"@training.raw32"},"raw64":{"$float64Array":"@training.raw64"},"rng":{"$int32Array":[-2147483648,5]},"seed":{"$uint32Array":[4294967295]},"bytes":{"$uint8Array":[0,255]},"$weird":{"$object":{"$tensor":"not a tensor","$$double":[1,{"$object":{"$number":2}}]}},"nested":{"$object":{"$object":{"inner":{"$number":"-0"}}}},"plain":{"a":[null,true,false,"text"],"empty":{},"list":[]}}}';

describe("training state saved before the JSON codec was shared", () => {
  const weights = new Tensor(new Float32Array([1.5, -0]), [2]);
  const value = {
    count: 3,
    specials: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.1],
    moments: [{ mu: { dense: { weights } } }],
    raw32: Float32Array.from([0.25, Number.NaN]),
    raw64: Float64Array.from([Math.PI]),
    rng: Int32Array.from([-(2 ** 31), 5]),
    seed: Uint32Array.from([2 ** 32 - 1]),
    bytes: Uint8Array.from([0, 255]),
    $weird: { $tensor: "not a tensor", $$double: [1, { $number: 2 }] },
    nested: { $object: { inner: -0 } },
    plain: { a: [null, true, false, "text"], empty: {}, list: [] },
  };

  it("loads every escaped case exactly, claiming each tensor once", () => {
    const tensors = {
      "@training.moments.0.mu.dense.weights": weights,
      "@training.raw32": new Tensor(new Float32Array([0.25, Number.NaN]), [2]),
      "@training.raw64": new Tensor(new Float64Array([Math.PI]), [1]),
    };
    const claimed = new Set<string>();
    const decoded = decodeValue(JSON.parse(SAVED_BEFORE), tensors, "training", claimed) as typeof value;
    expect(decoded).toEqual(value);
    expect(decoded.moments[0]!.mu.dense.weights).toBe(weights);
    expect(Object.is(decoded.specials[3], -0)).toBe(true);
    expect(Object.is(decoded.nested.$object.inner, -0)).toBe(true);
    expect([...claimed].sort()).toEqual(Object.keys(tensors).sort());
  });

  it("writes the same tensors under the same names today, and reads its own output back", () => {
    const tensors: Record<string, TensorLike> = {};
    const json = JSON.parse(JSON.stringify(encodeValue(value, "@training", tensors)));
    expect(Object.keys(tensors)).toEqual([
      "@training.moments.0.mu.dense.weights",
      "@training.raw32",
      "@training.raw64",
    ]);
    expect(json.$$weird).toEqual({ $$tensor: "not a tensor", $$$double: [1, { $$number: 2 }] });
    expect(decodeValue(json, tensors as Record<string, Tensor>, "training")).toEqual(value);
  });
});

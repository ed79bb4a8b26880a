// Why this exists: avgPool2d and globalAveragePool2d are built-in layers, so their numbers (padding out of the
// count), their custom-op backward (against central finite differences), their output shapes and their saved
// configs (rebuilt by layerFromConfig, through a whole saved model) must all hold.

import { add, checkGradient, mul, sum, valueAndGrad } from "@descent/autodiff";
import type { Tensor as TensorLike } from "@descent/spec";
import { ShapeError, Tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { deserializeModel, serializeModel } from "../io/model-files.js";
import {
  avgPool2d,
  conv2d,
  dense,
  globalAveragePool2d,
  layerFromConfig,
  modelFromConfig,
  sequential,
} from "./index.js";
import { randomTensor, t64 } from "./test-helpers.js";

const expectOk = (check: { ok: boolean; message: string }) => expect(check.ok, check.message).toBe(true);

describe("avgPool2d", () => {
  it("averages each window per channel, leaving the padding out of the count", () => {
    const image = t64([1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16], [1, 4, 4, 1]);
    expect(Array.from(avgPool2d(2).apply({}, image).value.data)).toEqual([2.5, 6.5, 10.5, 14.5]);
    // "same", 3×3 at stride 2 over 4×4: pad 1 after (TensorFlow), windows rows 0–2 and 2–3, so the counts are
    // 9, 6, 6 and 4.
    const same = avgPool2d(3, { strides: 2, padding: "same" }).apply({}, image).value;
    expect(same.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(same.data)).toEqual([
      (1 + 2 + 5 + 3 + 4 + 7 + 9 + 10 + 13) / 9,
      (5 + 6 + 7 + 8 + 13 + 14) / 6,
      (9 + 10 + 13 + 11 + 12 + 15) / 6,
      (13 + 14 + 15 + 16) / 4,
    ]);
    const twoChannels = t64([1, -1, 2, -2, 3, -3, 4, -4], [1, 2, 2, 2]);
    expect(Array.from(avgPool2d(2).apply({}, twoChannels).value.data)).toEqual([2.5, -2.5]);
    expect(avgPool2d([2, 3], { strides: [1, 2] }).outputShape([5, 7, 3])).toEqual([4, 3, 3]);
    expect(avgPool2d(3, { padding: "same", strides: 2 }).outputShape([5, 7, 3])).toEqual([3, 4, 3]);
  });

  it("shares the gradient equally over each window (central finite differences)", () => {
    for (const options of [
      {},
      { strides: 1 as const, padding: "same" as const },
      { strides: [2, 1] as const },
    ]) {
      expectOk(checkGradient((x) => avgPool2d([2, 3], options).apply({}, x), randomTensor([2, 5, 6, 3], 7)));
    }
    // Two passes of one layer and a non-uniform cotangent: sum(pool(x)) + 2·sum(pool(x)²).
    const pool = avgPool2d(3, { strides: 2, padding: "same" });
    expectOk(
      checkGradient(
        (x) => {
          const y = pool.apply({}, x);
          return add(sum(y), mul(sum(mul(y, pool.apply({}, x))), 2));
        },
        randomTensor([1, 5, 5, 2], 9),
      ),
    );
  });

  it("rebuilds from its config and names the fix on bad input", () => {
    const layer = avgPool2d(3, { strides: [1, 2], padding: "same", name: "pool" });
    expect(layer.config).toEqual({
      type: "avgPool2d",
      name: "pool",
      poolSize: [3, 3],
      strides: [1, 2],
      padding: "same",
    });
    const rebuilt = layerFromConfig(JSON.parse(JSON.stringify(layer.config)));
    expect(rebuilt.config).toEqual(layer.config);
    const x = randomTensor([2, 6, 5, 3], 3);
    expect(Array.from(rebuilt.apply({}, x).value.data)).toEqual(Array.from(layer.apply({}, x).value.data));
    expect(() => avgPool2d(0)).toThrow(/avgPool2d: poolSize is 0/);
    expect(() => avgPool2d(2, { padding: "full" as never })).toThrow(ValueError);
    expect(() => avgPool2d(2, { stride: 2 } as never)).toThrow(ValueError);
    expect(() => avgPool2d(2).apply({}, randomTensor([4, 4]))).toThrow(ShapeError);
    expect(() => avgPool2d(5).apply({}, randomTensor([1, 4, 4, 1]))).toThrow(
      /avgPool2d: input size 4 is smaller/,
    );
  });
});

describe("avgPool2d and globalAveragePool2d with applyOptions.allocateTransient", () => {
  it("give the numbers and gradients of new arrays from arrays full of stale values (NaN)", () => {
    const taken: (Float32Array | Float64Array)[] = [];
    const allocateTransient = (dtype: "float32" | "float64", length: number) => {
      const array = dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
      taken.push(array.fill(Number.NaN));
      return array;
    };
    const x = randomTensor([2, 5, 6, 3], 4);
    for (const layer of [avgPool2d(3, { strides: 2, padding: "same" }), globalAveragePool2d()]) {
      const run = (options: { allocateTransient?: typeof allocateTransient }) =>
        valueAndGrad((input: TensorLike) =>
          sum(mul(layer.apply({}, input, options), layer.apply({}, input))),
        )(x);
      const before = taken.length;
      const reused = run({ allocateTransient });
      expect(taken.length - before).toBe(2); // the pooled output and the input gradient
      const fresh = run({});
      expect(reused.value.data).toEqual(fresh.value.data);
      expect(Array.from((reused.gradients as TensorLike).data)).toEqual(
        Array.from((fresh.gradients as TensorLike).data),
      );
    }
  });
});

describe("globalAveragePool2d", () => {
  it("averages each channel over the whole image: [n, h, w, c] → [n, c]", () => {
    const x = t64([1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60], [1, 2, 3, 2]);
    const y = globalAveragePool2d().apply({}, x).value;
    expect(y.shape).toEqual([1, 2]);
    expect(Array.from(y.data)).toEqual([3.5, 35]);
    expect(globalAveragePool2d().outputShape([7, 5, 16])).toEqual([16]);
    const float32 = new Tensor(
      Float32Array.from({ length: 2 * 3 * 3 * 8 }, (_, i) => i / 7),
      [2, 3, 3, 8],
    );
    expect(globalAveragePool2d().apply({}, float32).value.dtype).toBe("float32");
  });

  it("spreads the gradient evenly over the image (central finite differences, exact values)", () => {
    expectOk(checkGradient((x) => globalAveragePool2d().apply({}, x), randomTensor([2, 3, 4, 5], 11)));
    const pool = globalAveragePool2d();
    const x = randomTensor([2, 2, 2, 1], 5);
    const { gradients } = valueAndGrad((input: TensorLike) =>
      sum(mul(pool.apply({}, input), t64([1, 2], [2, 1]))),
    )(x);
    expect(Array.from((gradients as TensorLike).data)).toEqual([0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0.5, 0.5]);
  });

  it("rebuilds from its config, inside a saved model, and names the fix on bad input", () => {
    const model = sequential([
      conv2d(3, 4, 3),
      avgPool2d(2),
      globalAveragePool2d({ name: "head" }),
      dense(4, 2),
    ]);
    const params = model.init(1);
    const files = serializeModel({ architecture: model.config, params });
    const loaded = deserializeModel(files);
    const rebuilt = modelFromConfig(loaded.architecture!);
    expect(rebuilt.config).toEqual(model.config);
    expect(rebuilt.layerNames).toEqual(["conv2d_1", "avgPool2d_1", "head", "dense_1"]);
    const x = randomTensor([2, 8, 8, 3], 2);
    expect(rebuilt.outputShape([8, 8, 3])).toEqual([2]);
    expect(Array.from(rebuilt.apply(loaded.params, x).value.data)).toEqual(
      Array.from(model.apply(params, x).value.data),
    );
    expect(() => globalAveragePool2d().apply({}, randomTensor([2, 3]))).toThrow(ShapeError);
    expect(() => globalAveragePool2d().apply({}, new Tensor(new Float64Array(0), [2, 0, 3, 4]))).toThrow(
      /globalAveragePool2d: input \[2,0,3,4\] has no pixels/,
    );
    expect(() => globalAveragePool2d({ name: 3 } as never)).toThrow(ValueError);
  });
});

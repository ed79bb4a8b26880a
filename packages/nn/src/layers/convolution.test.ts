import { add, checkGradient, mul, neg, square, sum, valueAndGrad } from "@descent/autodiff";
import type { FloatDType, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { createRandom } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { conv2d, maxPool2d } from "./index.js";
import { closeTo, randomTensor, t64 } from "./test-helpers.js";

const expectOk = (check: { ok: boolean; message: string }) => expect(check.ok, check.message).toBe(true);

/** Direct convolution by the definition, for reference. */
function naiveConv(
  x: TensorLike,
  w: TensorLike,
  b: TensorLike,
  stride: [number, number],
  pad: [number, number],
  out: [number, number],
): number[] {
  const [n, h, width, c] = x.shape as number[];
  const [kh, kw, , o] = w.shape as number[];
  const result: number[] = [];
  for (let s = 0; s < n!; s++)
    for (let i = 0; i < out[0]; i++)
      for (let j = 0; j < out[1]; j++)
        for (let oc = 0; oc < o!; oc++) {
          let total = b.data[oc]!;
          for (let ky = 0; ky < kh!; ky++)
            for (let kx = 0; kx < kw!; kx++)
              for (let ic = 0; ic < c!; ic++) {
                const y = i * stride[0] + ky - pad[0];
                const xx = j * stride[1] + kx - pad[1];
                if (y < 0 || y >= h! || xx < 0 || xx >= width!) continue;
                total +=
                  x.data[((s * h! + y) * width! + xx) * c! + ic]! *
                  w.data[((ky * kw! + kx) * c! + ic) * o! + oc]!;
              }
          result.push(total);
        }
  return result;
}

describe("conv2d (NHWC, im2col + GEMM)", () => {
  const x = randomTensor([2, 5, 6, 3]);

  it("matches the definition with valid padding", () => {
    const layer = conv2d(3, 4, [3, 2]);
    const params = layer.init(createRandom(1), "float64");
    (params.bias as TensorLike).data.set([0.1, -0.2, 0.3, 0.4]);
    const y = layer.apply(params, x).value;
    expect(y.shape).toEqual([2, 3, 5, 4]);
    expect(
      closeTo(
        y,
        naiveConv(x, params.weights as TensorLike, params.bias as TensorLike, [1, 1], [0, 0], [3, 5]),
      ),
    ).toBe(true);
    expect(layer.outputShape([5, 6, 3])).toEqual([3, 5, 4]);
  });

  it("matches the definition with same padding and stride 2 (TensorFlow's padding split)", () => {
    const layer = conv2d(3, 2, 3, { padding: "same", strides: 2 });
    const params = layer.init(createRandom(2), "float64");
    const y = layer.apply(params, x).value;
    // out = ⌈5/2⌉ × ⌈6/2⌉ = 3 × 3; padding total 2 (rows: 1 before), 1 (columns: 0 before).
    expect(y.shape).toEqual([2, 3, 3, 2]);
    expect(
      closeTo(
        y,
        naiveConv(x, params.weights as TensorLike, params.bias as TensorLike, [2, 2], [1, 0], [3, 3]),
      ),
    ).toBe(true);
  });

  it("matches the definition when a window row is a long contiguous run (many channels, same padding)", () => {
    // kw·channels = 3·24 = 72 values per window row: the bulk-copy path inside the image, the per-cell path at the border.
    const wide = randomTensor([1, 5, 7, 24]);
    const layer = conv2d(24, 3, 3, { padding: "same" });
    const params = layer.init(createRandom(4), "float64");
    const y = layer.apply(params, wide).value;
    expect(y.shape).toEqual([1, 5, 7, 3]);
    expect(
      closeTo(
        y,
        naiveConv(wide, params.weights as TensorLike, params.bias as TensorLike, [1, 1], [1, 1], [5, 7]),
      ),
    ).toBe(true);
  });

  it("has correct gradients for weights, bias and input", () => {
    for (const options of [{}, { padding: "same" as const, strides: 2 }]) {
      const layer = conv2d(3, 2, 3, options);
      const params = layer.init(createRandom(3), "float64");
      expectOk(
        checkGradient((i) => layer.apply(i.params, i.x), { params, x: randomTensor([2, 4, 5, 3], 4) }),
      );
    }
  });

  it("rejects non-NHWC inputs and bad options", () => {
    const layer = conv2d(3, 2, 3);
    const params = layer.init(createRandom(0));
    expect(() => layer.apply(params, randomTensor([2, 3, 5, 5]))).toThrow(
      /expected NHWC images \[batch, height, width, 3\]/,
    );
    expect(() => layer.apply(params, randomTensor([1, 2, 2, 3]))).toThrow(/smaller than the window 3/);
    expect(() => conv2d(3, 2, 0)).toThrow(/kernelSize is 0/);
  });

  it("writes ∂W and ∂b into ApplyOptions.allocateGradient's arrays, with the bits of new arrays", () => {
    const layer = conv2d(3, 4, [3, 2], { padding: "same" });
    const params = layer.init(createRandom(2), "float64");
    const given = new Set<Float32Array | Float64Array>();
    const allocateGradient = (dtype: FloatDType, length: number) => {
      const array = dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
      given.add(array.fill(Number.NaN));
      return array;
    };
    const gradientsOf = (options: { allocateGradient?: typeof allocateGradient }) =>
      valueAndGrad((p: ParamTree) => sum(square(layer.apply(p, x, options))))(params).gradients as ParamTree;
    const pooled = gradientsOf({ allocateGradient });
    const plain = gradientsOf({});
    for (const leaf of ["weights", "bias"]) {
      const data = (pooled[leaf] as TensorLike).data as Float64Array;
      expect(given.has(data)).toBe(true);
      expect(Array.from(data)).toEqual(Array.from((plain[leaf] as TensorLike).data));
    }
  });
});

describe("maxPool2d", () => {
  it("takes the max of each window, per channel", () => {
    // One 4×4 image, 1 channel.
    const image = t64([1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16], [1, 4, 4, 1]);
    expect(Array.from(maxPool2d(2).apply({}, image).value.data)).toEqual([4, 8, 12, 16]);
    const same = maxPool2d(3, { strides: 2, padding: "same" }).apply({}, image).value;
    expect(same.shape).toEqual([1, 2, 2, 1]);
    // Padding 1 goes after (TensorFlow): windows rows 0–2 and 2–3, columns 0–2 and 2–3.
    expect(Array.from(same.data)).toEqual([13, 14, 15, 16]);
    const twoChannels = t64([1, -1, 2, -2, 3, -3, 4, -4], [1, 2, 2, 2]);
    expect(Array.from(maxPool2d(2).apply({}, twoChannels).value.data)).toEqual([4, -1]);
  });

  it("picks the first winner on ties and lets NaN win, per channel", () => {
    // 2×2 window, 2 channels: channel 0 ties 5, 5, 1, 5 (the first cell wins); channel 1 has NaN at the third cell.
    const x = t64([5, 1, 5, 2, 1, Number.NaN, 5, 3], [1, 2, 2, 2]);
    const pool = maxPool2d(2);
    expect(Array.from(pool.apply({}, x).value.data)).toEqual([5, Number.NaN]);
    const { gradients } = valueAndGrad((input: TensorLike) => sum(pool.apply({}, input)))(x);
    expect(Array.from((gradients as TensorLike).data)).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it("routes the gradient to the winner", () => {
    for (const options of [{}, { strides: 1 as const, padding: "same" as const }]) {
      expectOk(checkGradient((x) => maxPool2d(2, options).apply({}, x), randomTensor([2, 4, 5, 3], 7)));
    }
  });

  it("routes each of several passes of one layer to its own winners", () => {
    const pool = maxPool2d(2);
    // max over windows of x and of −x pick different elements: a mixed-up backward would fail the check.
    expectOk(
      checkGradient(
        (x) => add(pool.apply({}, x), mul(pool.apply({}, neg(x)), 2)),
        randomTensor([2, 4, 4, 3], 9),
      ),
    );
  });
});

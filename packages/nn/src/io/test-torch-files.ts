// Test helpers (not shipped): PyTorch-style state_dict files and reference computations written out by
// hand in PyTorch's layouts (Linear [out, in], Conv2d [out, in, kh, kw], NCHW), independent of descent's code.

import { Tensor } from "@descent/tensor";
import { dense, sequential } from "../layers/index.js";

/** Deterministic values in [-1, 1) from a seed (a small LCG): test data without descent's RNG. */
export function values(seed: number, size: number): Float32Array {
  const data = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return data;
}

/** A float32 tensor of `shape` filled by {@link values}. */
export function randomTensor(seed: number, shape: number[]): Tensor {
  return new Tensor(
    values(
      seed,
      shape.reduce((product, n) => product * n, 1),
    ),
    shape,
  );
}

/** The state_dict of `nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 3))`: modules 0 and 2. */
export const mlpTensors = {
  "0.weight": randomTensor(1, [8, 4]),
  "0.bias": randomTensor(2, [8]),
  "2.weight": randomTensor(3, [3, 8]),
  "2.bias": randomTensor(4, [3]),
};

/** The descent model {@link mlpTensors} load into. */
export const mlp = () => sequential([dense(4, 8), "relu", dense(8, 3)]);

/**
 * A safetensors file as `safetensors.torch.save_file` writes one: names sorted as strings, float32 data,
 * and int64 entries (BatchNorm's `num_batches_tracked`) given as bigints.
 */
export function torchSafetensors(tensors: Record<string, Tensor | bigint>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const value = tensors[name]!;
    const bytes =
      typeof value === "bigint"
        ? new Uint8Array(new BigInt64Array([value]).buffer)
        : new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength);
    header[name] =
      typeof value === "bigint"
        ? { dtype: "I64", shape: [], data_offsets: [offset, offset + 8] }
        : { dtype: "F32", shape: [...value.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const output = new Uint8Array(8 + json.length + offset);
  new DataView(output.buffer).setUint32(0, json.length, true);
  output.set(json, 8);
  let at = 8 + json.length;
  for (const chunk of chunks) {
    output.set(chunk, at);
    at += chunk.length;
  }
  return output;
}

/** `x · Wᵀ + b` for a PyTorch Linear: x `[n, in]`, weight `[out, in]`, bias `[out]`. */
export function linearReference(x: Float32Array, n: number, weight: Tensor, bias: Tensor): Float64Array {
  const [out, inputs] = weight.shape as [number, number];
  const y = new Float64Array(n * out);
  for (let r = 0; r < n; r++)
    for (let o = 0; o < out; o++) {
      let sum = bias.data[o]!;
      for (let i = 0; i < inputs; i++) sum += x[r * inputs + i]! * weight.data[o * inputs + i]!;
      y[r * out + o] = sum;
    }
  return y;
}

/** A PyTorch Conv2d (stride 1, zero padding `pad`) on NCHW `x` `[n, in, h, w]`, weight `[out, in, k, k]`. */
export function conv2dReference(
  x: Float64Array,
  [n, inputs, h, w]: number[],
  weight: Tensor,
  bias: Tensor,
  pad: number,
): Float64Array {
  const [out, , k] = weight.shape as [number, number, number, number];
  const [oh, ow] = [h! + 2 * pad - k + 1, w! + 2 * pad - k + 1];
  const y = new Float64Array(n! * out * oh * ow);
  for (let b = 0; b < n!; b++)
    for (let o = 0; o < out; o++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let sum = bias.data[o]!;
          for (let c = 0; c < inputs!; c++)
            for (let u = 0; u < k; u++)
              for (let v = 0; v < k; v++) {
                const [row, col] = [i + u - pad, j + v - pad];
                if (row < 0 || row >= h! || col < 0 || col >= w!) continue;
                sum +=
                  x[((b * inputs! + c) * h! + row) * w! + col]! *
                  weight.data[((o * inputs! + c) * k + u) * k + v]!;
              }
          y[((b * out + o) * oh + i) * ow + j] = sum;
        }
  return y;
}

/** NHWC `[n, h, w, c]` data as NCHW. */
export function toChannelsFirst(x: Float32Array, [n, h, w, c]: number[]): Float64Array {
  const y = new Float64Array(x.length);
  for (let b = 0; b < n!; b++)
    for (let i = 0; i < h!; i++)
      for (let j = 0; j < w!; j++)
        for (let k = 0; k < c!; k++)
          y[((b * c! + k) * h! + i) * w! + j] = x[((b * h! + i) * w! + j) * c! + k]!;
  return y;
}

// Why this exists: convolution2d, its backward, linearBackward and max pooling take their result and
// intermediate arrays from a caller's allocator (fit's step-long scratch arrays, handed out again with old
// values in them). Whatever the allocator's arrays hold, the results must be the bits of new arrays, and an
// allocator that returns the wrong array must fail with an error naming the option.

import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DTypeError, ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { jsKernels } from "../kernels/js-kernels.js";
import { getKernels, setKernels } from "../kernels/registry.js";
import { seededFloat32 } from "../kernels/testing/float32-arrays.js";
import { compileWasmKernels } from "../kernels/wasm/wasm-kernels.js";
import { convolution2d, convolution2dBackward } from "./convolution.js";
import { linear, linearBackward } from "./linear.js";
import { maxPool, maxPoolBackward, windowGeometry } from "./windows.js";

const wasm = compileWasmKernels("wasm-simd");
const initial = getKernels();
afterAll(() => {
  setKernels(initial);
  wasm.engine.terminate();
});

let residentArrays = false;

/**
 * An allocator whose arrays hold NaN and remembers them, as a reused step array holds the last step's values;
 * with `residentArrays`, float32 ones live in the wasm kernels' memory, where the kernels use them in place.
 */
function garbageAllocator() {
  const arrays: (Float32Array | Float64Array)[] = [];
  const allocate = (dtype: "float32" | "float64", length: number) => {
    const resident = residentArrays && dtype === "float32" ? wasm.residentFloat32!(length) : null;
    if (residentArrays && resident === null)
      throw new Error("no resident storage: the in-place paths go untested");
    const array = resident ?? (dtype === "float64" ? new Float64Array(length) : new Float32Array(length));
    array.fill(Number.NaN);
    arrays.push(array);
    return array;
  };
  return { allocate, arrays };
}

/** `tensor` itself, or with `residentArrays` a copy in the wasm kernels' memory (as fit's batch and step arrays). */
function placed(tensor: Tensor): Tensor {
  if (!residentArrays) return tensor;
  const copy = wasm.residentFloat32!(tensor.data.length)!;
  copy.set(tensor.data);
  return new Tensor(copy, tensor.shape);
}

const bits = (tensor: { data: ArrayLike<number> } | undefined) => Array.from(Float32Array.from(tensor!.data));

describe.each([
  ["js", () => setKernels(jsKernels)],
  ["wasm-simd", () => setKernels(wasm)],
  [
    "wasm-simd, resident arrays",
    () => {
      setKernels(wasm);
      residentArrays = true;
    },
  ],
] as const)("allocator options (%s kernels)", (_name, select) => {
  afterEach(() => {
    residentArrays = false;
  });
  // Big enough for the module's paths: the pooling, col2im and GEMM thresholds.
  const images = new Tensor(seededFloat32(4 * 12 * 12 * 8, 1), [4, 12, 12, 8]);
  const weights = new Tensor(seededFloat32(3 * 3 * 8 * 16, 2), [3, 3, 8, 16]);
  const bias = new Tensor(seededFloat32(16, 3), [16]);

  it("convolution2d and its backward give the bits of new arrays and write into the allocator's", () => {
    select();
    const x = placed(images);
    const forward = garbageAllocator();
    const y = convolution2d(x, weights, {
      padding: "same",
      bias,
      activation: "relu",
      allocate: forward.allocate,
    });
    const plainY = convolution2d(x, weights, { padding: "same", bias, activation: "relu" });
    expect(forward.arrays).toEqual([y.data]);
    expect(bits(y)).toEqual(bits(plainY));
    const cotangent = placed(new Tensor(seededFloat32(y.data.length, 4), y.shape));
    const options = {
      input: x,
      weights,
      output: y,
      cotangent,
      padding: "same",
      activation: "relu",
      bias: true,
      inputGradient: true,
    } as const;
    const intermediate = garbageAllocator();
    const got = convolution2dBackward({ ...options, allocateIntermediate: intermediate.allocate });
    const expected = convolution2dBackward(options);
    expect(intermediate.arrays).toHaveLength(2); // g ⊙ [y > 0] and ∂x
    expect(intermediate.arrays).toContain(got.input!.data);
    expect(bits(got.input)).toEqual(bits(expected.input));
    expect(bits(got.weights)).toEqual(bits(expected.weights));
    expect(bits(got.bias)).toEqual(bits(expected.bias));
  });

  it("linear writes its result into the allocator's array, with the bits of a new one", () => {
    select();
    const input = placed(new Tensor(seededFloat32(64 * 48, 5), [64, 48]));
    const matrix = placed(new Tensor(seededFloat32(48 * 40, 6), [48, 40]));
    const offset = placed(new Tensor(seededFloat32(40, 7), [40]));
    for (const activation of ["none", "relu"] as const) {
      const forward = garbageAllocator();
      const y = linear(input, matrix, { bias: offset, activation, allocate: forward.allocate });
      expect(forward.arrays).toEqual([y.data]);
      expect(y.shape).toEqual([64, 40]);
      expect(bits(y)).toEqual(bits(linear(input, matrix, { bias: offset, activation })));
    }
  });

  it("linearBackward takes g ⊙ [y > 0] and ∂x from allocateIntermediate", () => {
    select();
    const input = new Tensor(seededFloat32(64 * 48, 5), [64, 48]);
    const matrix = new Tensor(seededFloat32(48 * 40, 6), [48, 40]);
    const output = placed(linear(input, matrix, { activation: "relu" }));
    const options = {
      input,
      weights: matrix,
      output,
      cotangent: placed(new Tensor(seededFloat32(64 * 40, 7), [64, 40])),
      activation: "relu",
      bias: true,
      inputGradient: true,
    } as const;
    const intermediate = garbageAllocator();
    const got = linearBackward({ ...options, allocateIntermediate: intermediate.allocate });
    expect(intermediate.arrays).toHaveLength(2);
    const expected = linearBackward(options);
    expect(bits(got.input)).toEqual(bits(expected.input));
    expect(bits(got.bias)).toEqual(bits(expected.bias));
  });

  it("maxPool puts its output and the winners' indices in the allocator's arrays; the backward zeroes its own", () => {
    select();
    const x = placed(images);
    const geometry = windowGeometry("maxPool2d", x.shape, [2, 2], [2, 2], "valid");
    const forward = garbageAllocator();
    const pooled = maxPool(x, geometry, { allocate: forward.allocate });
    const plain = maxPool(x, geometry);
    expect(forward.arrays).toHaveLength(2);
    expect(pooled.argmax.buffer).toBe(forward.arrays[1]!.buffer);
    expect(bits(pooled.output)).toEqual(bits(plain.output));
    expect(Array.from(pooled.argmax)).toEqual(Array.from(plain.argmax));
    const cotangent = new Tensor(seededFloat32(plain.output.data.length, 8), plain.output.shape);
    const backward = garbageAllocator();
    const gradient = maxPoolBackward(cotangent, plain.argmax, geometry, { allocate: backward.allocate });
    expect(backward.arrays).toEqual([gradient.data]);
    expect(bits(gradient)).toEqual(bits(maxPoolBackward(cotangent, plain.argmax, geometry)));
  });
});

describe("allocator options on bad input", () => {
  const x = new Tensor(seededFloat32(1 * 5 * 5 * 2, 1), [1, 5, 5, 2]);
  const weights = new Tensor(seededFloat32(3 * 3 * 2 * 4, 2), [3, 3, 2, 4]);
  const geometry = windowGeometry("maxPool2d", x.shape, [2, 2], [2, 2], "valid");

  it("names the option, the array it got and the fix", () => {
    expect(() => convolution2d(x, weights, { allocate: 3 as never })).toThrow(
      new ValueError("convolution2d", "options.allocate is 3: pass (dtype, length) => array"),
    );
    expect(() => convolution2d(x, weights, { allocate: () => new Float32Array(5) })).toThrow(
      /convolution2d: options\.allocate\("float32", 36\) returned a Float32Array of 5 elements: return a Float32Array of exactly 36 elements/,
    );
    const cotangent = new Tensor(new Float32Array(36), [1, 3, 3, 4]);
    const backward = { input: x, weights, cotangent, bias: false, inputGradient: true } as const;
    expect(() =>
      convolution2dBackward({ ...backward, allocateIntermediate: (_dtype, n) => new Float64Array(n) }),
    ).toThrow(DTypeError);
    expect(() =>
      convolution2dBackward({ ...backward, allocateIntermediate: (_dtype, n) => new Float64Array(n) }),
    ).toThrow(/options\.allocateIntermediate\("float32", 50\) returned a Float64Array/);
    const input = new Tensor(seededFloat32(4 * 6, 3), [4, 6]);
    const matrix = new Tensor(seededFloat32(6 * 6, 4), [6, 6]);
    expect(() => linear(input, matrix, { allocate: {} as never })).toThrow(
      new ValueError("linear", "options.allocate is an object (Object): pass (dtype, length) => array"),
    );
    expect(() => linear(input, matrix, { allocate: () => new Float32Array(23) })).toThrow(
      /linear: options\.allocate\("float32", 24\) returned a Float32Array of 23 elements: return a Float32Array of exactly 24 elements/,
    );
    expect(() => linear(input, matrix, { allocate: (_dtype, n) => new Float64Array(n) })).toThrow(DTypeError);
    // In place over an operand, the product would read values it has already overwritten.
    expect(() => linear(input, matrix, { allocate: () => input.data as Float32Array })).toThrow(
      new ValueError(
        "linear",
        "options.allocate returned an array that shares memory with x: the product would overwrite its own operand; return an array of its own",
      ),
    );
    expect(() =>
      linear(input, matrix, { allocate: () => (matrix.data as Float32Array).subarray(12, 36) }),
    ).toThrow(/shares memory with weights/);
    const sharedBias = new Tensor((input.data as Float32Array).subarray(0, 6), [6]);
    const elsewhere = new Float32Array(30);
    expect(() =>
      linear(input, matrix, {
        bias: sharedBias,
        allocate: () => (input.data as Float32Array).subarray(0, 24),
      }),
    ).toThrow(/shares memory with x/);
    expect(
      Array.from(linear(input, matrix, { bias: sharedBias, allocate: () => elsewhere.subarray(6) }).data),
    ).toEqual(Array.from(linear(input, matrix, { bias: sharedBias }).data));
    expect(() => maxPool(x, geometry, { allocate: "pool" as never })).toThrow(
      /maxPool: options\.allocate is "pool"/,
    );
    expect(() => maxPool(x, geometry, { scratch: 1 } as never)).toThrow(
      /maxPool: options\.scratch is not an option/,
    );
    expect(() =>
      maxPoolBackward(new Tensor(new Float32Array(8), [1, 2, 2, 2]), new Int32Array(8), geometry, {
        allocate: () => new Float32Array(3),
      }),
    ).toThrow(/maxPoolBackward: options\.allocate\("float32", 50\) returned a Float32Array of 3 elements/);
  });

  it("maxPoolBackward rejects winners' indices outside the input, at either end", () => {
    const cotangent = new Tensor(new Float32Array(8), [1, 2, 2, 2]);
    for (const bad of [-1, 50, 2 ** 31 - 1, -(2 ** 31)]) {
      const argmax = new Int32Array(8).fill(3);
      argmax[5] = bad;
      expect(() => maxPoolBackward(cotangent, argmax, geometry)).toThrow(
        new ValueError(
          "maxPoolBackward",
          "argmax holds an index outside the 50 inputs: pass the argmax maxPool returned",
        ),
      );
    }
    const edges = Int32Array.from([0, 49, 0, 49, 1, 2, 3, 4]);
    expect(maxPoolBackward(cotangent, edges, geometry).data.length).toBe(50);
  });
});

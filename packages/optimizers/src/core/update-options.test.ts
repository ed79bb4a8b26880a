// Why this exists: `UpdateOptions` lets a caller (fit) give a transformation the arrays for its next state and
// its updates, which it then reuses: a transformation that writes elsewhere, leaves an element unwritten or
// keeps one of them would corrupt a later step. These tests hand out NaN-filled arrays, as a reused array
// holds old values, and check that every one is used, fully written, with the bits of new arrays; that a chain
// gives its parts the updates arrays only when the next part keeps none of them; and that bad allocators fail
// with errors that name the option.

import type {
  ArrayAllocator,
  DType,
  GradientTransformation,
  ParamTree,
  Tensor as TensorLike,
} from "@descent/spec";
import { Tensor, treeFlatten, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { adam } from "../aliases/adam-family.js";
import { chain } from "../combine/chain.js";
import { scaleByAdam } from "../transforms/adam.js";
import { scaleByLearningRate } from "../transforms/scale.js";
import { fusedStep } from "../tree/fused-step.js";
import { requireTransformation } from "./validate.js";

function filled(length: number, seed: number, dtype: DType): Tensor {
  const data = dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) data[i] = Math.sin(seed * 7.1 + i * 1.3);
  return new Tensor(data, [length]);
}

function tree(seed: number, dtype: DType): ParamTree {
  return {
    layer: { weights: filled(12, seed, dtype), bias: filled(3, seed + 1, dtype) },
    out: filled(5, seed + 2, dtype),
  };
}

const leaves = (value: ParamTree) => treeFlatten(value).leaves.map((leaf) => Array.from(leaf.data));

/** An allocator of NaN-filled arrays that remembers what it handed out. */
function recording(): { allocate: ArrayAllocator; arrays: (Float32Array | Float64Array)[] } {
  const arrays: (Float32Array | Float64Array)[] = [];
  const allocate: ArrayAllocator = (dtype, length) => {
    const array = dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
    array.fill(Number.NaN);
    arrays.push(array);
    return array;
  };
  return { allocate, arrays };
}

const arraysOf = (value: ParamTree | null): unknown[] =>
  value === null ? [] : treeFlatten(value).leaves.map((leaf: TensorLike) => leaf.data);

describe("UpdateOptions: the caller's arrays for the next state and the updates", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const amsgrad of [false, true]) {
      it(`scaleByAdam writes its moments and updates into them, with the bits of new arrays (${dtype}${amsgrad ? ", AMSGrad" : ""})`, () => {
        const params = tree(1, dtype);
        const transform = scaleByAdam({ amsgrad });
        let state = transform.init(params);
        let plainState = state;
        for (let step = 0; step < 3; step++) {
          const gradients = tree(10 + step, dtype);
          const stateArrays = recording();
          const updateArrays = recording();
          const given = transform.update(gradients, state, params, {
            allocateState: stateArrays.allocate,
            allocateUpdates: updateArrays.allocate,
          });
          const plain = transform.update(gradients, plainState, params);
          expect(leaves(given.updates)).toEqual(leaves(plain.updates));
          expect(leaves(given.state.mu)).toEqual(leaves(plain.state.mu));
          expect(leaves(given.state.nu)).toEqual(leaves(plain.state.nu));
          expect(given.state.count).toBe(plain.state.count);
          // Every array handed out is one of the results, and every result array was handed out.
          expect(arraysOf(given.updates)).toEqual(updateArrays.arrays);
          const stateResults = [
            ...arraysOf(given.state.mu),
            ...arraysOf(given.state.nu),
            ...arraysOf(given.state.nuMax),
          ];
          expect(new Set(stateResults)).toEqual(new Set(stateArrays.arrays));
          expect(stateArrays.arrays).toHaveLength(amsgrad ? 9 : 6);
          state = given.state;
          plainState = plain.state;
        }
      });
    }
  }

  it("a chain's fused step hands the updates arrays to Adam only when the next part keeps none of them", () => {
    const params = tree(1, "float32");
    const gradients = tree(2, "float32");
    const run = (optimizer: GradientTransformation<unknown>) => {
      const stateArrays = recording();
      const updateArrays = recording();
      const result = fusedStep(optimizer)!(gradients, optimizer.init(params), params, {
        allocateState: stateArrays.allocate,
        allocateUpdates: updateArrays.allocate,
      });
      const plain = fusedStep(optimizer)!(gradients, optimizer.init(params), params);
      expect(leaves(result.params)).toEqual(leaves(plain.params));
      return { stateArrays: stateArrays.arrays, updateArrays: updateArrays.arrays };
    };
    // adam(): scaleByAdam's updates go straight to the learning-rate step, which declares releasesGradients.
    const direct = run(adam({ learningRate: 0.01 }));
    expect(direct.updateArrays).toHaveLength(3);
    expect(direct.stateArrays).toHaveLength(6);
    // A part that keeps its input by reference consumes Adam's updates: they must be new arrays.
    const keeper: GradientTransformation<{ last: ParamTree | null }> = {
      init: () => ({ last: null }),
      update: (updates) => ({ updates, state: { last: updates } }),
    };
    const kept = run(chain(scaleByAdam(), keeper, scaleByLearningRate(0.01)));
    expect(kept.updateArrays).toHaveLength(0);
    expect(kept.stateArrays).toHaveLength(6);
  });

  it("names the option, what it returned and the fix when an allocator is wrong", () => {
    const params = tree(1, "float32");
    const gradients = tree(2, "float32");
    const transform = scaleByAdam();
    const state = transform.init(params);
    expect(() =>
      transform.update(gradients, state, params, { allocateState: () => new Float32Array(2) }),
    ).toThrow(
      new ValueError(
        "scaleByAdam",
        'options.allocateState("float32", 12) returned a Float32Array of 2 elements: return a Float32Array of exactly 12 elements',
      ),
    );
    expect(() =>
      transform.update(gradients, state, params, { allocateUpdates: (_dtype, n) => new Float64Array(n) }),
    ).toThrow(/options\.allocateUpdates\("float32", 12\) returned a Float64Array of 12 elements/);
    expect(() => transform.update(gradients, state, params, { allocateState: 3 as never })).toThrow(
      /scaleByAdam: options\.allocateState = 3 is not a function/,
    );
    expect(() => transform.update(gradients, state, params, { allocate: () => null } as never)).toThrow(
      /scaleByAdam: unknown option "allocate"/,
    );
    expect(() =>
      requireTransformation("chain", "transforms[0]", { ...scaleByAdam(), releasesGradients: false }),
    ).toThrow(/transforms\[0\]\.releasesGradients = false: declare it true/);
  });
});

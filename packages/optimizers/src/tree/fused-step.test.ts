import type { DType, GradientTransformation, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { adam, adamw, lion } from "../aliases/adam-family.js";
import { momentum, nesterov, sgd } from "../aliases/sgd.js";
import { chain } from "../combine/chain.js";
import { exponentialDecay } from "../schedules/decay.js";
import { createOptimizer } from "../state/create-optimizer.js";
import { scaleByAdam } from "../transforms/adam.js";
import { clipByValue } from "../transforms/clip.js";
import { identity, scale, scaleByLearningRate } from "../transforms/scale.js";
import { trace } from "../transforms/trace.js";
import { fusedStep } from "./fused-step.js";
import { applyUpdates } from "./tree.js";

function filled(length: number, seed: number, dtype: DType, magnitude = 1): Tensor {
  const data = dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = magnitude * ((state >>> 0) / 2 ** 31 - 1);
  }
  return new Tensor(data, [length]);
}

function tree(sizes: readonly number[], seed: number, dtype: DType, magnitude = 1): ParamTree {
  return {
    layer: { weights: filled(sizes[0]!, seed, dtype, magnitude), bias: filled(sizes[1]!, seed + 1, dtype) },
    out: filled(sizes[2]!, seed + 2, dtype, magnitude),
  };
}

function bits(params: ParamTree): number[][] {
  const leaves = [
    (params.layer as ParamTree).weights as TensorLike,
    (params.layer as ParamTree).bias as TensorLike,
    params.out as TensorLike,
  ];
  return leaves.map((leaf) => Array.from(leaf.data));
}

function scaleTree(updates: ParamTree, factor: number): ParamTree {
  const scaleLeaf = (leaf: TensorLike) => {
    const data = leaf.data.slice();
    for (let i = 0; i < data.length; i++) data[i]! *= factor;
    return new Tensor(data, leaf.shape);
  };
  const layer = updates.layer as ParamTree;
  return {
    layer: { weights: scaleLeaf(layer.weights as TensorLike), bias: scaleLeaf(layer.bias as TensorLike) },
    out: scaleLeaf(updates.out as TensorLike),
  };
}

const optimizers: [string, () => GradientTransformation<unknown>][] = [
  ["sgd", () => sgd({ learningRate: 0.1 })],
  [
    "sgd with a schedule",
    () => sgd({ learningRate: exponentialDecay({ initialValue: 0.3, decayRate: 0.5, transitionSteps: 2 }) }),
  ],
  ["sgd with weight decay", () => sgd({ learningRate: 0.05, weightDecay: 0.01 })],
  ["momentum", () => momentum({ learningRate: 0.05, momentum: 0.9 })],
  ["nesterov", () => nesterov({ learningRate: 0.05, momentum: 0.8 })],
  ["adam", () => adam({ learningRate: 1e-2 })],
  ["adamw", () => adamw({ learningRate: 1e-2, weightDecay: 0.1 })],
  ["lion", () => lion({ learningRate: 1e-3 })],
  ["scaleByLearningRate alone", () => scaleByLearningRate(0.3)],
  ["ascent (flipSign false)", () => scaleByLearningRate(0.2, { flipSign: false })],
  [
    "nested chain",
    () => chain(clipByValue(0.5), chain(identity(), trace({ decay: 0.5 }), scaleByLearningRate(0.1))),
  ],
];

describe("fusedStep", () => {
  for (const [name, make] of optimizers) {
    it(`gives the parameters and state of update + applyUpdates bit for bit (${name})`, () => {
      fc.assert(
        fc.property(
          fc.record({
            sizes: fc.tuple(
              fc.integer({ min: 0, max: 40 }),
              fc.integer({ min: 1, max: 5 }),
              fc.integer({ min: 1, max: 9 }),
            ),
            seed: fc.integer({ min: 1, max: 2 ** 30 }),
            dtype: fc.constantFrom<DType>("float32", "float64"),
            factor: fc.constantFrom(1, 0.5, 0.3),
          }),
          ({ sizes, seed, dtype, factor }) => {
            const optimizer = make();
            const step = fusedStep(optimizer);
            expect(step).toBeDefined();
            let plainParams = tree(sizes, seed, dtype);
            let fusedParams = plainParams;
            let plainState = optimizer.init(plainParams);
            let fusedState = optimizer.init(fusedParams);
            for (let t = 0; t < 3; t++) {
              const gradients = tree(sizes, seed * 7 + t, dtype);
              const { updates, state } = optimizer.update(gradients, plainState, plainParams);
              plainParams = applyUpdates(plainParams, factor === 1 ? updates : scaleTree(updates, factor));
              plainState = state;
              const before = bits(gradients);
              const stepped = step!(gradients, fusedState, fusedParams, { scale: factor });
              expect(bits(gradients)).toEqual(before);
              expect(stepped.finite).toBe(true);
              fusedParams = stepped.params;
              fusedState = stepped.state;
              expect(bits(fusedParams)).toEqual(bits(plainParams));
            }
            expect(JSON.stringify(fusedState)).toEqual(JSON.stringify(plainState));
          },
        ),
        { numRuns: 25 },
      );
    });
  }

  it("is undefined for transformations without a fused form (custom, or a chain not ending in a learning rate)", () => {
    const custom: GradientTransformation<Record<string, never>> = {
      init: () => ({}),
      update: (gradients, state) => ({ updates: gradients, state }),
    };
    expect(fusedStep(custom)).toBeUndefined();
    expect(fusedStep(chain(scaleByLearningRate(0.1), scale(2)))).toBeUndefined();
    expect(fusedStep(chain())).toBeUndefined();
  });

  it("reports non-finite gradients and overflowing parameters, even when a transform hides the gradient", () => {
    const params = tree([4, 2, 3], 5, "float32");
    const bad = tree([4, 2, 3], 6, "float32");
    ((bad.layer as ParamTree).bias as TensorLike).data[1] = Number.NaN;
    for (const optimizer of [
      sgd({ learningRate: 0.1 }) as GradientTransformation<unknown>,
      sgd({ learningRate: 0 }),
      chain(clipByValue(1), scaleByLearningRate(0.1)),
    ]) {
      const step = fusedStep(optimizer)!;
      expect(step(bad, optimizer.init(params), params).finite).toBe(false);
      expect(step(tree([4, 2, 3], 7, "float32"), optimizer.init(params), params).finite).toBe(true);
    }
    const infinite = tree([4, 2, 3], 6, "float32");
    (infinite.out as TensorLike).data[0] = Number.POSITIVE_INFINITY;
    const optimizer = sgd({ learningRate: 0.1 });
    expect(fusedStep(optimizer)!(infinite, optimizer.init(params), params).finite).toBe(false);
    // 1e38 − 0.5·(−1e39) overflows float32 although every input is finite.
    const huge = tree([4, 2, 3], 6, "float32", 1e38);
    const steep = tree([4, 2, 3], 8, "float32", 1e39 * 1e-1);
    ((steep.layer as ParamTree).weights as TensorLike).data.fill(-3e38);
    const overflow = scaleByLearningRate(2);
    expect(fusedStep(overflow)!(steep, overflow.init(huge), huge).finite).toBe(false);
  });

  it("scaleByAdam's update is non-finite wherever its gradient is, as its propagatesNonFinite declares", () => {
    expect(scaleByAdam().propagatesNonFinite).toBe(true);
    const sizes = [6, 3, 5] as const;
    const params = tree(sizes, 11, "float32");
    const badValues = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: sizes[0] - 1 }),
        fc.constantFrom(...badValues),
        fc.integer({ min: 1, max: 1000 }),
        (amsgrad, finiteSteps, at, bad, seed) => {
          const transform = scaleByAdam({ amsgrad });
          // A few finite steps first, so the moments are not zero.
          let state = transform.init(params);
          for (let step = 0; step < finiteSteps; step++)
            state = transform.update(tree(sizes, seed + step, "float32"), state, params).state;
          const gradients = tree(sizes, seed + 99, "float32");
          ((gradients.layer as ParamTree).weights as TensorLike).data[at] = bad;
          const { updates } = transform.update(gradients, state, params);
          const value = ((updates.layer as ParamTree).weights as TensorLike).data[at]!;
          expect(Number.isFinite(value)).toBe(false);
        },
      ),
      { numRuns: 60, seed: 19 },
    );
  });

  it("skips its pass over the gradients only when every part before the last shows a non-finite gradient", () => {
    const params = tree([4, 2, 3], 5, "float32");
    const bad = tree([4, 2, 3], 6, "float32");
    ((bad.layer as ParamTree).bias as TensorLike).data[1] = Number.NaN;
    // Adam's chain: the NaN reaches the new parameters, and the step reports it.
    const optimizer = adam({ learningRate: 0.01 });
    expect(optimizer.propagatesNonFinite).toBeUndefined();
    expect(fusedStep(optimizer)!(bad, optimizer.init(params), params).finite).toBe(false);
    expect(chain(identity(), scaleByAdam()).propagatesNonFinite).toBe(true);
    // A part that hides non-finite gradients (zeroes them): the chain trusts a declaration, so with a false
    // one the NaN goes unreported, and without one the chain checks the gradients and reports it.
    const hiding: GradientTransformation<Record<string, never>> = {
      init: () => ({}),
      update: (gradients, state) => ({
        updates: {
          layer: {
            weights: (gradients.layer as ParamTree).weights as TensorLike,
            bias: new Tensor(
              Float32Array.from(((gradients.layer as ParamTree).bias as TensorLike).data, (value) =>
                Number.isFinite(value) ? value : 0,
              ),
              [2],
            ),
          },
          out: gradients.out as TensorLike,
        },
        state,
      }),
    };
    const undeclared = chain(hiding, scaleByLearningRate(0.1));
    expect(fusedStep(undeclared)!(bad, undeclared.init(params), params).finite).toBe(false);
    const falselyDeclared = chain({ ...hiding, propagatesNonFinite: true }, scaleByLearningRate(0.1));
    expect(fusedStep(falselyDeclared)!(bad, falselyDeclared.init(params), params).finite).toBe(true);
  });

  it("says the gradients are released only when the first transform to meet them declares it keeps none", () => {
    const params = tree([3, 1, 2], 1, "float64");
    const gradients = tree([3, 1, 2], 2, "float64");
    const released = (optimizer: GradientTransformation<unknown>) =>
      fusedStep(optimizer)!(gradients, optimizer.init(params), params).gradientsReleased;
    // A transform that keeps its input by reference in its state, and declares nothing.
    const keeper: GradientTransformation<{ last: ParamTree | null }> = {
      init: () => ({ last: null }),
      update: (updates) => ({ updates, state: { last: updates } }),
    };
    expect(released(sgd({ learningRate: 0.1 }))).toBe(true);
    expect(released(scaleByLearningRate(0.1))).toBe(true);
    expect(released(momentum({ learningRate: 0.1 }))).toBe(false);
    // scaleByAdam declares releasesGradients: its moments and updates are arrays of its own.
    expect(released(adam())).toBe(true);
    expect(adam().releasesGradients).toBe(true);
    expect(released(chain(identity(), scaleByAdam(), scaleByLearningRate(0.1)))).toBe(true);
    // The keeper only sees Adam's updates, never the gradients.
    expect(released(chain(scaleByAdam(), keeper, scaleByLearningRate(0.1)))).toBe(true);
    // The keeper meets the gradients first.
    expect(released(chain(keeper, scaleByAdam(), scaleByLearningRate(0.1)))).toBe(false);
    expect(chain(keeper, scaleByAdam(), scaleByLearningRate(0.1)).releasesGradients).toBeUndefined();
  });

  it("writes into the arrays the caller allocates, never into the inputs", () => {
    const params = tree([5, 2, 2], 3, "float32");
    const before = bits(params);
    const given: (Float32Array | Float64Array)[] = [];
    const optimizer = sgd({ learningRate: 0.5 });
    const stepped = fusedStep(optimizer)!(tree([5, 2, 2], 4, "float32"), optimizer.init(params), params, {
      allocate: (dtype, length) => {
        const array =
          dtype === "float64" ? new Float64Array(length) : new Float32Array(length).fill(Number.NaN);
        given.push(array);
        return array;
      },
    });
    expect(bits(params)).toEqual(before);
    expect(given.length).toBe(3);
    expect(((stepped.params.layer as ParamTree).weights as TensorLike).data).toBe(given[0]);
    expect(stepped.finite).toBe(true);
  });

  it("createOptimizer steps with the fused form and matches update + applyUpdates", () => {
    const params = tree([6, 2, 3], 9, "float32");
    const stateful = createOptimizer(sgd({ learningRate: 0.1 }), params);
    const reference = sgd({ learningRate: 0.1 });
    let plain = params;
    let state = reference.init(params);
    for (let t = 0; t < 3; t++) {
      const gradients = tree([6, 2, 3], 20 + t, "float32");
      stateful.step(gradients);
      const result = reference.update(gradients, state, plain);
      plain = applyUpdates(plain, result.updates);
      state = result.state;
    }
    expect(bits(stateful.params)).toEqual(bits(plain));
    expect(stateful.state).toEqual(state);
  });
});

describe("the fast path is declared by the transformation, not looked up by identity", () => {
  const params = () => tree([7, 2, 3], 11, "float32");
  const gradientsAt = (t: number) => tree([7, 2, 3], 40 + t, "float32");

  /** Three fused steps of `candidate` against three update + applyUpdates steps of `reference`. */
  function expectSameSteps(
    candidate: GradientTransformation<unknown>,
    reference: GradientTransformation<unknown>,
  ): void {
    const step = fusedStep(candidate);
    expect(step).toBeDefined();
    let fusedParams = params();
    let plainParams = params();
    let fusedState = candidate.init(fusedParams);
    let plainState = reference.init(plainParams);
    for (let t = 0; t < 3; t++) {
      const stepped = step!(gradientsAt(t), fusedState, fusedParams);
      ({ params: fusedParams, state: fusedState } = stepped);
      const { updates, state } = reference.update(gradientsAt(t), plainState, plainParams);
      plainParams = applyUpdates(plainParams, updates);
      plainState = state;
      expect(bits(fusedParams)).toEqual(bits(plainParams));
    }
    expect(JSON.stringify(fusedState)).toEqual(JSON.stringify(plainState));
  }

  it("a wrapper that spreads a built-in optimizer keeps its fast path and its numbers", () => {
    const logged: number[] = [];
    const inner = adamw({ learningRate: 1e-2, weightDecay: 0.1 });
    const wrapped: GradientTransformation<unknown> = {
      ...inner,
      init: (p) => {
        logged.push(1);
        return inner.init(p);
      },
    };
    expectSameSteps(wrapped, adamw({ learningRate: 1e-2, weightDecay: 0.1 }));
    expect(logged).toEqual([1]);
    expect(fusedStep({ ...identity() })).toBeUndefined();
    expect({ ...identity() }.passesGradientsThrough).toBe(true);
  });

  it("an optimizer from a second copy of the package is treated as one from this copy", async () => {
    vi.resetModules();
    const second = await import("../index.js");
    const secondAdam = second.adam({ learningRate: 1e-2 });
    expect(second.adam).not.toBe(adam);
    expectSameSteps(secondAdam, adam({ learningRate: 1e-2 }));
    // Parts from both copies in one chain: the second copy's identity still passes through, and its
    // learning-rate step still fuses.
    const mixed = chain(second.identity(), trace({ decay: 0.5 }), second.scaleByLearningRate(0.1));
    expectSameSteps(mixed, momentum({ learningRate: 0.1, momentum: 0.5 }));
    const released = chain(second.identity(), scaleByLearningRate(0.1));
    const p = params();
    expect(fusedStep(released)!(gradientsAt(0), released.init(p), p).gradientsReleased).toBe(true);
  });

  it("a plain object literal with the same members is treated the same", () => {
    const builtIn = scaleByLearningRate(0.3);
    const literal: GradientTransformation<{ readonly count: number }> = {
      init: (p) => builtIn.init(p),
      update: (g, state, p) => builtIn.update(g, state, p),
      fusedApply: (g, state, p, options) => builtIn.fusedApply!(g, state, p, options),
    };
    expectSameSteps(chain(clipByValue(0.5), literal), chain(clipByValue(0.5), scaleByLearningRate(0.3)));
    const passThrough: GradientTransformation<Record<string, never>> = {
      init: () => ({}),
      update: (g, state) => ({ updates: g, state }),
      passesGradientsThrough: true,
    };
    const optimizer = chain(passThrough, literal);
    const p = params();
    expect(fusedStep(optimizer)!(gradientsAt(1), optimizer.init(p), p).gradientsReleased).toBe(true);
    expect(chain(passThrough, identity()).passesGradientsThrough).toBe(true);
    expect(chain(passThrough, scale(2)).passesGradientsThrough).toBeUndefined();
  });

  it("a user transform without the member takes the plain path, and keeps a chain's gradients checked", () => {
    const halve: GradientTransformation<Record<string, never>> = {
      init: () => ({}),
      update: (g, state) => ({ updates: scaleTree(g, 0.5), state }),
    };
    expect(fusedStep(halve)).toBeUndefined();
    expect(fusedStep(chain(scaleByLearningRate(0.1), halve))).toBeUndefined();
    // A user part before the learning rate runs `update`; the gradients are checked, and not released.
    const optimizer = chain(halve, scaleByLearningRate(0.1));
    expectSameSteps(optimizer, chain(halve, scaleByLearningRate(0.1)));
    const p = params();
    const bad = gradientsAt(2);
    (bad.out as TensorLike).data[0] = Number.NaN;
    const zeroing: GradientTransformation<Record<string, never>> = {
      init: () => ({}),
      update: (g, state) => ({ updates: scaleTree(g, 0), state }),
    };
    const hiding = chain({ ...zeroing }, scaleByLearningRate(0.1));
    const stepped = fusedStep(hiding)!(bad, hiding.init(p), p);
    expect(stepped.gradientsReleased).toBe(false);
    expect(stepped.finite).toBe(false);
  });

  it("refuses a declared member of the wrong kind, naming it", () => {
    const base = scaleByLearningRate(0.1);
    expect(() => fusedStep({ ...base, fusedApply: 3 } as never)).toThrow(
      /fusedStep: optimizer\.fusedApply = 3 is not a function/,
    );
    expect(() => chain({ ...identity(), passesGradientsThrough: false } as never)).toThrow(
      /chain: transforms\[0\] \(argument 1\)\.passesGradientsThrough = false: declare it true/,
    );
    expect(() => chain({ ...scaleByAdam(), propagatesNonFinite: "yes" } as never)).toThrow(
      /chain: transforms\[0\] \(argument 1\)\.propagatesNonFinite = "yes": declare it true \(a non-finite gradient always gives a non-finite update\)/,
    );
  });
});

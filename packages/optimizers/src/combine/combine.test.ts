import { ShapeError, ValueError } from "@descent/tensor";
import { describe, expect, expectTypeOf, it } from "vitest";
import { adam, adamw } from "../aliases/adam-family.js";
import { sgd } from "../aliases/sgd.js";
import type { EmptyState } from "../core/types.js";
import { expectClose, leaf, run, vector } from "../test-helpers.js";
import { type ScaleByAdamState, scaleByAdam } from "../transforms/adam.js";
import { clipByGlobalNorm } from "../transforms/clip.js";
import { type ScaleByLearningRateState, scale, scaleByLearningRate } from "../transforms/scale.js";
import { addDecayedWeights } from "../transforms/weight-decay.js";
import { accumulateGradients } from "./accumulate-gradients.js";
import { applyIfFinite } from "./apply-if-finite.js";
import { chain } from "./chain.js";
import { injectHyperparams, setHyperparams } from "./inject-hyperparams.js";
import { masked } from "./masked.js";

describe("chain", () => {
  it("types its state as the tuple of the parts' states", () => {
    const optimizer = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3));
    expectTypeOf(optimizer.init({})).toEqualTypeOf<
      readonly [EmptyState, ScaleByAdamState, ScaleByLearningRateState]
    >();
    const state = optimizer.init({ w: vector([1, 2]) });
    expect(state).toHaveLength(3);
    expect(state[2]).toEqual({ count: 0 });
  });

  it("applies the parts left to right: the order changes the result", () => {
    const params = { w: vector([0]) };
    const gradients = { w: vector([4]) };
    // clip(‖g‖ ≤ 1) then ×2 → 2;   ×2 then clip → 1
    const clipThenScale = chain(clipByGlobalNorm(1, { epsilon: 0 }), scale(2));
    const scaleThenClip = chain(scale(2), clipByGlobalNorm(1, { epsilon: 0 }));
    expect(leaf(clipThenScale.update(gradients, clipThenScale.init(params), params).updates, "w")).toEqual([
      2,
    ]);
    expect(leaf(scaleThenClip.update(gradients, scaleThenClip.init(params), params).updates, "w")).toEqual([
      1,
    ]);
  });

  it("rejects a state of the wrong length", () => {
    const optimizer = chain(scale(1), scale(2));
    expect(() => optimizer.update({ w: vector([1]) }, [{}] as never, { w: vector([1]) })).toThrow(ValueError);
  });

  it("of nothing is the identity", () => {
    const none = chain();
    const gradients = { w: vector([3]) };
    expect(none.update(gradients, none.init(gradients), gradients).updates).toBe(gradients);
  });
});

describe("masked", () => {
  const params = { dense: { weights: vector([1, -2]), bias: vector([0.5]) } };
  const gradients = { dense: { weights: vector([0, 0]), bias: vector([0]) } };
  const notBias = (path: readonly string[]) => path.at(-1) !== "bias";

  it("leaves biases alone with a predicate on the name path", () => {
    const decay = masked(addDecayedWeights(0.1), notBias);
    const { updates } = decay.update(gradients, decay.init(params), params);
    expect(leaf(updates.dense as never, "weights")).toEqual([0.1, -0.2]);
    expect(leaf(updates.dense as never, "bias")).toEqual([0]);
  });

  it("takes a boolean tree, where a boolean may stand for a subtree", () => {
    const decay = masked(addDecayedWeights(0.1), { dense: { weights: true, bias: false } });
    const { updates } = decay.update(gradients, decay.init(params), params);
    expect(leaf(updates.dense as never, "bias")).toEqual([0]);
    const all = masked(addDecayedWeights(0.1), { dense: true });
    expect(leaf(all.update(gradients, all.init(params), params).updates.dense as never, "bias")).toEqual([
      0.05,
    ]);
    expect(() => masked(addDecayedWeights(0.1), { other: true }).init(params)).toThrow(
      /mask has no entry for dense/,
    );
  });

  it("keeps inner state only for the selected leaves", () => {
    const optimizer = masked(scaleByAdam(), notBias);
    const state = optimizer.init(params);
    expect(Object.keys(state.inner.mu)).toEqual(["dense"]);
    expect(Object.keys(state.inner.mu.dense as object)).toEqual(["weights"]);
  });

  it("adamw's mask leaves biases undecayed while weights decay", () => {
    const optimizer = adamw({ learningRate: 0.1, weightDecay: 0.5, mask: notBias });
    const { params: after } = run(optimizer, params, 1, () => gradients);
    // zero gradients: Adam's step is 0, so only decay moves θ: θ ← θ − η·λ·θ on weights, nothing on bias
    expectClose(leaf(after.dense as never, "weights"), [1 - 0.1 * 0.5 * 1, -2 + 0.1 * 0.5 * 2]);
    expect(leaf(after.dense as never, "bias")).toEqual([0.5]);
  });
});

describe("applyIfFinite", () => {
  it("skips steps with NaN or Infinity gradients, counts them, and keeps the inner state", () => {
    const optimizer = applyIfFinite(sgd({ learningRate: 0.1, momentum: 0.9 }));
    const params = { w: vector([1, 1]) };
    let state = optimizer.init(params);
    const good = { w: vector([1, 2]) };
    let result = optimizer.update(good, state, params);
    state = result.state;
    const innerBefore = state.inner;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      result = optimizer.update({ w: vector([bad, 0]) }, state, params);
      expect(leaf(result.updates, "w")).toEqual([0, 0]);
      expect(result.state.inner).toBe(innerBefore);
      expect(result.state.lastStepFinite).toBe(false);
      state = result.state;
    }
    expect(state.skippedSteps).toBe(3);
    expect(state.consecutiveSkippedSteps).toBe(3);
    result = optimizer.update(good, state, params);
    expect(result.state).toMatchObject({ skippedSteps: 3, consecutiveSkippedSteps: 0, lastStepFinite: true });
    // the finite step continues from the pre-NaN momentum: b = 0.9·g + g
    expectClose(leaf(result.updates, "w"), [-0.1 * 1.9, -0.1 * 3.8]);
  });
});

describe("accumulateGradients", () => {
  it("emits zeros until the k-th micro-batch, then the mean", () => {
    const optimizer = accumulateGradients(3);
    const params = { w: vector([0, 0]) };
    let state = optimizer.init(params);
    const micro = [
      [1, 2],
      [3, 4],
      [5, 9],
      [2, 2],
    ];
    const emitted: number[][] = [];
    for (const g of micro) {
      const result = optimizer.update({ w: vector(g) }, state, params);
      emitted.push(leaf(result.updates, "w"));
      state = result.state;
    }
    expect(emitted).toEqual([
      [0, 0],
      [0, 0],
      [3, 5],
      [0, 0],
    ]);
    expect(state.count).toBe(1);
    expect(leaf(state.sum, "w")).toEqual([2, 2]);
  });

  it("steps the wrapped optimizer once per cycle, with the mean gradient", () => {
    const inner = adam({ learningRate: 0.1 });
    const accumulated = accumulateGradients(2, inner);
    const params = { w: vector([1]) };
    const { params: after, state } = run(accumulated, params, 4, (_, step) => ({ w: vector([step + 1]) }));
    // equals two Adam steps with the means (1+2)/2 and (3+4)/2
    const { params: reference } = run(inner, params, 2, (_, step) => ({
      w: vector([step === 0 ? 1.5 : 3.5]),
    }));
    expect(leaf(after, "w")).toEqual(leaf(reference, "w"));
    expect(state.inner[1].count).toBe(2);
  });

  it("rejects a step count below 1", () => {
    expect(() => accumulateGradients(0)).toThrow(
      new ValueError("accumulateGradients", "steps = 0 is outside the integers ≥ 1: pass a whole number ≥ 1"),
    );
  });
});

describe("injectHyperparams", () => {
  it("keeps the learning rate in the state, where it can be changed mid-run", () => {
    const optimizer = injectHyperparams((h) => sgd(h), { learningRate: 0.1 });
    const params = { w: vector([1]) };
    let state = optimizer.init(params);
    expect(state.hyperparams).toEqual({ learningRate: 0.1 });
    let result = optimizer.update({ w: vector([1]) }, state, params);
    expect(leaf(result.updates, "w")).toEqual([-0.1]);
    state = setHyperparams(result.state, { learningRate: 0.01 });
    result = optimizer.update({ w: vector([1]) }, state, params);
    expect(leaf(result.updates, "w")).toEqual([-0.01]);
    expect(result.state.count).toBe(2);
    expect(JSON.parse(JSON.stringify(result.state.hyperparams))).toEqual({ learningRate: 0.01 });
  });

  it("evaluates schedules at the step count", () => {
    const optimizer = injectHyperparams((h) => sgd(h), { learningRate: (step: number) => 1 / (step + 1) });
    const { state } = run(optimizer, { w: vector([1]) }, 3, () => ({ w: vector([1]) }));
    expect(state.hyperparams.learningRate).toBe(1 / 3);
  });

  it("names bad values", () => {
    const optimizer = injectHyperparams((h) => sgd(h), { learningRate: 0.1 });
    const params = { w: vector([1]) };
    const state = { ...optimizer.init(params), hyperparams: { learningRate: -1 } };
    expect(() => optimizer.update({ w: vector([1]) }, state, params)).toThrow(
      /sgd: learningRate = -1 is outside \[0, ∞\)/,
    );
    expect(() => setHyperparams(state, { beta: 1 } as never)).toThrow(/unknown hyperparameter "beta"/);
  });
});

describe("shape checks inside transforms", () => {
  it("names the parameter whose state does not match the gradients", () => {
    const optimizer = adam();
    const state = optimizer.init({ w: vector([1, 2]) });
    expect(() => optimizer.update({ w: vector([1, 2, 3]) }, state, { w: vector([1, 2, 3]) })).toThrow(
      ShapeError,
    );
    expect(() => optimizer.update({ w: vector([1, 2, 3]) }, state, { w: vector([1, 2, 3]) })).toThrow(
      /state.mu.w has shape \[2\] but gradients.w has shape \[3\]/,
    );
  });
});

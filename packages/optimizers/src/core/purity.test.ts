import type { GradientTransformation, ParamTree } from "@descent/spec";
import type { Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { adam, adamax, adamw, amsgrad, lion, nadam, radam } from "../aliases/adam-family.js";
import { adadelta, adagrad, rmsprop } from "../aliases/adaptive.js";
import { momentum, nesterov, sgd } from "../aliases/sgd.js";
import { accumulateGradients } from "../combine/accumulate-gradients.js";
import { applyIfFinite } from "../combine/apply-if-finite.js";
import { chain } from "../combine/chain.js";
import { injectHyperparams } from "../combine/inject-hyperparams.js";
import { masked } from "../combine/masked.js";
import { serializeState } from "../state/serialize.js";
import { leaf, vector } from "../test-helpers.js";
import { scaleByAdam } from "../transforms/adam.js";
import { clipByGlobalNorm, clipByValue } from "../transforms/clip.js";
import { identity, scale, scaleByLearningRate } from "../transforms/scale.js";
import { trace } from "../transforms/trace.js";
import { addDecayedWeights } from "../transforms/weight-decay.js";

const all: [string, () => GradientTransformation<unknown>][] = [
  ["sgd", () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 })],
  ["momentum", () => momentum()],
  ["nesterov", () => nesterov()],
  ["adagrad", () => adagrad({ weightDecay: 0.1 })],
  ["rmsprop", () => rmsprop({ centered: true, momentum: 0.9, weightDecay: 0.1 })],
  ["adadelta", () => adadelta({ weightDecay: 0.1 })],
  ["adam", () => adam({ weightDecay: 0.1 })],
  ["adamw", () => adamw({ mask: (path) => path.at(-1) !== "b" })],
  ["amsgrad", () => amsgrad()],
  ["adamax", () => adamax()],
  ["nadam", () => nadam()],
  ["radam", () => radam()],
  ["lion", () => lion({ weightDecay: 0.1 })],
  [
    "deep chain",
    () =>
      chain(
        clipByValue(2),
        chain(clipByGlobalNorm(1), scaleByAdam()),
        addDecayedWeights(0.1),
        scale(3),
        scaleByLearningRate(0.1),
      ),
  ],
  ["wrappers", () => applyIfFinite(injectHyperparams((h) => adamw(h), { learningRate: 0.1 }))],
  ["accumulate", () => accumulateGradients(1, chain(trace({ nesterov: true }), scale(2)))],
  [
    "masked",
    () =>
      chain(
        masked(chain(scaleByAdam(), scale(2)), (path) => path[0] === "a"),
        scaleByLearningRate(1),
      ),
  ],
];

const params = () => ({ a: vector([1, -2, 3], "float32"), nested: { b: vector([0.5, 0.25]) } });
const gradients = () => ({ a: vector([0.1, 0.2, -0.3], "float32"), nested: { b: vector([-1, 2]) } });
const snapshot = (tree: unknown) => JSON.stringify(serializeState(tree));

describe("transformations are pure", () => {
  it.each(all)("%s never writes its gradients, params or old state, and repeats itself", (_, make) => {
    const optimizer = make();
    const p = params();
    const g = gradients();
    let state = optimizer.init(p);
    state = optimizer.update(g, state, p).state;
    const before = [snapshot(g), snapshot(p), snapshot(state)];
    const first = optimizer.update(g, state, p);
    const second = optimizer.update(g, state, p);
    expect([snapshot(g), snapshot(p), snapshot(state)]).toEqual(before);
    expect(snapshot(second.updates)).toEqual(snapshot(first.updates));
    expect(snapshot(second.state)).toEqual(snapshot(first.state));
    // the returned updates share no array with the new state (writing one cannot change the other)
    const stateArrays = new Set<unknown>();
    JSON.stringify(second.state, (_key, value) => {
      if (value && typeof value === "object" && "data" in value) stateArrays.add(value.data);
      return value;
    });
    const updateLeaves = [second.updates.a, (second.updates.nested as ParamTree).b] as Tensor[];
    expect(updateLeaves.some((tensor) => stateArrays.has(tensor.data))).toBe(false);
  });

  it("every transform writes its updates into new arrays, inside a chain too", () => {
    const p = { w: vector([1, 2]) };
    const adamStep = scaleByAdam();
    const adamUpdates = adamStep.update({ w: vector([3, 4]) }, adamStep.init(p), p).updates;
    const scaled = scale(2).update(adamUpdates, {}, p).updates;
    expect((scaled.w as Tensor).data).not.toBe((adamUpdates.w as Tensor).data);
    const decayed = addDecayedWeights(0.1).update(adamUpdates, {}, p).updates;
    expect((decayed.w as Tensor).data).not.toBe((adamUpdates.w as Tensor).data);
    // identity passes its input on: the same tree, nothing copied and nothing written
    expect(identity().update(adamUpdates, {}, p).updates).toBe(adamUpdates);
    const adamw = chain(scaleByAdam(), addDecayedWeights(0.1), scale(2));
    const g = { w: vector([3, 4]) };
    const before = leaf(g, "w");
    const { updates } = adamw.update(g, adamw.init(p), p);
    expect((updates.w as Tensor).data).not.toBe((g.w as Tensor).data);
    expect(leaf(g, "w")).toEqual(before);
  });

  it("does not overwrite updates a user holds, even when handed back through a chain", () => {
    const p = { w: vector([1, 2]) };
    const adamStep = scaleByAdam();
    const held = adamStep.update({ w: vector([3, 4]) }, adamStep.init(p), p).updates;
    const copy = leaf(held, "w");
    const rescale = chain(identity(), scale(2), scaleByLearningRate(1));
    rescale.update(held, rescale.init(p), p);
    expect(leaf(held, "w")).toEqual(copy);
  });

  it("does not overwrite what a user transform keeps in its state", () => {
    const keepLast: GradientTransformation<{ last: ParamTree | null; inner: unknown }> = {
      init: (p) => ({ last: null, inner: scaleByAdam().init(p) }),
      update: (g, state, p) => {
        const { updates, state: inner } = scaleByAdam().update(g, state.inner as never, p);
        return { updates, state: { last: updates, inner } };
      },
    };
    const optimizer = chain(keepLast, scale(10), scaleByLearningRate(1));
    const p = { w: vector([1]) };
    const { state, updates } = optimizer.update({ w: vector([1]) }, optimizer.init(p), p);
    const kept = leaf(state[0].last as ParamTree, "w")[0]!;
    expect(kept).toBeCloseTo(1 / (1 + 1e-8), 12);
    expect(leaf(updates, "w")[0]).toBeCloseTo(-10 * kept, 12);
  });
});

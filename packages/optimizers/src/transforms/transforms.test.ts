import type { GradientTransformation, ParamTree } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { chain } from "../combine/chain.js";
import { expectClose, leaf, run, vector } from "../test-helpers.js";
import { applyUpdates } from "../tree/tree.js";
import { scaleByAdam, scaleByAdamax } from "./adam.js";
import { scaleByNadam, scaleByRadam } from "./adam-variants.js";
import { clipByGlobalNorm, clipByValue } from "./clip.js";
import { scaleByLion } from "./lion.js";
import { scaleByAdadelta, scaleByAdagrad, scaleByRms } from "./rms.js";
import { identity, scale, scaleByLearningRate } from "./scale.js";
import { trace } from "./trace.js";
import { addDecayedWeights } from "./weight-decay.js";

const params = { w: vector([1, -2]) };
const once = (transform: Parameters<typeof run>[0], g: number[], p = params) =>
  leaf(transform.update({ w: vector(g) }, transform.init(p), p).updates, "w");

describe("stateless transforms", () => {
  it("identity and scale", () => {
    const g = { w: vector([1, 2]) };
    expect(identity().update(g, {}, params).updates).toBe(g);
    expect(once(scale(-3), [1, 2])).toEqual([-3, -6]);
  });

  it("scaleByLearningRate: −η·g, +η·g with flipSign false, η from a schedule at the step count", () => {
    expect(once(scaleByLearningRate(0.5), [1, -2])).toEqual([-0.5, 1]);
    expect(once(scaleByLearningRate(0.5, { flipSign: false }), [1, -2])).toEqual([0.5, -1]);
    const { trajectory } = run(
      scaleByLearningRate((step) => step + 1),
      { w: vector([0]) },
      3,
      () => ({ w: vector([1]) }),
    );
    expect(trajectory.map((p) => leaf(p, "w")[0])).toEqual([-1, -3, -6]);
  });

  it("clipByValue clamps to [−c, c] and keeps NaN", () => {
    expect(once(clipByValue(1), [3, -0.5])).toEqual([1, -0.5]);
    expect(once(clipByValue(1), [-7, Number.NaN])).toEqual([-1, Number.NaN]);
  });

  it("clipByGlobalNorm rescales all leaves together, as PyTorch (ε = 1e-6)", () => {
    const p = { a: vector([0]), b: vector([0]) };
    const g = { a: vector([3]), b: vector([4]) };
    const { updates } = clipByGlobalNorm(1).update(g, {}, p);
    expectClose([...leaf(updates, "a"), ...leaf(updates, "b")], [3 / (5 + 1e-6), 4 / (5 + 1e-6)], 1e-15);
    expect(clipByGlobalNorm(10).update(g, {}, p).updates).toBe(g);
    expect(leaf(clipByGlobalNorm(1, { epsilon: 0 }).update(g, {}, p).updates, "a")).toEqual([
      0.6000000000000001,
    ]);
  });

  it("addDecayedWeights adds λ·θ", () => {
    expect(once(addDecayedWeights(0.1), [1, 1])).toEqual([1.1, 0.8]);
  });

  it("addDecayedWeights decays every parameter by default, biases too; a mask selects", () => {
    const p = { dense: { weights: vector([1]), bias: vector([1]) } };
    const g = { dense: { weights: vector([0]), bias: vector([0]) } };
    const decayed = (transform: ReturnType<typeof addDecayedWeights>) => {
      const { updates } = transform.update(g, transform.init(p), p);
      return [leaf(updates.dense as ParamTree, "weights")[0], leaf(updates.dense as ParamTree, "bias")[0]];
    };
    expect(decayed(addDecayedWeights(1))).toEqual([1, 1]);
    expect(decayed(addDecayedWeights(1, { dense: { weights: true, bias: false } }))).toEqual([1, 0]);
    expect(decayed(addDecayedWeights(1, { dense: { weights: false, bias: true } }))).toEqual([0, 1]);
    expect(decayed(addDecayedWeights(1, (path) => path.at(-1) !== "bias"))).toEqual([1, 0]);
    expect(decayed(addDecayedWeights(1, (_path, tensor) => tensor.shape.length > 1))).toEqual([0, 0]);
    const unselected = addDecayedWeights(1, { dense: false }).update(g, {}, p).updates;
    expect((unselected.dense as ParamTree).bias).toBe(g.dense.bias);
  });

  it("addDecayedWeights between Adam and the learning rate is decoupled decay: θ − η·adam − η·λ·θ (AdamW)", () => {
    const p = { w: vector([1, 2]) };
    const g = { w: vector([0.5, 0]) };
    const step = (optimizer: GradientTransformation<unknown>) =>
      leaf(applyUpdates(p, optimizer.update(g, optimizer.init(p), p).updates), "w");
    // [1 − 0.1·0.5/0.50000001 − 0.01·1, 2 − 0 − 0.01·2] = [0.890000002, 1.98]
    const decoupled = step(chain(scaleByAdam(), addDecayedWeights(0.1), scaleByLearningRate(0.1)));
    expect(decoupled[0]).toBeCloseTo(0.890000002, 12);
    expect(decoupled[1]).toBeCloseTo(1.98, 12);
    // Before Adam it is coupled L2: the decay is normalized away and both weights move by ≈ η.
    const coupled = step(chain(addDecayedWeights(0.1), scaleByAdam(), scaleByLearningRate(0.1)));
    expect(coupled[0]).toBeCloseTo(1 - (0.1 * 0.6) / 0.60000001, 12);
    expect(coupled[1]).toBeCloseTo(2 - (0.1 * 0.2) / 0.20000001, 12);
    // With plain SGD the two places coincide: θ − η·(g + λθ).
    expect(step(chain(addDecayedWeights(0.1), scaleByLearningRate(0.1)))[0]).toBeCloseTo(1 - 0.1 * 0.6, 15);
  });

  it("addDecayedWeights refuses a negative or non-finite rate and a mask of the wrong kind", () => {
    expect(() => addDecayedWeights(-0.1)).toThrow(ValueError);
    expect(() => addDecayedWeights(Number.NaN)).toThrow(/addDecayedWeights: weightDecay/);
    expect(() => addDecayedWeights(0.1, 3 as never)).toThrow(/addDecayedWeights: mask/);
  });
});

describe("stateful transforms, one step by hand", () => {
  it("trace: b = μ·b + g, nesterov g + μ·b", () => {
    const { trajectory } = run(trace({ decay: 0.5 }), { w: vector([0]) }, 2, () => ({ w: vector([1]) }));
    // updates are b₁ = 1, b₂ = 1.5: θ = 0 + 1 + 1.5
    expect(leaf(trajectory[1]!, "w")).toEqual([2.5]);
    expect(once(trace({ decay: 0.5, nesterov: true }), [2, 2])).toEqual([3, 3]);
  });

  it("scaleByAdam: ε outside the root; epsilonRoot inside", () => {
    // t = 1: m̂ = g, v̂ = g²: update = g/(|g| + ε)
    expectClose(once(scaleByAdam({ epsilon: 0.5 }), [2, -1]), [2 / 2.5, -1 / 1.5]);
    expectClose(once(scaleByAdam({ epsilon: 1e-12, epsilonRoot: 5 }), [2, -1]), [
      2 / (3 + 1e-12),
      -1 / (Math.sqrt(6) + 1e-12),
    ]);
  });

  it("scaleByAdamax: ε inside the max", () => {
    expectClose(once(scaleByAdamax({ epsilon: 0.5 }), [2, 0]), [2 / 2.5, 0]);
  });

  it("scaleByRms: ε outside (PyTorch) or inside the root; initial scale", () => {
    // v = 0.1·g² with decay 0.9
    expectClose(once(scaleByRms({ decay: 0.9, epsilon: 0.1 }), [2, 0]), [2 / (Math.sqrt(0.4) + 0.1), 0]);
    expectClose(once(scaleByRms({ decay: 0.9, epsilon: 0.1, epsilonInsideSqrt: true }), [2, 0]), [
      2 / Math.sqrt(0.5),
      0,
    ]);
    expectClose(once(scaleByRms({ decay: 0.9, epsilon: 1e-12, initialScale: 1 }), [2, 0]), [
      2 / (Math.sqrt(0.9 + 0.4) + 1e-12),
      0,
    ]);
    // centered: v − m² = 0.4 − 0.04
    expectClose(once(scaleByRms({ decay: 0.9, epsilon: 1e-12, centered: true }), [2, 0]), [
      2 / (Math.sqrt(0.36) + 1e-12),
      0,
    ]);
  });

  it("scaleByAdagrad: initial accumulator 0 by default (PyTorch), 0.1 as TF on request", () => {
    expectClose(once(scaleByAdagrad(), [2, 0]), [2 / (2 + 1e-10), 0]);
    expectClose(once(scaleByAdagrad({ initialAccumulatorValue: 0.1 }), [2, 0]), [
      2 / (Math.sqrt(4.1) + 1e-10),
      0,
    ]);
  });

  it("scaleByAdadelta: first step √ε/√(0.1·g² + ε)·g", () => {
    expectClose(once(scaleByAdadelta({ epsilon: 0.01 }), [1, 0]), [Math.sqrt(0.01) / Math.sqrt(0.11), 0]);
  });

  it("scaleByNadam, scaleByRadam and scaleByLion, first step", () => {
    // NAdam, t = 1, g = 1: d = 1 + ε; μ₁ = 0.9(1 − ½·0.96^0.004), μ₂ likewise with 0.008
    const mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004);
    const mu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008);
    const expected = ((1 - mu1) / (1 - mu1)) * 1 + (mu2 / (1 - mu1 * mu2)) * 0.1;
    expectClose(once(scaleByNadam({ epsilon: 1e-12 }), [1, 0]), [expected / (1 + 1e-12), 0]);
    // RAdam, t = 1: ρ₁ = 1 ≤ 5 → the bias-corrected momentum m̂ = g
    expect(once(scaleByRadam(), [0.7, -3])).toEqual([0.7, -3]);
    // Lion: sign((1 − β1)·g)
    expect(once(scaleByLion(), [0.001, -5])).toEqual([1, -1]);
    expect(once(scaleByLion(), [0, 0])).toEqual([0, 0]);
  });

  it("keeps state in the parameters' dtype and keyed by parameter name", () => {
    const p = { layer: { weights: new Tensor(new Float32Array(4), [2, 2]) } };
    const state = scaleByAdam().init(p);
    expect(state.mu).toEqual({ layer: { weights: new Tensor(new Float32Array(4), [2, 2]) } });
    expect(state.count).toBe(0);
  });

  it("names wrong options", () => {
    expect(() => scaleByAdam({ beta1: 1 })).toThrow(
      new ValueError("scaleByAdam", "beta1 = 1 is outside [0, 1): pass a number like 0.9"),
    );
    expect(() => trace({ decay: -1 })).toThrow(/trace: decay = -1/);
    expect(() => clipByGlobalNorm(0)).toThrow(/clipByGlobalNorm: maxNorm = 0 is outside \(0, ∞\)/);
    expect(() => clipByValue(-1)).toThrow(/clipByValue: maxAbsoluteValue = -1/);
    expect(() => scale(Number.NaN)).toThrow(/scale: factor = NaN is not a finite number/);
    expect(() => scaleByRms({ alpha: 0.9 } as never)).toThrow(/unknown option "alpha"/);
  });
});

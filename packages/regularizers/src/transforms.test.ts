import type { GradientTransformation, ParamTree, Regularizer, Tensor as TensorLike } from "@descent/spec";
import { Tensor, treeMap, ValueError } from "@descent/tensor";
import { describe, expect, expectTypeOf, it } from "vitest";
import { l1, l2 } from "./penalties.js";
import { asTransform, type EmptyState, proximalL1, type StepState, softThreshold } from "./transforms.js";

const f64 = (values: number[]) => new Tensor(Float64Array.from(values), [values.length]);
const valuesOf = (tree: ParamTree, name = "weights") => Array.from((tree[name] as TensorLike).data);

// ---- A minimal optax-style toolkit written here from the published formulas (no optimizers import).
type AnyTransform = GradientTransformation<unknown>;

function chain(...transforms: AnyTransform[]): GradientTransformation<unknown[]> {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update(gradients, states, params) {
      let updates = gradients;
      const next = transforms.map((t, i) => {
        const result = t.update(updates, states[i], params);
        updates = result.updates;
        return result.state;
      });
      return { updates, state: next };
    },
  };
}

/** Adam's direction (Kingma & Ba 2015, Algorithm 1): m̂ / (√v̂ + ε), without the learning rate. */
function scaleByAdam(beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8): AnyTransform {
  type State = { step: number; m: Map<string, number[]>; v: Map<string, number[]> };
  return {
    init: () => ({ step: 0, m: new Map(), v: new Map() }) satisfies State,
    update(gradients, raw, _params) {
      const state = raw as State;
      const t = state.step + 1;
      const updates = treeMap(gradients, (g, path) => {
        const key = path.join(".");
        const m = state.m.get(key) ?? new Array(g.data.length).fill(0);
        const v = state.v.get(key) ?? new Array(g.data.length).fill(0);
        const out = new Float64Array(g.data.length);
        for (let i = 0; i < out.length; i++) {
          m[i] = beta1 * m[i]! + (1 - beta1) * g.data[i]!;
          v[i] = beta2 * v[i]! + (1 - beta2) * g.data[i]! ** 2;
          out[i] = m[i]! / (1 - beta1 ** t) / (Math.sqrt(v[i]! / (1 - beta2 ** t)) + epsilon);
        }
        state.m.set(key, m);
        state.v.set(key, v);
        return new Tensor(out, g.shape);
      });
      return { updates, state: { ...state, step: t } };
    },
  };
}

function scaleByLearningRate(learningRate: number): AnyTransform {
  return {
    init: () => ({}),
    update: (gradients, state) => ({
      updates: treeMap(
        gradients,
        (g) =>
          new Tensor(
            Float64Array.from(g.data, (x) => -learningRate * x),
            g.shape,
          ),
      ),
      state,
    }),
  };
}

function applyUpdates(params: ParamTree, updates: ParamTree): ParamTree {
  return treeMap(params, (p, path) => {
    const u = path.reduce<unknown>(
      (node, key) => (node as Record<string, unknown>)[key],
      updates,
    ) as TensorLike;
    return new Tensor(
      p.data instanceof Float32Array
        ? Float32Array.from(p.data, (x, i) => x + u.data[i]!)
        : Float64Array.from(p.data, (x, i) => x + u.data[i]!),
      p.shape,
    );
  });
}

function step(optimizer: AnyTransform, params: ParamTree, gradients: ParamTree): ParamTree {
  const { updates } = optimizer.update(gradients, optimizer.init(params), params);
  return applyUpdates(params, updates);
}

describe("coupled L2 with Adam", () => {
  // w = [1, 2], loss gradient g = [0.5, 0], λ = 0.1, η = 0.1, one Adam step (bias-corrected m̂ = g, v̂ = g²).
  const params = { weights: f64([1, 2]) };
  const gradients = { weights: f64([0.5, 0]) };

  it("coupled L2 (regularizer before Adam): the decay is normalized away, both weights move by ≈ η", () => {
    // g' = g + λw = [0.6, 0.2];  w − η g'/(|g'| + ε) = [1 − 0.1·0.6/0.60000001, 2 − 0.1·0.2/0.20000001]
    const optimizer = chain(asTransform(l2(0.1)), scaleByAdam(), scaleByLearningRate(0.1));
    const result = valuesOf(step(optimizer, params, gradients));
    expect(result[0]).toBeCloseTo(1 - (0.1 * 0.6) / 0.60000001, 12);
    expect(result[1]).toBeCloseTo(2 - (0.1 * 0.2) / 0.20000001, 12);
  });

  // Decoupled decay (AdamW) is `addDecayedWeights` in @descent/optimizers, tested there.
});

describe("asTransform", () => {
  it("adds ∂R/∂θ to the gradients, leaving unselected leaves untouched", () => {
    const bias = f64([1]);
    const transform = asTransform(l1(0.5));
    const { updates, state } = transform.update({ weights: f64([1, 1, 1]), bias }, transform.init({}), {
      weights: f64([2, 0, -3]),
      bias: f64([7]),
    });
    expect(valuesOf(updates)).toEqual([1.5, 1, 0.5]);
    expect(updates.bias).toBe(bias);
    expect(state).toEqual({});
  });

  it("works with any Regularizer (no fused path)", () => {
    const custom: Regularizer = {
      name: "cubic",
      penalty: () => 0,
      gradient: (params) =>
        treeMap(
          params,
          (p) =>
            new Tensor(
              Float64Array.from(p.data, (x) => 3 * x * x),
              p.shape,
            ),
        ),
    };
    const transform = asTransform(custom);
    const { updates } = transform.update({ weights: f64([1, 1]) }, {}, { weights: f64([2, -1]) });
    expect(valuesOf(updates)).toEqual([13, 4]);
  });

  it("names the path when gradients and parameters disagree", () => {
    const transform = asTransform(l2(1));
    expect(() => transform.update({ weights: f64([1, 2]) }, {}, { weights: f64([1]) })).toThrow(
      'l2: "weights" has gradient shape [2] but parameter shape [1]',
    );
    expect(() => transform.update({ kernel: f64([1]) }, {}, {})).toThrow(
      'the gradients have a tensor at "kernel" but the parameters do not',
    );
  });
});

describe("proximal L1", () => {
  it("soft-thresholds and sets weights that cross zero to exactly 0", () => {
    // τ = η·λ = 0.1·0.5 = 0.05; z = w + u = [-0.05, -0.05, 0.02, 0.8, -0.5]
    const params = { weights: f64([0.05, -0.3, 0.02, 1, -0.4]) };
    const updates = { weights: f64([-0.1, 0.25, 0, -0.2, -0.1]) };
    const prox = proximalL1(0.5, { learningRate: 0.1 });
    const result = valuesOf(applyUpdates(params, prox.update(updates, prox.init(params), params).updates));
    expect(result.slice(0, 3)).toEqual([0, 0, 0]);
    expect(result.slice(0, 3).every((x) => Object.is(x, 0))).toBe(true);
    expect(result[3]).toBeCloseTo(0.75, 15);
    expect(result[4]).toBeCloseTo(-0.45, 15);
  });

  it("a predicate mask sees the parameter tensor it decides about", () => {
    const params = {
      dense: { weights: new Tensor(Float64Array.from([0.01, 2]), [1, 2]), bias: f64([0.01]) },
    };
    const updates = { dense: { weights: new Tensor(new Float64Array(2), [1, 2]), bias: f64([0]) } };
    const seen: [string, readonly number[]][] = [];
    const prox = proximalL1(1, {
      learningRate: 0.1,
      include: (path, tensor) => {
        seen.push([path.join("."), tensor.shape]);
        return tensor.shape.length > 1;
      },
    });
    const result = prox.update(updates, prox.init(params), params).updates as {
      dense: { weights: TensorLike; bias: TensorLike };
    };
    expect(seen).toEqual([
      ["dense.weights", [1, 2]],
      ["dense.bias", [1]],
    ]);
    // w = 0.01 lands inside [−τ, τ] = [−0.1, 0.1]: exactly −w; w = 2 shrinks by τ: (2 − 0.1) − 2.
    expect(Array.from(result.dense.weights.data)).toEqual([-0.01, 2 - 0.1 - 2]);
    expect(result.dense.bias).toBe(updates.dense.bias);
  });

  it("exact zeros in float32 too, and plain L1 subgradient steps do not give them", () => {
    const weights = new Tensor(Float32Array.from([0.3, -0.7, 0.01]), [3]);
    const params = { weights };
    const zero = { weights: new Tensor(new Float32Array(3), [3]) };
    const prox = proximalL1(1, { learningRate: 1 });
    let current: ParamTree = params;
    let state = prox.init(params);
    for (let i = 0; i < 2; i++) {
      const result = prox.update(zero, state, current);
      state = result.state;
      current = applyUpdates(current, result.updates);
    }
    expect(valuesOf(current)).toEqual([0, 0, 0]);

    const subgradient = chain(asTransform(l1(1)), scaleByLearningRate(0.3));
    let plain: ParamTree = { weights: f64([0.5]) };
    for (let i = 0; i < 5; i++) plain = step(subgradient, plain, { weights: f64([0]) });
    expect(valuesOf(plain)[0]).not.toBe(0);
  });

  it("softThreshold", () => {
    expect(softThreshold(f64([-2, -0.5, 0.3, 3, 1]), 1).toArray()).toEqual([-1, 0, 0, 2, 0]);
    expect(softThreshold(f64([Number.NaN]), 1).toArray()[0]).toBeNaN();
    expect(() => softThreshold(f64([1]), -1)).toThrow(ValueError);
  });

  it("requires a learning rate", () => {
    expect(() => proximalL1(0.1, {} as never)).toThrow("proximalL1: options.learningRate is required");
    expect(() => proximalL1(-0.1, { learningRate: 1 })).toThrow("proximalL1: strength -0.1");
  });
});

describe("types", () => {
  it("the transforms are GradientTransformations of the spec with plain-data state", () => {
    expectTypeOf(proximalL1(0.1, { learningRate: 0.1 })).toMatchTypeOf<GradientTransformation<StepState>>();
    expectTypeOf(asTransform(l2(0.1))).toMatchTypeOf<GradientTransformation<EmptyState>>();
    expectTypeOf<StepState>().toEqualTypeOf<{ readonly step: number }>();
  });
});

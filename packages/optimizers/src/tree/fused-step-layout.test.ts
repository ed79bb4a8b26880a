import type { GradientTransformation, ParamTree } from "@descent/spec";
import { ShapeError, Tensor, treeFlatten, treeLayout, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { adam, lion } from "../aliases/adam-family.js";
import { momentum, sgd } from "../aliases/sgd.js";
import { chain } from "../combine/chain.js";
import { clipByValue } from "../transforms/clip.js";
import { scaleByLearningRate } from "../transforms/scale.js";
import { fusedStep } from "./fused-step.js";

// Why this exists: `FusedStepOptions.layout` lets a caller that checked its trees once (fit) skip the
// step's own walks. It is a fast path, so its contract is parity: the same bits as the step without it.

const vector = (values: number[], seed: number) =>
  new Tensor(
    Float32Array.from(values, (v, i) => Math.fround(v * Math.sin(seed + i))),
    [values.length],
  );
const tree = (seed: number): ParamTree => ({
  layer: { weights: vector([1, -2, 3, 0.5, 4, -1], seed), bias: vector([0.1, 0.2], seed + 1) },
  empty: {},
  out: vector([0.7, -0.3, 0.9], seed + 2),
});
const leafBits = (params: ParamTree) => treeFlatten(params).leaves.map((leaf) => Array.from(leaf.data));

describe("FusedStepOptions.layout", () => {
  const optimizers: [string, () => GradientTransformation<unknown>][] = [
    ["sgd", () => sgd({ learningRate: 0.1 })],
    ["momentum", () => momentum({ learningRate: 0.05, momentum: 0.9 })],
    ["adam", () => adam({ learningRate: 1e-2 })],
    ["lion", () => lion({ learningRate: 1e-3 })],
    ["a chain with clipping", () => chain(clipByValue(0.5), scaleByLearningRate(0.1))],
  ];
  for (const [name, make] of optimizers) {
    it(`gives the bits, state and structure of the step without it (${name})`, () => {
      const optimizer = make();
      const step = fusedStep(optimizer)!;
      const layout = treeLayout(tree(0));
      let plain = { params: tree(0), state: optimizer.init(tree(0)) };
      let laid = { ...plain };
      for (let t = 1; t <= 4; t++) {
        const scale = t > 2 ? 0.5 : 1;
        const a = step(tree(t), plain.state, plain.params, { scale });
        const b = step(tree(t), laid.state, laid.params, { scale, layout });
        expect(b.finite).toBe(a.finite);
        expect(b.gradientsReleased).toBe(a.gradientsReleased);
        plain = { params: a.params, state: a.state };
        laid = { params: b.params, state: b.state };
        expect(leafBits(laid.params)).toEqual(leafBits(plain.params));
        expect(treeLayout(laid.params)).toEqual(layout);
      }
      expect(JSON.stringify(laid.state)).toBe(JSON.stringify(plain.state));
    });
  }

  it("refuses a value that is not a layout, and trees without the layout's tensors", () => {
    const step = fusedStep(sgd({ learningRate: 0.1 }))!;
    const optimizer = sgd({ learningRate: 0.1 });
    const state = optimizer.init(tree(0));
    expect(() => step(tree(1), state, tree(0), { layout: {} as never })).toThrow(ValueError);
    const layout = treeLayout(tree(0));
    const { out: _, ...missing } = tree(1);
    expect(() => step(missing, state, tree(0), { layout })).toThrow(ShapeError);
    const longer = { ...tree(1), out: vector([1, 2], 3) };
    expect(() => step(longer, state, tree(0), { layout })).toThrow(
      /updates\.out has 2 elements but params\.out has 3/,
    );
  });
});

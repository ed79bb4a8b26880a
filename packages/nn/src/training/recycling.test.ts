import { valueAndGrad } from "@descent/autodiff";
import { adam, applyUpdates, momentum, sgd } from "@descent/optimizers";
import type { GradientTransformation, ParamTree } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { softmaxCrossEntropyFromLogits } from "../losses/index.js";
import { fit } from "./fit.js";
import { gradientBuffer, ParameterArrays, recycleGradients } from "./recycling.js";
import { counting, leaves, makeModel, train } from "./test-fixtures.js";

/** The same training as `fit` (no shuffle), written out with update + applyUpdates. */
function manualTraining(
  optimizer: GradientTransformation<unknown>,
  epochs: number,
  batchSize: number,
): ParamTree {
  const model = makeModel();
  let params = model.init(0);
  let state = optimizer.init(params);
  const objective = valueAndGrad((p: ParamTree, x: Tensor, y: Tensor) =>
    softmaxCrossEntropyFromLogits(model.apply(p, x, { training: true }), y),
  );
  const count = train.inputs.shape[0]!;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      const x = new Tensor(train.inputs.data.slice(start * 2, (start + size) * 2), [size, 2]);
      const y = new Tensor(train.targets.data.slice(start, start + size), [size]);
      const { gradients } = objective(params, x, y);
      const result = optimizer.update(gradients as ParamTree, state, params);
      params = applyUpdates(params, result.updates);
      state = result.state;
    }
  }
  return params;
}

describe("fit reuses arrays only where nobody can see it", () => {
  for (const [name, make] of [
    ["sgd (fused, gradients recycled)", () => sgd({ learningRate: 0.1 })],
    ["momentum (fused)", () => momentum({ learningRate: 0.05, momentum: 0.9 })],
    ["adam (fused)", () => adam({ learningRate: 0.01 })],
    ["a custom optimizer (plain path)", () => counting(sgd({ learningRate: 0.1 })).optimizer],
  ] as const) {
    it(`ends bit-identical to update + applyUpdates written out (${name})`, () => {
      const model = makeModel();
      const trained = fit(model, model.init(0), train, {
        optimizer: make(),
        loss: "softmaxCrossEntropyFromLogits",
        epochs: 4,
        batchSize: 8,
        shuffle: false,
      });
      expect(leaves(trained.params)).toEqual(leaves(manualTraining(make(), 4, 8)));
    });
  }

  it("never writes into parameters a callback has seen, nor into the initial parameters", () => {
    const model = makeModel();
    const initial = model.init(3);
    const initialCopy = leaves(initial);
    const seen: { params: ParamTree; copy: number[][] }[] = [];
    const result = fit(model, initial, train, {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 3,
      batchSize: 6,
      callbacks: [
        {
          name: "keeper",
          onStepEnd: (context) => {
            if (context.step % 3 === 0) seen.push({ params: context.params, copy: leaves(context.params) });
          },
        },
      ],
    });
    expect(seen.length).toBeGreaterThan(5);
    for (const entry of seen) expect(leaves(entry.params)).toEqual(entry.copy);
    expect(leaves(initial)).toEqual(initialCopy);
    // Still the same training as without the callback.
    const plain = fit(model, initial, train, {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 3,
      batchSize: 6,
    });
    expect(leaves(result.params)).toEqual(leaves(plain.params));
  });

  it("keeps shuffled training deterministic across runs (recycled arrays carry no state)", () => {
    const model = makeModel();
    const options = {
      optimizer: sgd({ learningRate: 0.2 }),
      loss: "softmaxCrossEntropyFromLogits" as const,
      epochs: 3,
      batchSize: 7,
      seed: 5,
    };
    const first = fit(model, model.init(1), train, options);
    const second = fit(model, model.init(1), train, options);
    expect(leaves(second.params)).toEqual(leaves(first.params));
  });
});

describe("gradientBuffer and recycleGradients", () => {
  it("hand a given-back array out again, once, and ignore arrays they did not make", () => {
    const first = gradientBuffer("float32", 37);
    expect(first).toBeInstanceOf(Float32Array);
    expect(first.length).toBe(37);
    const foreign = new Float32Array(37);
    const tree = { a: new Tensor(first, [37]), b: new Tensor(first, [37]), c: new Tensor(foreign, [37]) };
    recycleGradients(tree);
    recycleGradients(tree);
    const again = gradientBuffer("float32", 37);
    const other = gradientBuffer("float32", 37);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(other).not.toBe(foreign);
    expect(gradientBuffer("float64", 37)).toBeInstanceOf(Float64Array);
  });
});

describe("ParameterArrays", () => {
  it("takes back only trees it made that nobody saw", () => {
    const arrays = new ParameterArrays();
    const made = { w: new Tensor(arrays.allocate("float32", 5), [5]) };
    const seen = { w: new Tensor(arrays.allocate("float32", 5), [5]) };
    const foreign = { w: new Tensor(new Float32Array(5), [5]) };
    arrays.adopt(made);
    arrays.adopt(seen);
    arrays.expose(seen);
    arrays.retire(seen);
    arrays.retire(foreign);
    arrays.retire(made);
    arrays.retire(made);
    expect(arrays.allocate("float32", 5)).toBe(made.w.data);
    const next = arrays.allocate("float32", 5);
    expect(next).not.toBe(seen.w.data);
    expect(next).not.toBe(foreign.w.data);
    expect(next).not.toBe(made.w.data);
  });
});

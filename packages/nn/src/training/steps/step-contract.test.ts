/**
 * Why this exists: the training step is chosen once per `fit` run (plain, or the optimizer's fused one
 * pass, reusing dead arrays or not, resident or not), and every kind must be the plain step with fewer
 * passes: the same bits, for every built-in optimizer, with and without regularizers and constraints, and
 * never a write into an array its caller can still see (the parameters passed in, parameters handed out
 * through `expose` — to callbacks, errors and the result —, gradients the optimizer kept). This is the
 * contract of `TrainingStep`; a new step kind joins the `kinds` table below.
 */
import { type Operand, valueAndGrad } from "@descent/autodiff";
import { adam, applyUpdates, fusedStep, momentum, sgd } from "@descent/optimizers";
import { l2, maxNorm } from "@descent/regularizers";
import type { Constraint, GradientTransformation, ParamTree, Regularizer } from "@descent/spec";
import { Tensor, treeFlatten, useKernels } from "@descent/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { softmaxCrossEntropyFromLogits } from "../../losses/index.js";
import { fit } from "../fit.js";
import { ResidentPool } from "../resident-pool.js";
import {
  counting,
  trainingExtras as extras,
  leaves,
  makeModel,
  builtInOptimizers as optimizers,
  train,
} from "../test-fixtures.js";
import { addTrees } from "../tree-arithmetic.js";
import { chooseTrainingStep } from "./choose-step.js";
import { fusedTrainingStep } from "./fused-step.js";
import { GradientArrays } from "./gradient-arrays.js";
import { ParameterArrays } from "./parameter-arrays.js";
import { plainStep } from "./plain-step.js";
import { StateArrays } from "./state-arrays.js";
import type { TrainingStep } from "./training-step.js";

type MakeStep = (
  optimizer: GradientTransformation<unknown>,
  constraints: Constraint[],
  pool: ResidentPool,
) => TrainingStep;

const fusedOf = (optimizer: GradientTransformation<unknown>) => {
  const fused = fusedStep(optimizer);
  if (fused === undefined) throw new Error("a built-in optimizer without a fused step");
  return fused;
};

/** Every step kind; the first is the reference. */
const kinds: Record<string, MakeStep> = {
  plain: (optimizer, constraints) => plainStep(optimizer, { constraints, checkFinite: true }),
  fused: (optimizer, constraints) => fusedTrainingStep(fusedOf(optimizer), { constraints, reuse: false }),
  "fused, reusing plain arrays": (optimizer, constraints) =>
    fusedTrainingStep(fusedOf(optimizer), { constraints, reuse: { pool: null } }),
  "fused, reusing resident arrays": (optimizer, constraints, pool) =>
    fusedTrainingStep(fusedOf(optimizer), { constraints, reuse: { pool } }),
};

function bitsOf(params: ParamTree): number[][] {
  return treeFlatten(params).leaves.map((tensor) =>
    Array.from(new Uint32Array(Float32Array.from(tensor.data).buffer)),
  );
}

/**
 * Eight steps as `fit` takes them (batches of 8, the learning rate halved from step 4, parameters handed out
 * every third step, the previous parameters retired), recording what the caller could see.
 */
function drive(optimizer: GradientTransformation<unknown>, extra: string, kind: string) {
  const pool = new ResidentPool();
  const { regularizers, constraints } = extras[extra]!();
  const step = kinds[kind]!(optimizer, constraints, pool);
  const model = makeModel();
  const initial = model.init(0);
  const initialBits = bitsOf(initial);
  const objective = valueAndGrad((p: ParamTree, x: Tensor, y: Tensor) =>
    softmaxCrossEntropyFromLogits(
      model.apply(p, x as Operand, { training: true, allocateGradient: step.allocateGradient }),
      y,
    ),
  );
  const seen: { params: ParamTree; bits: number[][] }[] = [];
  let params = initial;
  let state = optimizer.init(params);
  let previous: ParamTree | null = null;
  try {
    for (let index = 0; index < 8; index++) {
      const start = (index * 8) % 56;
      const x = new Tensor(train.inputs.data.slice(start * 2, (start + 8) * 2), [8, 2]);
      const y = new Tensor(train.targets.data.slice(start, start + 8), [8]);
      let gradients = objective(params, x, y).gradients as ParamTree;
      for (const regularizer of regularizers) gradients = addTrees(gradients, regularizer.gradient(params));
      const result = step.apply(gradients, state, params, index < 4 ? 1 : 0.5);
      expect(result.finite).toBe(true);
      if (previous !== null) step.retire(previous);
      previous = params;
      params = result.params;
      state = result.optimizerState;
      if (index % 3 === 1) {
        params = step.expose(params);
        seen.push({ params, bits: bitsOf(params) });
      }
    }
    const final = step.expose(params);
    return { final, bits: bitsOf(final), initial, initialBits, seen };
  } finally {
    pool.releaseAll();
  }
}

describe("every TrainingStep kind is the plain step, bit for bit, and writes nothing its caller sees", () => {
  afterAll(() => useKernels("wasm-simd"));
  for (const kernel of ["js", "wasm-simd"] as const) {
    for (const [name, make] of Object.entries(optimizers)) {
      it(`${kernel}: ${name} with ${Object.keys(extras).join(", ")}`, () => {
        useKernels(kernel);
        for (const extra of Object.keys(extras)) {
          const reference = drive(make(), extra, "plain");
          for (const kind of Object.keys(kinds)) {
            const run = drive(make(), extra, kind);
            const label = `${kind}, ${extra}`;
            expect({ label, bits: run.bits }).toEqual({ label, bits: reference.bits });
            expect({ label, initial: bitsOf(run.initial) }).toEqual({ label, initial: run.initialBits });
            for (const { params, bits } of run.seen)
              expect({ label, bits: bitsOf(params) }).toEqual({ label, bits });
            // Nothing resident is handed out: the pool was released and these arrays stay valid.
            for (const tensor of treeFlatten(run.final).leaves)
              expect(tensor.data.buffer instanceof SharedArrayBuffer).toBe(false);
          }
        }
      });
    }
  }
});

describe("chooseTrainingStep", () => {
  const none = { regularizers: [], constraints: [], guard: true, pool: null };
  it("takes the fused step, reusing arrays, for a built-in optimizer without regularizers or constraints", () => {
    expect(chooseTrainingStep(adam({ learningRate: 0.01 }), none).allocateGradient).toBeTypeOf("function");
  });
  it("reuses no array when a regularizer or a constraint is handed the parameters", () => {
    const optimizer = sgd({ learningRate: 0.1 });
    expect(
      chooseTrainingStep(optimizer, { ...none, regularizers: [l2(1e-3)] }).allocateGradient,
    ).toBeUndefined();
    expect(
      chooseTrainingStep(optimizer, { ...none, constraints: [maxNorm(1)] }).allocateGradient,
    ).toBeUndefined();
  });
  it("takes the plain step for an optimizer without a fused step, which skips a non-finite update", () => {
    const { optimizer, calls } = counting(sgd({ learningRate: 0.1 }));
    const step = chooseTrainingStep(optimizer, none);
    expect(step.allocateGradient).toBeUndefined();
    const params = { w: new Tensor(new Float32Array([1, 2]), [2]) };
    const result = step.apply({ w: new Tensor(new Float32Array([Number.NaN, 0]), [2]) }, {}, params, 1);
    expect(result).toEqual({ params, optimizerState: {}, finite: false });
    expect(calls()).toBe(0);
  });
});

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

  it("never writes into parameters a regularizer or a constraint was handed (they may keep them)", () => {
    const model = makeModel();
    const kept: { params: ParamTree; copy: number[][] }[] = [];
    const keep = (params: ParamTree) => kept.push({ params, copy: leaves(params) });
    const penalty = l2(1e-3);
    const keepingRegularizer: Regularizer = {
      name: "keepingL2",
      penalty(params) {
        keep(params);
        return penalty.penalty(params);
      },
      gradient: (params) => penalty.gradient(params),
    };
    const keepingConstraint: Constraint = {
      name: "keeping",
      apply(params) {
        keep(params);
        return params;
      },
    };
    for (const extra of [{ regularizers: [keepingRegularizer] }, { constraints: [keepingConstraint] }]) {
      kept.length = 0;
      fit(model, model.init(2), train, {
        optimizer: adam({ learningRate: 0.01 }),
        loss: "softmaxCrossEntropyFromLogits",
        epochs: 2,
        batchSize: 8,
        ...extra,
      });
      expect(kept).toHaveLength(16);
      for (const entry of kept) expect(leaves(entry.params)).toEqual(entry.copy);
    }
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

describe("GradientArrays", () => {
  it("hands a released array out again, once, and never one the optimizer kept or one it did not make", () => {
    const arrays = new GradientArrays(null);
    const first = arrays.allocate("float32", 37);
    expect(first).toBeInstanceOf(Float32Array);
    expect(first.length).toBe(37);
    const foreign = new Float32Array(37);
    const tree = { a: new Tensor(first, [37]), b: new Tensor(first, [37]), c: new Tensor(foreign, [37]) };
    arrays.settle(tree, true);
    const again = arrays.allocate("float32", 37);
    const other = arrays.allocate("float32", 37);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(other).not.toBe(foreign);
    arrays.settle({ a: new Tensor(again, [37]) }, false);
    expect(arrays.allocate("float32", 37)).not.toBe(again);
    expect(arrays.allocate("float64", 37)).toBeInstanceOf(Float64Array);
  });
});

describe("ParameterArrays", () => {
  it("takes back only trees it made that nobody saw", () => {
    const arrays = new ParameterArrays(null);
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

describe("StateArrays", () => {
  it("takes back a replaced state's arrays except those the next state still holds, and hands out copies", () => {
    const arrays = new StateArrays(null);
    const kept = arrays.allocate("float32", 4);
    const dropped = arrays.allocate("float32", 4);
    const foreign = new Float32Array(4);
    // A part may return some of its state's arrays unchanged (a constant it keeps): those are still live.
    const previous = [
      { a: new Tensor(kept, [4]), b: new Tensor(dropped, [4]), c: new Tensor(foreign, [4]) },
      { count: 1 },
    ];
    const next = [{ a: new Tensor(kept, [4]) }, { count: 2 }];
    arrays.retire(previous, next);
    expect(arrays.allocate("float32", 4)).toBe(dropped);
    const fresh = arrays.allocate("float32", 4);
    expect(fresh).not.toBe(kept);
    expect(fresh).not.toBe(foreign);
    // Handed out: a copy with plain arrays and the same values; the original array goes back for reuse.
    kept.fill(3);
    const exposed = arrays.expose(next) as [{ a: Tensor }, { count: number }];
    expect(exposed[0].a.data).not.toBe(kept);
    expect(Array.from(exposed[0].a.data)).toEqual([3, 3, 3, 3]);
    expect(exposed[0].a.shape).toEqual([4]);
    expect(exposed[1]).toEqual({ count: 2 });
    expect(arrays.allocate("float32", 4)).toBe(kept);
    // A state holding none of its arrays is handed out as it is.
    const plain = { m: new Tensor(new Float32Array(2), [2]), count: 3 };
    expect(arrays.expose(plain)).toBe(plain);
  });
});

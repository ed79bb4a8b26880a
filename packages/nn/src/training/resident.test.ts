import { valueAndGrad } from "@descent/autodiff";
import { adam, momentum, sgd } from "@descent/optimizers";
import type { GradientTransformation, ParamTree } from "@descent/spec";
import { createRandom, normal, setThreadCount, Tensor, treeFlatten, useKernels } from "@descent/tensor";
import { getKernels, releaseResident, residentFloat32, setKernels } from "@descent/tensor/kernels";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dense, sequential } from "../layers/index.js";
import { isTrackedOperand, tensorOfOperand } from "../layers/operands.js";
import type { Model } from "../layers/sequential.js";
import { softmaxCrossEntropyFromLogits } from "../losses/index.js";
import { earlyStopping } from "./callbacks.js";
import { fit, fitWithPool } from "./fit.js";
import { NonFiniteError } from "./non-finite.js";
import { ResidentPool } from "./resident-pool.js";
import { GradientArrays } from "./steps/gradient-arrays.js";
import type { FitOptions, TrainingCheckpoint } from "./types.js";

// Large enough that the GEMMs run in WebAssembly (and, with 2 threads, on both threads): 100 → 72 → 5.
const features = 100;
const samples = 150;
const random = createRandom(3);
const data = {
  inputs: normal(random, [samples, features]),
  targets: new Tensor(
    Float32Array.from({ length: samples }, (_, index) => index % 5),
    [samples],
  ),
};
const validation = {
  inputs: normal(random, [40, features]),
  targets: new Tensor(
    Float32Array.from({ length: 40 }, (_, index) => index % 5),
    [40],
  ),
};
const makeModel = () => sequential([dense(features, 72), "relu", dense(72, 5)]);

function bitsOf(params: ParamTree): number[][] {
  return treeFlatten(params).leaves.map((tensor) =>
    Array.from(new Uint32Array(Float32Array.from(tensor.data).buffer)),
  );
}

function isShared(array: ArrayBufferView): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/** The typed arrays of an optimizer state (tensors in nested arrays and objects), in walk order. */
function stateArrays(state: unknown): ArrayBufferView[] {
  if (state instanceof Tensor) return [state.data];
  if (Array.isArray(state)) return state.flatMap(stateArrays);
  if (typeof state === "object" && state !== null) return Object.values(state).flatMap(stateArrays);
  return [];
}

function stateBits(state: unknown): number[][] {
  return stateArrays(state).map((data) =>
    Array.from(new Uint32Array(Float32Array.from(data as Float32Array).buffer)),
  );
}

function sharedLeaves(params: ParamTree): number {
  return treeFlatten(params).leaves.filter((tensor) => isShared(tensor.data)).length;
}

/** Shared leaves of a parameter tree as a model sees it (operands: tensors or traced values). */
function sharedOperands(tree: object): number {
  let count = 0;
  for (const value of Object.values(tree)) {
    if (isTrackedOperand(value) || value instanceof Tensor)
      count += isShared(tensorOfOperand(value).data) ? 1 : 0;
    else count += sharedOperands(value as object);
  }
  return count;
}

/** `model` counting its steps, the steps fed a resident batch, and the resident parameters it was handed. */
function spyOnOperands(model: Model) {
  const seen = { sharedInputs: 0, sharedParams: 0, steps: 0 };
  const spied: Model = {
    ...model,
    apply(params, input, options) {
      seen.steps++;
      if (isShared((input as Tensor).data)) seen.sharedInputs++;
      seen.sharedParams += sharedOperands(params);
      return model.apply(params, input, options);
    },
  };
  return { spied, seen };
}

function run(resident: boolean, model: Model, options: FitOptions) {
  return fitWithPool(model, model.init(7), data, options, resident ? new ResidentPool() : null);
}

describe("fit with resident buffers", () => {
  beforeAll(() => {
    useKernels("wasm-simd");
  });
  afterAll(() => setThreadCount(1));

  const optimizers: [string, () => GradientTransformation<unknown>][] = [
    ["sgd", () => sgd({ learningRate: 0.05 }) as GradientTransformation<unknown>],
    ["momentum", () => momentum({ learningRate: 0.05, momentum: 0.9 }) as GradientTransformation<unknown>],
    ["adam", () => adam({ learningRate: 0.01 }) as GradientTransformation<unknown>],
  ];
  for (const threads of [1, 2]) {
    for (const [name, make] of optimizers) {
      it(`trains bit-identically with and without them (${name}, ${threads} thread(s))`, () => {
        setThreadCount(threads);
        const options = (): FitOptions => ({
          optimizer: make(),
          loss: "softmaxCrossEntropyFromLogits",
          epochs: 3,
          batchSize: 32,
          validationData: validation,
          callbacks: [earlyStopping({ patience: 5, restoreBestWeights: true })],
        });
        const plain = run(false, makeModel(), options());
        const resident = run(true, makeModel(), options());
        expect(bitsOf(resident.params)).toEqual(bitsOf(plain.params));
        expect(resident.history.steps.loss).toEqual(plain.history.steps.loss);
        expect(resident.history.steps.loss).toHaveLength(15);
        expect(sharedLeaves(resident.params)).toBe(0);
      });
    }
  }

  it("feeds the model resident batches and parameters, and hands callbacks plain copies", () => {
    setThreadCount(1);
    const model = makeModel();
    const { spied, seen } = spyOnOperands(model);
    const options = {
      optimizer: sgd({ learningRate: 0.05 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 2,
      batchSize: 32,
    } as const;
    fit(spied, model.init(1), data, options);
    expect(seen.steps).toBe(10);
    expect(seen.sharedInputs).toBe(10);
    // From the second step on, all 4 parameters are resident arrays written by the fused update.
    expect(seen.sharedParams).toBe(9 * 4);

    const kept: { params: ParamTree; copy: number[][] }[] = [];
    const result = fit(model, model.init(1), data, {
      ...options,
      callbacks: [
        {
          name: "keeper",
          onStepEnd(context) {
            const params = context.params;
            kept.push({ params, copy: bitsOf(params) });
          },
        },
      ],
    });
    expect(kept).toHaveLength(10);
    for (const { params } of kept) expect(sharedLeaves(params)).toBe(0);
    expect(sharedLeaves(result.params)).toBe(0);
    // Another run reuses the released blocks: what the callback kept must not change.
    fit(makeModel(), makeModel().init(2), data, {
      optimizer: sgd({ learningRate: 0.05 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 1,
      batchSize: 32,
    });
    for (const { params, copy } of kept) expect(bitsOf(params)).toEqual(copy);
    expect(bitsOf(kept[kept.length - 1]!.params)).toEqual(bitsOf(result.params));
  });

  it("runs Adam's step in place on resident arrays, and hands out its state as plain copies that never change", () => {
    setThreadCount(1);
    const wasm = getKernels();
    // Per call of the kernels' Adam step: were all six arrays (g, m, v and the three outputs) resident?
    const inPlace: boolean[] = [];
    setKernels({
      ...wasm,
      adamUpdate(g, m, v, mOut, vOut, out, coefficients) {
        inPlace.push([g, m, v, mOut, vOut, out].every(isShared));
        wasm.adamUpdate(g, m, v, mOut, vOut, out, coefficients);
      },
    });
    try {
      const options = {
        optimizer: adam({ learningRate: 0.01 }),
        loss: "softmaxCrossEntropyFromLogits",
        epochs: 2,
        batchSize: 32,
      } as const;
      const model = makeModel();
      const quiet = fit(model, model.init(1), data, options);
      // 10 steps × 4 parameters. The first step starts from init's plain moments and plain gradients; from
      // the second on, the moments, updates and gradients are the run's resident arrays.
      expect(inPlace).toHaveLength(40);
      expect(inPlace.slice(0, 4)).toEqual([false, false, false, false]);
      expect(inPlace.slice(4).every(Boolean)).toBe(true);
      expect(stateArrays(quiet.optimizerState).some(isShared)).toBe(false);

      // Callbacks read the state and take a checkpoint: they get plain copies, which later steps (reusing
      // the arrays they replaced) never change, and the training is the same.
      const kept: { state: unknown; copy: number[][] }[] = [];
      let saved: { checkpoint: TrainingCheckpoint; params: ParamTree } | undefined;
      const watched = fit(model, model.init(1), data, {
        ...options,
        callbacks: [
          {
            name: "keeper",
            onStepEnd(context) {
              if (context.step % 3 === 0) {
                const state = context.optimizerState;
                kept.push({ state, copy: stateBits(state) });
              }
              if (context.step === 4) saved = { checkpoint: context.checkpoint(), params: context.params };
            },
          },
        ],
      });
      expect(bitsOf(watched.params)).toEqual(bitsOf(quiet.params));
      expect(kept).toHaveLength(3);
      for (const { state, copy } of kept) {
        expect(stateArrays(state).some(isShared)).toBe(false);
        expect(stateBits(state)).toEqual(copy);
      }
      expect(stateArrays(saved!.checkpoint.optimizerState).some(isShared)).toBe(false);
      expect(stateBits(watched.optimizerState)).toEqual(stateBits(quiet.optimizerState));
      // Resuming from the step-4 checkpoint ends where the uninterrupted run did.
      const resumed = fit(model, saved!.params, data, { ...options, resume: saved!.checkpoint });
      expect(bitsOf(resumed.params)).toEqual(bitsOf(quiet.params));
      expect(stateBits(resumed.optimizerState)).toEqual(stateBits(quiet.optimizerState));
    } finally {
      setKernels(wasm);
    }
  });

  it("reports a non-finite step with plain parameters", () => {
    const model = makeModel();
    let caught: unknown;
    try {
      fit(model, model.init(1), data, {
        optimizer: sgd({ learningRate: 1e38 }),
        loss: "softmaxCrossEntropyFromLogits",
        epochs: 3,
        batchSize: 32,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NonFiniteError);
    const params = (caught as NonFiniteError).params;
    expect(sharedLeaves(params)).toBe(0);
    const copy = bitsOf(params);
    fit(makeModel(), makeModel().init(2), data, {
      optimizer: sgd({ learningRate: 0.05 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 1,
      batchSize: 32,
    });
    expect(bitsOf(params)).toEqual(copy);
  });

  it("hands the model the step's gradient arrays: plain at the first step, resident once sgd released them", () => {
    setThreadCount(1);
    const model = makeModel();
    const sharedPerStep: boolean[][] = [];
    const spied: Model = {
      ...model,
      apply(params, input, options) {
        const allocate = options?.allocateGradient;
        expect(allocate).toBeTypeOf("function");
        const shared: boolean[] = [];
        sharedPerStep.push(shared);
        return model.apply(params, input, {
          ...options,
          allocateGradient(dtype, length) {
            const array = allocate!(dtype, length);
            shared.push(isShared(array));
            return array;
          },
        });
      },
    };
    fit(spied, model.init(1), data, {
      optimizer: sgd({ learningRate: 0.05 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 1,
      batchSize: 32,
    });
    expect(sharedPerStep).toHaveLength(5);
    expect(sharedPerStep[0]!.length).toBeGreaterThan(0);
    expect(sharedPerStep[0]!.every((shared) => !shared)).toBe(true);
    for (const step of sharedPerStep.slice(1))
      expect(step.length > 0 && step.every((shared) => shared)).toBe(true);
  });

  it("gives gradients computed by a callback outside the step plain arrays", () => {
    const model = makeModel();
    const objective = valueAndGrad((p: ParamTree) =>
      softmaxCrossEntropyFromLogits(model.apply(p, data.inputs), data.targets),
    );
    let shared = -1;
    fit(model, model.init(1), data, {
      optimizer: sgd({ learningRate: 0.05 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 1,
      batchSize: 32,
      callbacks: [
        {
          name: "probe",
          onTrainEnd(context) {
            const { gradients } = objective(context.params);
            shared = sharedLeaves(gradients as ParamTree);
          },
        },
      ],
    });
    expect(shared).toBe(0);
  });

  it("releases every resident block when fit ends, also when it throws", () => {
    const train = (learningRate: number) =>
      fit(makeModel(), makeModel().init(1), data, {
        optimizer: sgd({ learningRate }),
        loss: "softmaxCrossEntropyFromLogits",
        epochs: 2,
        batchSize: 32,
      });
    train(0.05);
    // Lengths fit never asks for are served from the top of the heap.
    const first = residentFloat32(10007)!;
    train(0.05);
    expect(() => train(1e38)).toThrow(NonFiniteError);
    const second = residentFloat32(10009)!;
    // Nothing between the probes took new blocks: the later fits reused what the first one released.
    expect(second.byteOffset).toBe(first.byteOffset + Math.ceil((10007 * 4) / 64) * 64);
    releaseResident(first);
    releaseResident(second);
  });

  it("takes no new resident arrays once training runs, with more same-sized parameters than a step frees", () => {
    setThreadCount(1);
    // Six 24×24 weights and seven biases of 24: more arrays of one length than a small free list kept.
    const deep = () =>
      sequential([
        dense(features, 24),
        ...Array.from({ length: 6 }, () => ["relu", dense(24, 24)] as const).flat(),
        "relu",
        dense(24, 5),
      ]);
    const made = (epochs: number) => {
      const pool = new ResidentPool();
      const arrays = new Set<Float32Array>();
      const take = pool.take.bind(pool);
      pool.take = (dtype, length) => {
        const array = take(dtype, length);
        if (array !== null) arrays.add(array);
        return array;
      };
      fitWithPool(
        deep(),
        deep().init(1),
        data,
        {
          optimizer: sgd({ learningRate: 0.01 }),
          loss: "softmaxCrossEntropyFromLogits",
          epochs,
          batchSize: 32,
        },
        pool,
      );
      return arrays.size;
    };
    expect(made(2)).toBeGreaterThan(0);
    expect(made(6)).toBe(made(2));
  });
});

describe("ResidentPool", () => {
  it("reuses what it is given, copies its arrays out of trees, and releases them all", () => {
    useKernels("wasm-simd");
    const pool = new ResidentPool();
    const array = pool.take("float32", 100)!;
    expect(isShared(array)).toBe(true);
    expect(pool.take("float64", 100)).toBeNull();
    expect(pool.give(new Float32Array(100))).toBe(false);
    expect(pool.give(array)).toBe(true);
    expect(pool.take("float32", 100)).toBe(array);
    array.fill(2.5);
    const tree = {
      layer: { weights: new Tensor(array, [10, 10]), bias: new Tensor(new Float32Array(10), [10]) },
    };
    const plain = pool.plain(tree);
    expect(sharedLeaves(plain)).toBe(0);
    expect(Array.from(treeFlatten(plain).leaves[0]!.data)).toEqual(new Array(100).fill(2.5));
    expect(pool.plain({ bias: tree.layer.bias })).toEqual({ bias: tree.layer.bias });
    // A step's gradient arrays become resident once the optimizer released a step's gradients.
    const gradientArrays = new GradientArrays(pool);
    const first = gradientArrays.allocate("float32", 64);
    expect(pool.owns(first)).toBe(false);
    gradientArrays.settle({ g: new Tensor(first, [64]) }, true);
    const gradient = gradientArrays.allocate("float32", 64);
    expect(pool.owns(gradient)).toBe(true);
    const address = array.byteOffset;
    pool.releaseAll();
    const again = residentFloat32(100)!;
    expect(again.byteOffset).toBe(address);
    releaseResident(again);
  });

  it("is not used when fit runs without one: batches and parameters stay plain", () => {
    useKernels("wasm-simd");
    const model = makeModel();
    const { spied, seen } = spyOnOperands(model);
    const options = {
      optimizer: sgd({ learningRate: 0.05 }),
      loss: "softmaxCrossEntropyFromLogits",
    } as const;
    fitWithPool(spied, model.init(1), data, { ...options, epochs: 2, batchSize: 32 }, null);
    expect(seen).toEqual({ sharedInputs: 0, sharedParams: 0, steps: 10 });
  });
});

// Consumer type test of @descent/nn and @descent/nn/node (built declarations, strict, nodenext, skipLibCheck false).
import {
  type ActivationLike,
  batchNorm,
  type Conv2dParams,
  conv2d,
  type DenseParams,
  dense,
  evaluate,
  type FitResult,
  fit,
  flatten,
  type Layer,
  type LossName,
  type layerNorm,
  type MetricName,
  type Model,
  type ModelSnapshot,
  type metrics,
  type NormalizationParams,
  sequential,
} from "@descent/nn";
import { type LoadedModel, loadModel, loadSnapshot } from "@descent/nn/node";
import { adam, type Optimizer, sgd } from "@descent/optimizers";
import type { ParamTree, Tensor } from "@descent/spec";
import { tensor } from "@descent/tensor";

const hidden = dense(2, 8);
expectTrue<Equal<typeof hidden, Layer<DenseParams>>>();
const model: Model = sequential([hidden, "relu", dense(8, 1)]);
const params = model.init(42);

// A layer's weights, typed: the model finds the layer's entry in the tree.
const { weights, bias } = model.paramsOf(params, hidden);
expectTrue<Equal<typeof weights, Tensor>>();
expectTrue<Equal<typeof bias, Tensor>>();
const noBias = dense(2, 8, { useBias: false });
expectTrue<Equal<ReturnType<typeof noBias.init>, { readonly weights: Tensor }>>();
const conv = conv2d(1, 4, 3);
const norm = batchNorm(4);
const image = sequential([conv, norm, "relu", flatten(), dense(4 * 26 * 26, 2)]);
const imageParams = image.init(0);
expectTrue<Equal<typeof conv, Layer<Conv2dParams>>>();
const { weights: kernel } = image.paramsOf(imageParams, conv);
expectTrue<Equal<typeof kernel, Tensor>>();
const { gamma } = image.paramsOf(imageParams, norm);
expectTrue<Equal<typeof gamma, Tensor>>();
expectTrue<Equal<ReturnType<typeof layerNorm>, Layer<NormalizationParams>>>();
// By name, untyped (the name is only known at run time).
expectAssignable<ParamTree>(model.paramsOf(params, "dense_1"));
// @ts-expect-error -- the tree of a layer without bias has no bias
sequential([noBias]).paramsOf(params, noBias).bias;

// Activation names are a union: a typo is a compile error.
sequential([dense(2, 8), "tanh", dense(8, 1)]);
// @ts-expect-error -- "rleu" is not an activation name
sequential([dense(2, 8), "rleu", dense(8, 1)]);
// @ts-expect-error -- not an activation name either
const notAnActivation: ActivationLike = "rleu";

// Optimizers swap, and fit accepts any of them. (Inside a function: these lines are type-checked, never run.)
export function training(): void {
  const train = fit; // (biome reads a bare `fit(…)` as a focused test)
  let optimizer: Optimizer = adam();
  optimizer = sgd({ learningRate: 0.1 });
  const data = { inputs: tensor([[0, 1]]), targets: tensor([[1]]) };
  const loss: LossName = "meanSquaredError";
  const result: FitResult = train(model, params, data, { optimizer, loss, epochs: 1, metrics: ["r2"] });
  expectAssignable<ParamTree>(result.params);
  // @ts-expect-error -- "acuracy" is not a metric name
  train(model, params, data, { optimizer, loss, metrics: ["acuracy"] });
  // @ts-expect-error -- "meanSquareError" is not a loss name
  train(model, params, data, { optimizer, loss: "meanSquareError" });
  const name: metrics.MetricName = "accuracy";
  expectTrue<Equal<MetricName, metrics.MetricName>>();
  evaluate(model, result.params, data, { loss, metrics: [name] });
}

// loadModel gives a model (it throws for a folder without an architecture); loadSnapshot reads any folder.
const loaded: LoadedModel = loadModel("models/xor");
expectTrue<Equal<typeof loaded.model, Model>>();
const snapshot: ModelSnapshot = loadSnapshot("checkpoints/run1");
expectAssignable<ParamTree>(snapshot.params);

export { notAnActivation };

import { elu, gelu, leakyRelu, relu, selu, sigmoid, silu, softplus, tanh } from "@descent/activations";
import {
  activation as activationLayer,
  dense,
  evaluate,
  fit,
  type Layer,
  losses,
  NonFiniteError,
  sequential,
} from "@descent/nn";
import { adam } from "@descent/optimizers";
import type { Activation, ReportPlot } from "@descent/spec";
import { createRandom } from "@descent/tensor";
import { column, defineExperiment, type Finding, findingOf } from "../experiment.js";
import { firstRows, mnist } from "./shared/datasets.js";
import { weightGradientNorms } from "./shared/layer-gradients.js";
import { medianSeconds, significant } from "./shared/measure.js";

/** Settings of the `activations` experiment. */
export interface ActivationsSettings {
  /** Elements of the Float32Array the kernels are timed on. */
  readonly kernelElements: number;
  /** Timed runs per kernel (after one warm-up); the median is reported. */
  readonly kernelRuns: number;
  readonly trainCount: number;
  readonly testCount: number;
  readonly hiddenLayers: number;
  readonly width: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Training images the gradient norms are measured on. */
  readonly probeCount: number;
}

const candidates: readonly { readonly name: string; readonly make: () => Activation }[] = [
  { name: "sigmoid", make: () => sigmoid() },
  { name: "tanh", make: () => tanh() },
  { name: "ReLU", make: () => relu() },
  { name: "leaky ReLU (α = 0.01)", make: () => leakyRelu() },
  { name: "ELU", make: () => elu() },
  { name: "SELU", make: () => selu() },
  { name: "GELU (exact)", make: () => gelu() },
  { name: "SiLU", make: () => silu() },
  { name: "softplus", make: () => softplus() },
];

function kernelNanoseconds(activation: Activation, settings: ActivationsSettings, seed: number) {
  const random = createRandom(seed);
  const n = settings.kernelElements;
  const input = new Float32Array(n);
  const gradientOutput = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    input[i] = 8 * random.next() - 4;
    gradientOutput[i] = 2 * random.next() - 1;
  }
  const output = new Float32Array(n);
  const gradientInput = new Float32Array(n);
  const options = { maxRuns: settings.kernelRuns + 1, budgetSeconds: Number.POSITIVE_INFINITY };
  const forward = medianSeconds(() => activation.forward(input, output), options);
  const backward = medianSeconds(
    () => activation.backward(input, output, gradientOutput, gradientInput),
    options,
  );
  return { forward: (forward * 1e9) / n, backward: (backward * 1e9) / n };
}

/** `activations`: kernel speed, gradient flow through a deep network, and accuracy, for nine activations. */
export const activations = defineExperiment<ActivationsSettings>({
  id: "activations",
  title: "Comparison of activation functions in neural networks",
  question:
    "How fast are the common activations, and which keep the gradient alive through a deep network (vanishing or exploding) and train it to good accuracy?",
  settings: {
    tiny: {
      kernelElements: 1 << 14,
      kernelRuns: 3,
      trainCount: 200,
      testCount: 100,
      hiddenLayers: 10,
      width: 16,
      epochs: 1,
      batchSize: 64,
      learningRate: 1e-3,
      probeCount: 64,
    },
    quick: {
      kernelElements: 1 << 20,
      kernelRuns: 7,
      trainCount: 2000,
      testCount: 500,
      hiddenLayers: 10,
      width: 32,
      epochs: 8,
      batchSize: 64,
      learningRate: 1e-3,
      probeCount: 256,
    },
    full: {
      kernelElements: 1 << 22,
      kernelRuns: 15,
      trainCount: 5000,
      testCount: 1000,
      hiddenLayers: 10,
      width: 64,
      epochs: 12,
      batchSize: 64,
      learningRate: 1e-3,
      probeCount: 512,
    },
  },
  // Estimated seconds on 2 cores (tiny: measured; quick and full: estimates), for balancing --shard.
  cost: { tiny: 1.2, quick: 30, full: 150 },
  async run(settings, context) {
    const split = mnist(settings.trainCount, settings.testCount, context.seed);
    const probe = firstRows(split.train, Math.min(settings.probeCount, settings.trainCount));
    const loss = losses.softmaxCrossEntropyFromLogits;
    const results = candidates.map((candidate, index) => {
      context.progress(index / candidates.length, candidate.name);
      const activation = candidate.make();
      const kernel = kernelNanoseconds(activation, settings, context.seed + 1);
      const layers: Layer[] = [];
      for (let layer = 0; layer < settings.hiddenLayers; layer++) {
        layers.push(dense(layer === 0 ? 784 : settings.width, settings.width));
        layers.push(activationLayer(activation));
      }
      const model = sequential([...layers, dense(settings.width, 10)]);
      // The same initial weights (Glorot uniform, dense's default as in Keras) for every activation.
      const params = model.init(context.seed + 2);
      const initialNorms = weightGradientNorms(model, params, probe, loss);
      let trained: { accuracy: number; firstNorm: number } | null = null;
      try {
        const result = fit(model, params, split.train, {
          optimizer: adam({ learningRate: settings.learningRate }),
          loss,
          epochs: settings.epochs,
          batchSize: settings.batchSize,
          seed: context.seed + 3,
        });
        trained = {
          accuracy: evaluate(model, result.params, split.test, { metrics: ["accuracy"] }).accuracy!,
          firstNorm: weightGradientNorms(model, result.params, probe, loss)[0]!,
        };
      } catch (error) {
        if ((error as Error).name !== NonFiniteError.name) throw error;
      }
      return { name: candidate.name, kernel, initialNorms, trained };
    });
    context.progress(1, "done");

    const rows = results.map((result) => {
      const first = result.initialNorms[0]!;
      const output = result.initialNorms.at(-1)!;
      return [
        result.name,
        result.kernel.forward,
        result.kernel.backward,
        first,
        output,
        output > 0 ? first / output : null,
        result.trained?.firstNorm ?? "diverged",
        result.trained?.accuracy ?? "diverged",
      ];
    });
    const gradientPlot: ReportPlot = {
      id: "gradient-norms",
      title: `Weight-gradient norm per layer at initialization (${settings.hiddenLayers} hidden layers of ${settings.width}, Glorot uniform)`,
      kind: "line",
      xLabel: "dense layer (1 = first, next to the input)",
      yLabel: "‖∂L/∂W‖₂",
      yScale: "log",
      series: results.map((result) => ({
        name: result.name,
        points: result.initialNorms.flatMap((norm, index) =>
          norm > 0 && Number.isFinite(norm) ? [[index + 1, norm] as const] : [],
        ),
      })),
    };
    const kernelPlot: ReportPlot = {
      id: "kernel-speed",
      title: `Kernel time per element on a Float32Array of ${settings.kernelElements.toLocaleString("en-US")} (median of ${settings.kernelRuns} runs)`,
      kind: "bar",
      xLabel: results.map((result, index) => `${index + 1} = ${result.name}`).join(", "),
      yLabel: "ns per element",
      series: (["forward", "backward"] as const).map((pass) => ({
        name: pass,
        points: results.map((result, index) => [index + 1, result.kernel[pass]] as const),
      })),
    };
    return {
      columns: [
        column("activation"),
        column("forward", "ns per element"),
        column("backward", "ns per element"),
        column("first-layer gradient norm at init", "‖∂L/∂W₁‖₂"),
        column("output-layer gradient norm at init", "‖∂L/∂W_out‖₂"),
        column("first / output layer at init", "ratio"),
        column(`first-layer gradient norm after ${settings.epochs} epochs`, "‖∂L/∂W₁‖₂"),
        column("test accuracy", "fraction"),
      ],
      rows,
      ...describeFinding(results, settings),
      plots: [kernelPlot, gradientPlot],
    };
  },
});

interface ActivationResult {
  readonly name: string;
  readonly kernel: { readonly forward: number; readonly backward: number };
  readonly initialNorms: readonly number[];
  readonly trained: { readonly accuracy: number; readonly firstNorm: number } | null;
}

/** Three sentences: kernel speed, vanishing or exploding gradients at initialization, accuracy after training. */
function describeFinding(results: readonly ActivationResult[], settings: ActivationsSettings): Finding {
  const byName = (name: string) => results.find((result) => result.name === name)!;
  const relu = byName("ReLU");
  const sigmoid = byName("sigmoid");
  const total = (result: ActivationResult) => result.kernel.forward + result.kernel.backward;
  const bySpeed = [...results].sort((a, b) => total(a) - total(b));
  const fastest = bySpeed[0]!;
  const slowest = bySpeed.at(-1)!;
  const ratio = sigmoid.initialNorms[0]! / relu.initialNorms[0]!;
  const vanishing = results.filter((result) => result.initialNorms[0]! < 0.01 * result.initialNorms.at(-1)!);
  const exploding = results.filter((result) => result.initialNorms[0]! > 100 * result.initialNorms.at(-1)!);
  const trained = results.filter((result) => result.trained !== null);
  const byAccuracy = [...trained].sort((a, b) => b.trained!.accuracy - a.trained!.accuracy);
  const best = byAccuracy[0];
  const worst = byAccuracy.at(-1);
  const list = (items: readonly ActivationResult[]) =>
    items.length === 0 ? "none" : items.map((item) => item.name).join(", ");
  return findingOf([
    `${fastest.name} has the fastest kernels (${significant(total(fastest), 2)} ns per element forward + backward) and ${slowest.name} the slowest (${significant(total(slowest), 2)} ns, ${significant(total(slowest) / total(fastest), 2)}×).`,
    `At initialization of the ${settings.hiddenLayers}-hidden-layer network, sigmoid's first-layer gradient norm is ${ratio.toExponential(1)} of ReLU's (${sigmoid.initialNorms[0]!.toExponential(1)} vs ${relu.initialNorms[0]!.toExponential(1)}); ` +
      `first-layer gradients more than 100× smaller than the output layer's (vanishing): ${list(vanishing)}; more than 100× larger (exploding): ${list(exploding)}.`,
    best && worst
      ? `After ${settings.epochs} epochs of Adam, ${best.name} reached the best test accuracy (${significant(best.trained!.accuracy, 3)}) and ${worst.name} the worst (${significant(worst.trained!.accuracy, 3)})${results.length > trained.length ? `; ${results.length - trained.length} diverged` : ""}.`
      : "Every network diverged.",
  ]);
}

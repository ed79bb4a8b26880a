import { tanh } from "@descent/activations";
import { regressionPlane, twoMoons } from "@descent/data";
import { dense, evaluate, type LossFunction, losses, metrics, sequential } from "@descent/nn";
import { minimize, sgd } from "@descent/optimizers";
import type { Dataset } from "@descent/spec";
import { flatLoss } from "./flat.js";
import { type ClaimResult, formatPercent, formatValue } from "./types.js";

/** Settings of claim 1. */
export interface SeparationSettings {
  readonly regressionCount: number;
  readonly gradientDescentSteps: number;
  readonly learningRate: number;
  readonly moonsCount: number;
  readonly hidden: number;
  readonly lbfgsIterations: number;
}

/** Mean squared error of `ŷ = X·w + b` on rows of `features` columns, parameters `θ = [w…, b]`. */
function meanSquaredError(
  inputs: Float32Array | Float64Array,
  targets: Float32Array | Float64Array,
  theta: Float64Array,
): number {
  const features = theta.length - 1;
  const count = targets.length;
  let total = 0;
  for (let i = 0; i < count; i++) {
    let prediction = theta[features]!;
    for (let j = 0; j < features; j++) prediction += inputs[i * features + j]! * theta[j]!;
    total += (prediction - targets[i]!) ** 2;
  }
  return total / count;
}

/** The gradient written out by hand: `∂/∂w = (2/N) Xᵀ(Xw + b − y)`, `∂/∂b = (2/N) Σ(Xw + b − y)`. No graph, no backward pass. */
function analyticGradient(
  inputs: Float32Array | Float64Array,
  targets: Float32Array | Float64Array,
  theta: Float64Array,
): Float64Array {
  const features = theta.length - 1;
  const count = targets.length;
  const gradient = new Float64Array(theta.length);
  for (let i = 0; i < count; i++) {
    let residual = theta[features]! - targets[i]!;
    for (let j = 0; j < features; j++) residual += inputs[i * features + j]! * theta[j]!;
    for (let j = 0; j < features; j++) gradient[j]! += (2 / count) * residual * inputs[i * features + j]!;
    gradient[features]! += (2 / count) * residual;
  }
  return gradient;
}

/** Central differences `(f(θ + h·eₖ) − f(θ − h·eₖ)) / 2h`: 2 loss evaluations per parameter, no derivative rules at all. */
function finiteDifferenceGradient(
  loss: (theta: Float64Array) => number,
  theta: Float64Array,
  step = 1e-6,
): Float64Array {
  const gradient = new Float64Array(theta.length);
  const probe = theta.slice();
  for (let k = 0; k < theta.length; k++) {
    probe[k] = theta[k]! + step;
    const above = loss(probe);
    probe[k] = theta[k]! - step;
    const below = loss(probe);
    probe[k] = theta[k]!;
    gradient[k] = (above - below) / (2 * step);
  }
  return gradient;
}

/** Least squares by the normal equations `[X 1]ᵀ[X 1] θ = [X 1]ᵀ y`, solved by Gaussian elimination with partial pivoting. */
function leastSquares(
  inputs: Float32Array | Float64Array,
  targets: Float32Array | Float64Array,
  features: number,
): Float64Array {
  const size = features + 1;
  const matrix = Array.from({ length: size }, () => new Float64Array(size + 1));
  const row = new Float64Array(size);
  for (let i = 0; i < targets.length; i++) {
    for (let j = 0; j < features; j++) row[j] = inputs[i * features + j]!;
    row[features] = 1;
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) matrix[a]![b]! += row[a]! * row[b]!;
      matrix[a]![size]! += row[a]! * targets[i]!;
    }
  }
  for (let pivot = 0; pivot < size; pivot++) {
    let best = pivot;
    for (let r = pivot + 1; r < size; r++)
      if (Math.abs(matrix[r]![pivot]!) > Math.abs(matrix[best]![pivot]!)) best = r;
    [matrix[pivot], matrix[best]] = [matrix[best]!, matrix[pivot]!];
    for (let r = pivot + 1; r < size; r++) {
      const factor = matrix[r]![pivot]! / matrix[pivot]![pivot]!;
      for (let c = pivot; c <= size; c++) matrix[r]![c]! -= factor * matrix[pivot]![c]!;
    }
  }
  const solution = new Float64Array(size);
  for (let r = size - 1; r >= 0; r--) {
    let total = matrix[r]![size]!;
    for (let c = r + 1; c < size; c++) total -= matrix[r]![c]! * solution[c]!;
    solution[r] = total / matrix[r]![r]!;
  }
  return solution;
}

/**
 * Claim 1a: gradient descent needs no backpropagation. Linear regression on the Playground's plane, trained by
 * `sgd` from `@descent/optimizers` (through `minimize`'s first-order method) with gradients that never touch
 * autodiff: the formula by hand, then central finite differences.
 */
export function gradientDescentWithoutBackprop(settings: SeparationSettings, seed: number): ClaimResult {
  const data: Dataset = regressionPlane({ count: settings.regressionCount, noise: 0.1, seed });
  const inputs = data.inputs.data;
  const targets = data.targets.data;
  const features = data.inputs.shape[1]!;
  const loss = (theta: Float64Array) => meanSquaredError(inputs, targets, theta);
  const optimum = leastSquares(inputs, targets, features);
  const optimalLoss = loss(optimum);
  const run = (gradientOf: (theta: Float64Array) => Float64Array) => {
    let lossEvaluations = 0;
    const result = minimize(
      (theta) => {
        lossEvaluations++;
        return { value: loss(theta), gradient: gradientOf(theta) };
      },
      new Float64Array(features + 1),
      {
        method: "first-order",
        optimizer: sgd({ learningRate: settings.learningRate }),
        maxIterations: settings.gradientDescentSteps,
        tolerance: 1e-12,
      },
    );
    const distance = Math.max(...Array.from(result.x, (value, k) => Math.abs(value - optimum[k]!)));
    return { loss: loss(result.x), distance, steps: result.iterations, lossEvaluations };
  };
  let finiteDifferenceEvaluations = 0;
  const analytic = run((theta) => analyticGradient(inputs, targets, theta));
  const numeric = run((theta) => {
    finiteDifferenceEvaluations += 2 * theta.length;
    return finiteDifferenceGradient(loss, theta);
  });
  // Relative distance to the optimal loss; rounding can put gradient descent a hair below the normal equations.
  const excess = (value: number) => Math.abs(value / optimalLoss - 1);
  const tolerance = 1e-3;
  const bothConverged = excess(analytic.loss) < tolerance && excess(numeric.loss) < tolerance;
  return {
    claim: "1a. Gradient descent and backpropagation are the same",
    articleSays: "“Gradient descent can be used without backpropagation”",
    setup: `linear regression on the Playground plane (${settings.regressionCount} points, 2 features + bias), plain gradient descent η = ${settings.learningRate} (sgd of @descent/optimizers), ${settings.gradientDescentSteps} steps from θ = 0; the gradient written by hand, then by central finite differences, neither through autodiff; the optimum by the normal equations`,
    measurement:
      `least-squares optimum MSE ${formatValue(optimalLoss, 4)}; hand-written gradient: MSE ${formatValue(analytic.loss, 4)} after ${analytic.steps} steps (relative difference ${formatValue(excess(analytic.loss), 2)}, max |θ − θ*| ${formatValue(analytic.distance, 2)}); ` +
      `finite differences: MSE ${formatValue(numeric.loss, 4)} (relative difference ${formatValue(excess(numeric.loss), 2)}, max |θ − θ*| ${formatValue(numeric.distance, 2)}) for ${finiteDifferenceEvaluations} extra loss evaluations (${2 * (features + 1)} per step)`,
    headline: `gradient descent fed a hand-written or a finite-difference gradient reached the least-squares optimum (MSE ${formatValue(analytic.loss, 4)} and ${formatValue(numeric.loss, 4)} vs ${formatValue(optimalLoss, 4)}) with no backward pass`,
    verdict: bothConverged
      ? `holds: both gradients drove gradient descent to within ${formatValue(100 * tolerance, 1)} % of the optimal loss without any backward pass`
      : `does not hold here: after ${settings.gradientDescentSteps} steps the losses still differ from the optimum by ${formatValue(excess(analytic.loss), 2)} and ${formatValue(excess(numeric.loss), 2)} (relative; more steps needed)`,
  };
}

/**
 * Claim 1b: backpropagation does not require gradient descent. A tanh MLP on two moons trained by L-BFGS
 * (quasi-Newton directions and a line search: no gradient-descent step) on gradients from one backward pass,
 * next to full-batch gradient descent given the same number of gradient evaluations.
 */
export function backpropWithoutGradientDescent(settings: SeparationSettings, seed: number): ClaimResult {
  const data = twoMoons({ count: settings.moonsCount, noise: 0.1, seed, dtype: "float64" });
  const model = sequential([
    dense(2, settings.hidden),
    tanh(),
    dense(settings.hidden, settings.hidden),
    tanh(),
    dense(settings.hidden, 1),
  ]);
  const params = model.init(seed + 1, "float64");
  const loss: LossFunction = (predictions, targets) =>
    losses.binaryCrossEntropyFromLogits(predictions, targets);
  const objective = flatLoss(model, params, data, loss);
  const initialLoss = objective.valueAndGradient(objective.initial).value;
  const lbfgs = minimize(objective.valueAndGradient, objective.initial, {
    method: "lbfgs",
    maxIterations: settings.lbfgsIterations,
  });
  const descent = minimize(objective.valueAndGradient, objective.initial, {
    method: "first-order",
    optimizer: sgd({ learningRate: 0.5 }),
    maxIterations: lbfgs.evaluations,
  });
  const accuracy = (x: Float64Array) =>
    evaluate(model, objective.toTree(x), data, {
      metrics: [
        {
          name: "accuracy",
          direction: "higher",
          compute: (p, t) => metrics.accuracy(p, t, { threshold: 0 }),
        },
      ],
    }).accuracy!;
  const lbfgsAccuracy = accuracy(lbfgs.x);
  const trained = lbfgs.value < 0.5 * initialLoss;
  return {
    claim: "1b. Backpropagation requires gradient descent",
    articleSays: "“backpropagation requires gradient descent to update the model”",
    setup: `MLP 2-${settings.hidden}-${settings.hidden}-1 (tanh, float64) on ${settings.moonsCount} two-moons points; gradients from valueAndGrad (one backward pass) fed to L-BFGS (minimize, method "lbfgs"), and for comparison to full-batch gradient descent η = 0.5 with the same number of gradient evaluations`,
    measurement:
      `cross-entropy ${formatValue(initialLoss)} at the start; L-BFGS: ${formatValue(lbfgs.value)} after ${lbfgs.iterations} iterations (${lbfgs.evaluations} backward passes), training accuracy ${formatPercent(lbfgsAccuracy)}; ` +
      `gradient descent with ${descent.iterations} backward passes: ${formatValue(descent.value)} (accuracy ${formatPercent(accuracy(descent.x))})`,
    headline: `L-BFGS fed backpropagated gradients took the loss from ${formatValue(initialLoss)} to ${formatValue(lbfgs.value)} (${formatPercent(lbfgsAccuracy)} training accuracy) in ${lbfgs.iterations} iterations without a gradient-descent step, where gradient descent with as many gradients reached ${formatValue(descent.value)}`,
    verdict: trained
      ? `does not hold: the backpropagated gradients trained the network without a single gradient-descent step (loss ${formatValue(initialLoss)} → ${formatValue(lbfgs.value)}, ${formatPercent(lbfgsAccuracy)} training accuracy)${lbfgs.value < descent.value ? `, lower than the ${formatValue(descent.value)} gradient descent reached with as many gradients` : ""}`
      : `undecided: L-BFGS only brought the loss from ${formatValue(initialLoss)} to ${formatValue(lbfgs.value)}`,
  };
}

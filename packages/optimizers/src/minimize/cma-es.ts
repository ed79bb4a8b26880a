import { createRandom, ValueError } from "@descent/tensor";
import { rejectUnknownOptions, requireInteger, requirePositive } from "../core/validate.js";
import { symmetricEigen } from "./eigen.js";
import { initialPoint, objectiveValue } from "./initial.js";
import type { CommonMinimizeOptions, MinimizeResult, Objective } from "./types.js";

/** Options of the CMA-ES method of {@link minimize}. */
export interface CmaEsOptions extends CommonMinimizeOptions {
  /** Seed of the generator that draws the samples (same seed ⇒ same run). Default 0. */
  readonly seed?: number;
  /** Initial step size σ₀ (about a quarter of the search range). Default 0.5. */
  readonly initialStepSize?: number;
  /** λ, samples per generation. Default `4 + ⌊3·ln n⌋`. */
  readonly populationSize?: number;
  /** Upper bound on objective evaluations. Default `maxIterations · λ`. */
  readonly maxEvaluations?: number;
}

const optionNames = [
  "method",
  "maxIterations",
  "tolerance",
  "seed",
  "initialStepSize",
  "populationSize",
  "maxEvaluations",
];

/**
 * (μ/μ_w, λ)-CMA-ES (Hansen & Ostermeier 2001), following Hansen's tutorial (arXiv:1604.00772) and `purecma`:
 * samples `x_k = m + σ·B·D·z_k`, `z_k ~ N(0, I)`; recombines `m ← Σ w_i x_{i:λ}`; updates the evolution paths
 * `p_σ ← (1−c_σ)p_σ + √(c_σ(2−c_σ)μ_eff)·C^{−½}(m − m_old)/σ` and `p_c` (with the h_σ stall), the covariance
 * `C ← (1−c₁−c_μ)C + c₁(p_c p_cᵀ + δ(h_σ)C) + c_μ Σ w_i y_i y_iᵀ` and the step size
 * `σ ← σ·exp((c_σ/d_σ)(‖p_σ‖/E‖N(0,I)‖ − 1))`, with the tutorial's default constants.
 * Converged when the best values of the last generations and the current population span less than
 * `tolerance` (default 1e-12), or when `σ·√max(diag C) < tolerance`. NaN values rank last.
 *
 * @example
 * ```ts
 * const result = cmaEs((x) => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2, [-1.2, 1], { seed: 1 });
 * result.x; // ≈ [1, 1]  (same as minimize(…, { method: "cma-es", seed: 1 }))
 * ```
 */
export function cmaEs(
  objective: Objective,
  initial: ArrayLike<number>,
  options: CmaEsOptions = {},
): MinimizeResult {
  const op = "minimize";
  rejectUnknownOptions(op, options, optionNames);
  const start = initialPoint(initial);
  const n = start.length;
  if (n === 0)
    throw new ValueError(op, "cma-es needs at least one coordinate: pass a non-empty initial point");
  const lambda = requireInteger(
    op,
    "populationSize",
    options.populationSize ?? 4 + Math.floor(3 * Math.log(n)),
    2,
  );
  const maxIterations = requireInteger(op, "maxIterations", options.maxIterations ?? 1000 * n, 0);
  const maxEvaluations = requireInteger(
    op,
    "maxEvaluations",
    options.maxEvaluations ?? maxIterations * lambda,
    1,
  );
  const tolerance = requirePositive(op, "tolerance", options.tolerance ?? 1e-12);
  let sigma = requirePositive(op, "initialStepSize", options.initialStepSize ?? 0.5);
  const random = createRandom(requireInteger(op, "seed", options.seed ?? 0, Number.MIN_SAFE_INTEGER));

  const mu = Math.floor(lambda / 2);
  const rawWeights = Array.from({ length: mu }, (_, i) => Math.log(mu + 0.5) - Math.log(i + 1));
  const weightSum = rawWeights.reduce((a, b) => a + b, 0);
  const weights = rawWeights.map((w) => w / weightSum);
  const muEff = 1 / weights.reduce((a, w) => a + w * w, 0);
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const cs = (muEff + 2) / (n + muEff + 5);
  const c1 = 2 / ((n + 1.3) ** 2 + muEff);
  const cmu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
  const damps = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cs;
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));

  const mean = start;
  const pathSigma = new Float64Array(n);
  const pathC = new Float64Array(n);
  const covariance = new Float64Array(n * n);
  for (let i = 0; i < n; i++) covariance[i * n + i] = 1;
  let basis: Float64Array = Float64Array.from(covariance);
  let scales: Float64Array = new Float64Array(n).fill(1);
  let invSqrt: Float64Array = Float64Array.from(covariance);
  let lastDecomposition = 0;

  let evaluations = 0;
  const evaluate = (x: Float64Array) => {
    evaluations++;
    return objectiveValue(op, objective(x));
  };
  let bestX = Float64Array.from(mean);
  let bestValue = evaluate(bestX);
  const history = [bestValue];
  const recentBest: number[] = [];
  const recentLength = 10 + Math.ceil((30 * n) / lambda);

  let iterations = 0;
  let converged = false;
  let message = "reached maxIterations";
  const z = new Float64Array(n);
  while (iterations < maxIterations) {
    if (evaluations + lambda > maxEvaluations) {
      message = "reached maxEvaluations";
      break;
    }
    iterations++;
    const samples: { x: Float64Array; y: Float64Array; value: number }[] = [];
    for (let k = 0; k < lambda; k++) {
      for (let i = 0; i < n; i++) z[i] = scales[i]! * gaussian(random);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += basis[i * n + j]! * z[j]!;
        y[i] = sum;
      }
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = mean[i]! + sigma * y[i]!;
      samples.push({ x, y, value: evaluate(x) });
    }
    samples.sort((a, b) => a.value - b.value);
    if (samples[0]!.value < bestValue) {
      bestValue = samples[0]!.value;
      bestX = Float64Array.from(samples[0]!.x);
    }
    history.push(bestValue);

    const step = new Float64Array(n);
    for (let r = 0; r < mu; r++) {
      const { y } = samples[r]!;
      for (let i = 0; i < n; i++) step[i] = step[i]! + weights[r]! * y[i]!;
    }
    for (let i = 0; i < n; i++) mean[i] = mean[i]! + sigma * step[i]!;
    const whitened = multiply(invSqrt, step, n);
    const sigmaFactor = Math.sqrt(cs * (2 - cs) * muEff);
    for (let i = 0; i < n; i++) pathSigma[i] = (1 - cs) * pathSigma[i]! + sigmaFactor * whitened[i]!;
    const pathSigmaNorm = Math.hypot(...pathSigma);
    const hSigma = pathSigmaNorm / Math.sqrt(1 - (1 - cs) ** (2 * iterations)) / chiN < 1.4 + 2 / (n + 1);
    const cFactor = Math.sqrt(cc * (2 - cc) * muEff);
    for (let i = 0; i < n; i++) pathC[i] = (1 - cc) * pathC[i]! + (hSigma ? cFactor * step[i]! : 0);
    const correction = hSigma ? 0 : c1 * cc * (2 - cc);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let rankMu = 0;
        for (let r = 0; r < mu; r++) rankMu += weights[r]! * samples[r]!.y[i]! * samples[r]!.y[j]!;
        const value =
          (1 - c1 - cmu + correction) * covariance[i * n + j]! + c1 * pathC[i]! * pathC[j]! + cmu * rankMu;
        covariance[i * n + j] = value;
        covariance[j * n + i] = value;
      }
    }
    sigma *= Math.exp(Math.min(1, (cs / damps) * (pathSigmaNorm / chiN - 1)));

    if (evaluations - lastDecomposition > lambda / (c1 + cmu) / n / 10) {
      lastDecomposition = evaluations;
      const { values, vectors } = symmetricEigen(covariance, n);
      basis = vectors;
      scales = values.map((v) => Math.sqrt(Math.max(v, 1e-300)));
      invSqrt = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let k = 0; k < n; k++) sum += (basis[i * n + k]! * basis[j * n + k]!) / scales[k]!;
          invSqrt[i * n + j] = sum;
        }
      }
      const condition = Math.max(...scales) / Math.min(...scales);
      if (!(condition < 1e7)) {
        message = "covariance matrix ill-conditioned";
        break;
      }
    }

    recentBest.push(samples[0]!.value);
    if (recentBest.length > recentLength) recentBest.shift();
    const span =
      Math.max(samples[lambda - 1]!.value, ...recentBest) - Math.min(samples[0]!.value, ...recentBest);
    let maxDeviation = 0;
    for (let i = 0; i < n; i++) maxDeviation = Math.max(maxDeviation, Math.sqrt(covariance[i * n + i]!));
    if ((recentBest.length >= recentLength && span < tolerance) || sigma * maxDeviation < tolerance) {
      converged = true;
      message = span < tolerance ? "function values span less than tolerance" : "step size below tolerance";
      break;
    }
  }
  return { x: bestX, value: bestValue, iterations, evaluations, converged, history, message };
}

function multiply(matrix: Float64Array, vector: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += matrix[i * n + j]! * vector[j]!;
    out[i] = sum;
  }
  return out;
}

/** A standard normal draw (Box–Muller on two uniforms from the seeded generator). */
function gaussian(random: { next(): number }): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

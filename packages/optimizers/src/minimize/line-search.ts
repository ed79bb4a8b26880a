/** A point evaluated along the search direction: `φ(α) = f(x + α·d)` and `φ'(α) = ∇f(x + α·d)·d`. */
export interface LinePoint {
  readonly step: number;
  readonly value: number;
  readonly slope: number;
  readonly x: Float64Array;
  readonly gradient: Float64Array;
}

/** Evaluates `φ` at step α (one objective evaluation). */
export type LineFunction = (step: number) => LinePoint;

const sufficientDecrease = 1e-4;
const curvature = 0.9;

/**
 * Strong-Wolfe line search (Nocedal & Wright 2006, Algorithms 3.5 and 3.6, c1 = 1e-4, c2 = 0.9): finds α with
 * `φ(α) ≤ φ(0) + c1·α·φ'(0)` and `|φ'(α)| ≤ c2·|φ'(0)|`, bracketing by doubling and zooming with safeguarded
 * cubic interpolation. Returns `null` when no acceptable point was found within `maxEvaluations`.
 */
export function strongWolfe(
  phi: LineFunction,
  value0: number,
  slope0: number,
  initialStep: number,
  maxEvaluations = 25,
): LinePoint | null {
  let evaluations = 0;
  let previous: { step: number; value: number; slope: number } = { step: 0, value: value0, slope: slope0 };
  let step = initialStep;
  for (;;) {
    const point = phi(step);
    evaluations++;
    if (
      !Number.isFinite(point.value) ||
      point.value > value0 + sufficientDecrease * step * slope0 ||
      (evaluations > 1 && point.value >= previous.value)
    ) {
      return zoom(phi, value0, slope0, previous, point, maxEvaluations - evaluations);
    }
    if (Math.abs(point.slope) <= -curvature * slope0) return point;
    if (point.slope >= 0) return zoom(phi, value0, slope0, point, previous, maxEvaluations - evaluations);
    if (evaluations >= maxEvaluations) return point;
    previous = point;
    step *= 2;
  }
}

function zoom(
  phi: LineFunction,
  value0: number,
  slope0: number,
  lowStart: { step: number; value: number; slope: number },
  highStart: { step: number; value: number; slope: number },
  budget: number,
): LinePoint | null {
  let low = lowStart;
  let high = highStart;
  let best: LinePoint | null = "x" in low ? (low as LinePoint) : null;
  for (let i = 0; i < budget; i++) {
    const width = high.step - low.step;
    if (Math.abs(width) < 1e-16 * Math.max(1, Math.abs(low.step))) break;
    const step = interpolate(low, high);
    const point = phi(step);
    if (
      !Number.isFinite(point.value) ||
      point.value > value0 + sufficientDecrease * step * slope0 ||
      point.value >= low.value
    ) {
      high = point;
    } else {
      if (Math.abs(point.slope) <= -curvature * slope0) return point;
      if (point.slope * (high.step - low.step) >= 0) high = low;
      low = point;
      best = point;
    }
  }
  // Out of budget: accept the best point with sufficient decrease (the caller still checks curvature).
  return best !== null && best.value < value0 ? best : null;
}

/** Minimizer of the cubic through both ends (values and slopes), kept inside the middle 80 % of the bracket. */
function interpolate(
  a: { step: number; value: number; slope: number },
  b: { step: number; value: number; slope: number },
): number {
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.step - b.step);
  const squared = d1 * d1 - a.slope * b.slope;
  const lower = Math.min(a.step, b.step);
  const upper = Math.max(a.step, b.step);
  const margin = 0.1 * (upper - lower);
  let step = (a.step + b.step) / 2;
  if (squared >= 0 && Number.isFinite(squared) && Number.isFinite(b.value)) {
    const d2 = Math.sign(b.step - a.step) * Math.sqrt(squared);
    const candidate = b.step - (b.step - a.step) * ((b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2));
    if (Number.isFinite(candidate)) step = candidate;
  }
  return Math.min(Math.max(step, lower + margin), upper - margin);
}

/**
 * Backtracking line search with the Armijo condition (Nocedal & Wright 2006, Algorithm 3.1, c = 1e-4,
 * ρ = ½): α = α₀, α₀/2, α₀/4, … until `φ(α) ≤ φ(0) + c·α·φ'(0)`. Returns `null` after `maxEvaluations`.
 */
export function backtrackingArmijo(
  phi: LineFunction,
  value0: number,
  slope0: number,
  initialStep: number,
  maxEvaluations = 50,
): LinePoint | null {
  let step = initialStep;
  for (let i = 0; i < maxEvaluations; i++) {
    const point = phi(step);
    if (Number.isFinite(point.value) && point.value <= value0 + sufficientDecrease * step * slope0)
      return point;
    step /= 2;
  }
  return null;
}

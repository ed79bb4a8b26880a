/** A straight line fitted to `(log x, log y)`: `y ≈ e^intercept · x^slope`. */
export interface PowerLaw {
  /** The exponent. */
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination of the fit in log space (1 = on the line). */
  readonly r2: number;
}

/**
 * Least-squares power law through positive points: the slope of `log y` against `log x`.
 *
 * `slope = Σ (uᵢ − ū)(vᵢ − v̄) / Σ (uᵢ − ū)²` with `u = log x`, `v = log y`
 *
 * @example logLogFit([1, 2, 4], [3, 6, 12]).slope // 1
 */
export function logLogFit(xs: readonly number[], ys: readonly number[]): PowerLaw {
  if (xs.length !== ys.length || xs.length < 2) {
    throw new Error(`logLogFit: need two or more (x, y) pairs, got ${xs.length} x and ${ys.length} y`);
  }
  if ([...xs, ...ys].some((value) => !(value > 0) || !Number.isFinite(value))) {
    throw new Error("logLogFit: every x and y must be a finite number > 0");
  }
  const u = xs.map(Math.log);
  const v = ys.map(Math.log);
  const meanU = u.reduce((sum, value) => sum + value, 0) / u.length;
  const meanV = v.reduce((sum, value) => sum + value, 0) / v.length;
  let covariance = 0;
  let varianceU = 0;
  let varianceV = 0;
  for (let i = 0; i < u.length; i++) {
    covariance += (u[i]! - meanU) * (v[i]! - meanV);
    varianceU += (u[i]! - meanU) ** 2;
    varianceV += (v[i]! - meanV) ** 2;
  }
  if (varianceU === 0) throw new Error("logLogFit: all x are equal, the slope is undefined");
  const slope = covariance / varianceU;
  const r2 = varianceV === 0 ? 1 : (covariance * covariance) / (varianceU * varianceV);
  return { slope, intercept: meanV - slope * meanU, r2 };
}

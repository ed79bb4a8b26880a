/** What an objective with a gradient returns at a point. */
export interface ValueAndGradient {
  /** `f(x)`. */
  readonly value: number;
  /** `∂f/∂x`, one entry per coordinate of `x`. */
  readonly gradient: ArrayLike<number>;
}

/** An objective that gives its value and gradient (for `lbfgs` and `first-order`). */
export type DifferentiableObjective = (x: Float64Array) => ValueAndGradient;

/** An objective that gives only its value (for the derivative-free methods). */
export type Objective = (x: Float64Array) => number;

/** Result of {@link minimize}. */
export interface MinimizeResult {
  /** The best point found. */
  readonly x: Float64Array;
  /** `f(x)`. */
  readonly value: number;
  /** Iterations done (L-BFGS steps, simplex moves, CMA-ES generations, optimizer steps). */
  readonly iterations: number;
  /** Objective evaluations. */
  readonly evaluations: number;
  /** Whether the method's convergence test passed (see each method's `tolerance`). */
  readonly converged: boolean;
  /** Best value after each iteration (`history[0]` is the starting value). */
  readonly history: readonly number[];
  /** Why the run stopped, in words. */
  readonly message: string;
}

/** Options every method takes. */
export interface CommonMinimizeOptions {
  /** Upper bound on iterations. Default depends on the method. */
  readonly maxIterations?: number;
  /** Convergence tolerance; its meaning is the method's (gradient norm, simplex size, spread of values). */
  readonly tolerance?: number;
}

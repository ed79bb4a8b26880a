/**
 * The shared interfaces of descent. Types only: this package holds no runtime code, so every
 * other package can depend on it and meet the others through structural types, never through
 * each other's classes (duplicate installs still interoperate).
 *
 * @packageDocumentation
 */

/** Element type of a tensor. `float32` is the default (speed); `float64` serves gradient checks and reference runs. */
export type DType = "float32" | "float64";

/** The typed array that backs a tensor of the given dtype. */
export type DataArray<D extends DType = DType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : Float32Array | Float64Array;

/** Sizes of a tensor's axes, outermost first. `[]` is a scalar. */
export type Shape = readonly number[];

/**
 * A dense, row-major, immutable array of numbers: element `[i, j]` of a `[rows, columns]` tensor is
 * `data[i * columns + j]`. Never mutated through the public API.
 */
export interface Tensor {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly data: Float32Array | Float64Array;
}

/** Named parameters, possibly nested (`{ layer1: { weights, bias } }`). Optimizer state is keyed by the same names. */
export type ParamTree = { readonly [name: string]: Tensor | ParamTree };

/** A tree with the same keys as a {@link ParamTree} and a value of type `Leaf` at each tensor's place. */
export type TreeOf<Leaf> = { readonly [name: string]: Leaf | TreeOf<Leaf> };

/**
 * A scalar element-wise activation `y = f(x)` with its derivative.
 *
 * At a kink (relu at 0, hardTanh at ±1, …) the derivative is the element of the subdifferential
 * that the activation documents; descent lets the user choose it (see {@link SubgradientPolicy}).
 */
export interface Activation {
  /** Stable identifier, e.g. `"relu"`, used in saved models and reports. */
  readonly name: string;
  /** `f(x)`. */
  value(x: number): number;
  /** `f'(x)`, given `x` and `y = f(x)` (some derivatives are cheaper from `y`). */
  derivative(x: number, y: number): number;
  /** Vectorized `output[i] = f(input[i])`. `output` may be `input` (in place). */
  forward(input: Float32Array | Float64Array, output: Float32Array | Float64Array): void;
  /**
   * Vectorized VJP: `gradientInput[i] = gradientOutput[i] · f'(input[i])`, with `output[i] = f(input[i])`
   * available for activations whose derivative is cheaper from `y`.
   */
  backward(
    input: Float32Array | Float64Array,
    output: Float32Array | Float64Array,
    gradientOutput: Float32Array | Float64Array,
    gradientInput: Float32Array | Float64Array,
  ): void;
}

/**
 * Which element of the subdifferential an activation uses at a kink. For relu at 0 the
 * subdifferential is `[0, 1]`; any value in it is a valid subgradient. Default `0` (PyTorch, TF.js, JAX).
 */
export interface SubgradientPolicy {
  readonly subgradientAtZero?: number;
}

/** A learning-rate (or other hyper-parameter) schedule: the value to use at optimizer step `step` (0-based). */
export type Schedule = (step: number) => number;

/** A constant number or a {@link Schedule}. */
export type ScalarOrSchedule = number | Schedule;

/** Result of {@link GradientTransformation.update}: the deltas to add to the parameters and the new state. */
export interface UpdateResult<State> {
  /** Deltas: new parameters are `params + updates` (see `applyUpdates`). */
  readonly updates: ParamTree;
  readonly state: State;
}

/**
 * An optimizer as data plus two pure functions (optax style). Transformations compose with `chain`;
 * swapping an optimizer means passing another value of this type. State is plain data keyed by
 * parameter name, so it serializes to JSON and back exactly.
 */
export interface GradientTransformation<State = unknown> {
  init(params: ParamTree): State;
  update(gradients: ParamTree, state: State, params: ParamTree): UpdateResult<State>;
  /**
   * Optional: checks the values of a state that came from outside (a checkpoint, JSON) against this
   * transformation's rules for `params` — counts whole and ≥ 0, second moments ≥ 0, … — and returns it
   * typed, or throws a `ValueError` naming `path` (e.g. `"state[1].count"`), the value and the rule.
   * The state's structure (keys, shapes, dtypes) is checked against `init(params)` before this is called.
   */
  validateState?(state: unknown, params: ParamTree, path: string): State;
}

/** A penalty on parameters, added to the loss, with its (sub)gradient. */
export interface Regularizer {
  readonly name: string;
  /** The penalty `R(θ)` added to the loss. */
  penalty(params: ParamTree): number;
  /** `∂R/∂θ`, keyed like `params`; at non-differentiable points the documented subgradient (L1: 0 at 0). */
  gradient(params: ParamTree): ParamTree;
}

/** A constraint applied to parameters after each optimizer step (max-norm, non-negativity, …). */
export interface Constraint {
  readonly name: string;
  apply(params: ParamTree): ParamTree;
}

/**
 * A loss `L(predictions, targets)` reduced to a scalar (mean over the batch unless documented otherwise).
 * `Value` is the differentiable value type of the autodiff package; plain tensors work too.
 */
export interface Loss<Value = Tensor> {
  readonly name: string;
  (predictions: Value, targets: Tensor): Value;
}

/** A metric computed from predictions and targets, larger or smaller is better as `direction` says. */
export interface Metric {
  readonly name: string;
  readonly direction: "higher" | "lower";
  compute(predictions: Tensor, targets: Tensor): number;
}

/** A supervised dataset held in memory: `inputs[i]` is sample `i` along axis 0, `targets[i]` its label or value. */
export interface Dataset {
  readonly name: string;
  readonly inputs: Tensor;
  readonly targets: Tensor;
  /** Number of classes for classification sets; absent for regression. */
  readonly classes?: number;
  /** Human-readable class names, when known. */
  readonly classNames?: readonly string[];
}

/** A train / test (and optional validation) split of a {@link Dataset}. */
export interface DatasetSplit {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly validation?: Dataset;
}

/** A deterministic source of uniform random numbers in [0, 1). Same seed ⇒ same sequence, in Node and in browsers. */
export interface RandomGenerator {
  /** The seed this generator was created with (written into saved models and reports). */
  readonly seed: number;
  /** Next uniform float64 in [0, 1). */
  next(): number;
  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** The generator's internal state, to save and restore exactly. */
  getState(): readonly number[];
  setState(state: readonly number[]): void;
}

/** A column of a benchmark table: its name and unit (`""` when unitless). */
export interface ReportColumn {
  readonly name: string;
  readonly unit: string;
}

/** One plot of a benchmark table: series of (x, y) points. */
export interface ReportPlot {
  readonly id: string;
  readonly title: string;
  readonly kind: "line" | "scatter" | "bar" | "heatmap";
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xScale?: "linear" | "log";
  readonly yScale?: "linear" | "log";
  readonly series: readonly {
    readonly name: string;
    readonly points: readonly (readonly [number, number])[];
  }[];
}

/** One table of the benchmark report. `finding` is computed from `rows`, never fixed text. */
export interface ReportTable {
  readonly id: string;
  readonly title: string;
  readonly question: string;
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly (readonly (string | number | boolean | null)[])[];
  readonly finding: string;
  readonly plots: readonly ReportPlot[];
}

/** Facts about the run that produced a report. */
export interface ReportMeta {
  readonly seed: number;
  readonly mode: "tiny" | "quick" | "full";
  readonly nodeVersion: string;
  readonly cpuModel: string;
  readonly cpuCores: number;
  readonly gitCommit: string | null;
  readonly date: string;
  readonly durationsSeconds: { readonly [experimentId: string]: number };
}

/** The benchmark app's `report.json`. */
export interface Report {
  readonly meta: ReportMeta;
  readonly tables: readonly ReportTable[];
}

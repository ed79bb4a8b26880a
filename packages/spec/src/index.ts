/**
 * The shared interfaces of descent. Types only: this package holds no runtime code, so every
 * other package can depend on it and meet the others through structural types, never through
 * each other's classes (duplicate installs still interoperate).
 *
 * @packageDocumentation
 */

/**
 * Element type of a tensor. `float32` is the default (speed); `float64` serves gradient checks and reference
 * runs; `int32` holds integer class labels (targets of the classification losses and metrics, gathered by
 * `fit`). Math ops compute in floats only: they refuse an `int32` operand with a `DTypeError` naming the fix,
 * `cast(labels, "float32")`.
 */
export type DType = "float32" | "float64" | "int32";

/** The dtypes math ops compute in (and parameters, activations and gradients have). */
export type FloatDType = "float32" | "float64";

/**
 * The typed array that backs a tensor of the given dtype: `Float32Array`, `Float64Array` or `Int32Array`.
 * `DataArray` alone is the float arrays (`Float32Array | Float64Array`).
 */
export type DataArray<D extends DType = FloatDType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : D extends "int32"
      ? Int32Array
      : never;

/** Sizes of a tensor's axes, outermost first. `[]` is a scalar. */
export type Shape = readonly number[];

/**
 * A dense, row-major, immutable array of numbers: element `[i, j]` of a `[rows, columns]` tensor is
 * `data[i * columns + j]`. Never mutated through the public API.
 *
 * `D` is the tensor's dtype. Plain `Tensor` is a float tensor (`float32` or `float64`), what every math op,
 * parameter tree and activation takes; `Tensor<"int32">` holds integer labels; `Tensor<DType>` is any
 * tensor (what the classification losses and metrics accept as targets).
 *
 * @example
 * ```ts
 * const labels: Tensor<"int32"> = { shape: [3], dtype: "int32", data: new Int32Array([0, 2, 1]) };
 * ```
 */
export interface Tensor<D extends DType = FloatDType> {
  /** Sizes of the axes, outermost first (`[]` for a scalar); their product is `data.length`. */
  readonly shape: Shape;
  /** Element type; always agrees with `data` (`float32` ⇔ `Float32Array`, `int32` ⇔ `Int32Array`). */
  readonly dtype: D;
  /** The elements in row-major order. Treat as read-only: descent's ops never write to an input. */
  readonly data: DataArray<D>;
}

/** Named parameters, possibly nested (`{ layer1: { weights, bias } }`). Optimizer state is keyed by the same names. */
export type ParamTree = { readonly [name: string]: Tensor | ParamTree };

/** A tree with the same keys as a {@link ParamTree} and a value of type `Leaf` at each tensor's place. */
export type TreeOf<Leaf> = { readonly [name: string]: Leaf | TreeOf<Leaf> };

/**
 * The keys from the root of a tree to one of its leaves: `["layer1", "bias"]` for `params.layer1.bias`
 * (`[]` for a lone tensor; array positions are their index as a string, `"0"`).
 */
export type TreePath = readonly string[];

/**
 * A tree without its leaves: what kind each node is and, for objects and arrays, their keys in order
 * (array positions as `"0"`, `"1"`, …) and children. Two trees with equal structures differ only in leaves.
 */
export interface TreeStructure {
  /** A leaf, an object node or an array node. */
  readonly kind: "leaf" | "object" | "array";
  /** The node's keys in order (array positions as `"0"`, `"1"`, …); empty for a leaf. */
  readonly keys: readonly string[];
  /** The structure under each key, in the order of {@link TreeStructure.keys}. */
  readonly children: readonly TreeStructure[];
}

/**
 * A tree's layout, compiled once from a tree that was validated (`treeLayout` of `@descent/tensor`): its
 * structure and each leaf's path. Trees known to have it (a training run's parameters, their gradients, the
 * parameters each step makes) are read by path (`layoutLeaves`) instead of being walked and checked again.
 *
 * @example
 * ```ts
 * const layout: TreeLayout = treeLayout(params); // once, when training starts
 * const leaves = layoutLeaves(layout, gradients); // every step
 * ```
 */
export interface TreeLayout {
  /** The tree without its leaves. */
  readonly structure: TreeStructure;
  /** Each leaf's path from the root, in depth-first, own-key order (the order of `treeFlatten`'s leaves). */
  readonly paths: readonly TreePath[];
}

/**
 * Which leaves of a parameter tree an operation touches (optax's `mask`): a predicate on each leaf's path
 * and tensor, or a tree of booleans keyed like the parameters, where a boolean may stand for a whole subtree
 * (`{ encoder: false, decoder: true }`).
 *
 * @example
 * ```ts
 * const weightsOnly: Mask = (path, tensor) => tensor.shape.length > 1;
 * const decoderOnly: Mask = { encoder: false, decoder: true };
 * ```
 */
export type Mask = ((path: TreePath, tensor: Tensor) => boolean) | TreeOf<boolean>;

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
  /**
   * Optional declaration that this activation is exactly relu: `f(x) = max(x, 0)`, `f'(0) = 0`, NaN kept.
   * A layer may then compute it inside its own kernel (a dense layer's fused epilogue,
   * `dense(…, { activation: "relu" })`) with the same bits. `@descent/activations`' `relu()` declares it when
   * its subgradient at 0 is the default 0; nothing else is inferred from what an activation computes.
   */
  readonly fusable?: "relu";
}

/**
 * Which element of the subdifferential an activation uses at a kink. For relu at 0 the
 * subdifferential is `[0, 1]`; any value in it is a valid subgradient. Default `0` (PyTorch, TF.js, JAX).
 */
export interface SubgradientPolicy {
  /**
   * The derivative to use at the kink (a value of the subdifferential there, e.g. in `[0, 1]` for relu);
   * default `0`.
   */
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
  /** The transformation's next state, to pass to the next `update` call. */
  readonly state: State;
}

/**
 * An optimizer as data plus two pure functions (optax style). Transformations compose with `chain`;
 * swapping an optimizer means passing another value of this type. State is plain data keyed by
 * parameter name, so it serializes to JSON and back exactly.
 */
export interface GradientTransformation<State = unknown> {
  /** The initial state for `params` (zero moments, step count 0, …); plain data, keyed like `params`. */
  init(params: ParamTree): State;
  /**
   * One step: turns `gradients` (keyed like `params`) into the `updates` to add to `params`, and the next
   * state. Pure: `state` is not mutated.
   */
  update(gradients: ParamTree, state: State, params: ParamTree, options?: UpdateOptions): UpdateResult<State>;
  /**
   * Optional: checks the values of a state that came from outside (a checkpoint, JSON) against this
   * transformation's rules for `params` — counts whole and ≥ 0, second moments ≥ 0, … — and returns it
   * typed, or throws a `ValueError` naming `path` (e.g. `"state[1].count"`), the value and the rule.
   * The state's structure (keys, shapes, dtypes) is checked against `init(params)` before this is called.
   */
  validateState?(state: unknown, params: ParamTree, path: string): State;
  /**
   * Optional, declared by transformations that have it: the training step `θ' = θ + s·update(g, state, θ)`
   * in one pass that writes the new parameters directly, with the same numbers as `update` followed by
   * `applyUpdates` bit for bit (same roundings, same order) and the same next state. `chain` declares it
   * exactly when its last part does (the parts before run `update`); a wrapper that spreads a
   * transformation (`{ ...adam() }`) keeps it. A wrapper that changes `update` must drop or rewrite it,
   * since callers such as `fit` use it instead of `update`.
   */
  fusedApply?(
    gradients: ParamTree,
    state: State,
    params: ParamTree,
    options?: FusedStepOptions,
  ): FusedStepResult<State>;
  /**
   * Optional, `true` only for a transformation whose updates are its gradients, untouched and not kept in
   * its state (`identity`). Declares that `updates = g`, so a non-finite gradient shows in the new
   * parameters and the caller may recycle the gradients' arrays after the step.
   */
  readonly passesGradientsThrough?: true;
  /**
   * Optional, `true` for a transformation that writes its updates and next state into arrays of its own and
   * keeps none of the gradients' arrays (`scaleByAdam`, `scaleByLearningRate`): after `update` or
   * `fusedApply`, nothing returned refers to them, so a caller may recycle the gradients' arrays. A
   * transformation that stores its input (a trace kept by reference) must not declare it.
   */
  readonly releasesGradients?: true;
  /**
   * Optional, `true` for a transformation whose update is non-finite (±∞ or NaN) wherever its gradient is
   * (`scaleByAdam`: `m̂ / (√v̂ + ε)` is NaN for g = ±∞ or NaN). Declares that a non-finite gradient shows in
   * the updates, so a `chain` whose earlier parts all declare it (or pass the gradients through) need not
   * check the gradients themselves for its `finite` flag: the new parameters show it. A transformation that
   * can hide one (clipping, masking, a trace that resets) must not declare it.
   */
  readonly propagatesNonFinite?: true;
}

/** Makes an array of `dtype` and `length` that its user fills completely (contents arbitrary). */
export type ArrayAllocator = (dtype: FloatDType, length: number) => Float32Array | Float64Array;

/**
 * Options of {@link GradientTransformation.update}: where the step may write its arrays, for a caller that
 * manages their memory (`fit` reuses them, and keeps them where the fast kernels work in place). A
 * transformation may ignore them; the numbers are the same either way.
 */
export interface UpdateOptions {
  /**
   * Where to write each array of the next state (any contents; every element is written). Default: new
   * arrays. The caller owns them: it may reuse one once the state holding it has been replaced by the next.
   */
  readonly allocateState?: ArrayAllocator;
  /**
   * Where to write each array of the updates (any contents; every element is written), for a caller that
   * consumes the updates within the step: it may reuse them once it has applied them. Default: new arrays.
   */
  readonly allocateUpdates?: ArrayAllocator;
}

/**
 * Options of {@link GradientTransformation.fusedApply}. `allocateState` is {@link UpdateOptions}'s, for every
 * part's next state; `allocateUpdates` is where a chain's parts before the fused one may write their updates
 * (the step consumes them itself; the caller may reuse them once the step returns).
 */
export interface FusedStepOptions extends UpdateOptions {
  /** Extra factor on the updates (`θ + s·updates`), applied after the optimizer's own scaling. Default 1. */
  readonly scale?: number;
  /** Where to write each new parameter (any contents; every element is overwritten). Default: a new array. */
  readonly allocate?: (dtype: FloatDType, length: number) => Float32Array | Float64Array;
  /**
   * The layout of `params` and `gradients` (both keyed alike), compiled by the caller from a tree it checked
   * before (`treeLayout`, e.g. when training starts): the step may read their leaves by it instead of
   * walking and checking both trees again. Default: the step checks the trees itself.
   */
  readonly layout?: TreeLayout;
}

/** Result of {@link GradientTransformation.fusedApply}: `θ' = θ + s·updates`, the next state, and two facts. */
export interface FusedStepResult<State> {
  /** `θ + s·updates`, in new arrays (or those `options.allocate` gave; the inputs are never written). */
  readonly params: ParamTree;
  /** The transformation's next state, as `update` would return it. */
  readonly state: State;
  /** True when every gradient and every new parameter is finite (NaN and ±∞ make it false). */
  readonly finite: boolean;
  /**
   * True when nothing returned (parameters, state) refers to the gradients' arrays, so the caller may
   * recycle them; false when a transformation may have kept them.
   */
  readonly gradientsReleased: boolean;
}

/** The one-pass step of a transformation: the type of {@link GradientTransformation.fusedApply}. */
export type FusedStep<State> = (
  gradients: ParamTree,
  state: State,
  params: ParamTree,
  options?: FusedStepOptions,
) => FusedStepResult<State>;

/** A penalty on parameters, added to the loss, with its (sub)gradient. */
export interface Regularizer {
  /** Stable identifier (`"l2"`, …), used in saved models and reports. */
  readonly name: string;
  /** The penalty `R(θ)` added to the loss. */
  penalty(params: ParamTree): number;
  /** `∂R/∂θ`, keyed like `params`; at non-differentiable points the documented subgradient (L1: 0 at 0). */
  gradient(params: ParamTree): ParamTree;
}

/** A constraint applied to parameters after each optimizer step (max-norm, non-negativity, …). */
export interface Constraint {
  /** Stable identifier (`"maxNorm"`, …), used in saved models and reports. */
  readonly name: string;
  /** The parameters projected onto the constraint set (a new tree; `params` is not mutated). */
  apply(params: ParamTree): ParamTree;
}

/**
 * A loss `L(predictions, targets)` reduced to a scalar (mean over the batch unless documented otherwise).
 * `Value` is the differentiable value type of the autodiff package; plain tensors work too.
 */
export interface Loss<Value = Tensor> {
  /** Stable identifier (`"meanSquaredError"`, …), used in saved models, histories and reports. */
  readonly name: string;
  (predictions: Value, targets: Tensor): Value;
}

/** A metric computed from predictions and targets, larger or smaller is better as `direction` says. */
export interface Metric {
  /** Stable identifier (`"accuracy"`, …), the key of its value in a training history. */
  readonly name: string;
  /**
   * Whether a larger value is better (`"higher"`: accuracy) or a smaller one (`"lower"`: error rates); early
   * stopping and checkpoints read it.
   */
  readonly direction: "higher" | "lower";
  /** The metric of a batch of predictions against their targets (same sample order). */
  compute(predictions: Tensor, targets: Tensor<DType>): number;
}

/**
 * A supervised dataset held in memory: `inputs[i]` is sample `i` along axis 0, `targets[i]` its label or value.
 * `TargetDType` is the targets' dtype: float by default, `"int32"` for integer class labels.
 */
export interface Dataset<TargetDType extends DType = FloatDType> {
  /** Identifier of the set (`"circle"`, `"mnist-train"`), shown in reports and UIs. */
  readonly name: string;
  /** The samples, stacked along axis 0: shape `[samples, ...features]`. */
  readonly inputs: Tensor;
  /** One label (class index or one-hot row) or regression value per sample, in the order of `inputs`. */
  readonly targets: Tensor<TargetDType>;
  /** Number of classes for classification sets; absent for regression. */
  readonly classes?: number;
  /** Human-readable class names, when known. */
  readonly classNames?: readonly string[];
}

/** A train / test (and optional validation) split of a {@link Dataset}. */
export interface DatasetSplit<TargetDType extends DType = FloatDType> {
  /** The samples to fit on. */
  readonly train: Dataset<TargetDType>;
  /** The held-out samples to report on (never used for training or model selection). */
  readonly test: Dataset<TargetDType>;
  /** Held-out samples for model selection and early stopping, when requested. */
  readonly validation?: Dataset<TargetDType>;
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
  /**
   * Restores a state from {@link RandomGenerator.getState}: the sequence continues exactly as it would have.
   */
  setState(state: readonly number[]): void;
}

/** A column of a benchmark table: its name and unit (`""` when unitless). */
export interface ReportColumn {
  /** Column header. */
  readonly name: string;
  /** Unit of the values (`"ms"`, `"GFLOP/s"`), `""` when unitless. */
  readonly unit: string;
}

/** One plot of a benchmark table: series of (x, y) points. */
export interface ReportPlot {
  /** Identifier within its table, used in file names (`<table id>-<id>.svg`). */
  readonly id: string;
  /** Title shown above the plot. */
  readonly title: string;
  /** How the points are drawn. */
  readonly kind: "line" | "scatter" | "bar" | "heatmap";
  /** Label of the horizontal axis (with its unit). */
  readonly xLabel: string;
  /** Label of the vertical axis (with its unit). */
  readonly yLabel: string;
  /** Scale of the horizontal axis; default `"linear"`. */
  readonly xScale?: "linear" | "log";
  /** Scale of the vertical axis; default `"linear"`. */
  readonly yScale?: "linear" | "log";
  /** The data: one named series of `[x, y]` points per line, bar group or point cloud. */
  readonly series: readonly {
    /** Legend entry of the series. */
    readonly name: string;
    /** The `[x, y]` points, in drawing order. */
    readonly points: readonly (readonly [number, number])[];
  }[];
}

/** One table of the benchmark report. `finding` is computed from `rows`, never fixed text. */
export interface ReportTable {
  /** Stable identifier of the table (the experiment's id), used in links and file names. */
  readonly id: string;
  /** Title shown above the table. */
  readonly title: string;
  /** The question the experiment answers, in one sentence. */
  readonly question: string;
  /** The columns, in display order. */
  readonly columns: readonly ReportColumn[];
  /** One array per row, one cell per column; `null` for a value that was not measured. */
  readonly rows: readonly (readonly (string | number | boolean | null)[])[];
  /** The answer to `question`, computed from `rows`. */
  readonly finding: string;
  /** Plots of the same data. */
  readonly plots: readonly ReportPlot[];
}

/** Facts about the run that produced a report. */
export interface ReportMeta {
  /** Seed of every random generator of the run. */
  readonly seed: number;
  /** Size of the run: `tiny` (tests), `quick` (the default), `full` (`--full`). */
  readonly mode: "tiny" | "quick" | "full";
  /** `process.version` of the run. */
  readonly nodeVersion: string;
  /** CPU model as the OS reports it. */
  readonly cpuModel: string;
  /** Number of logical CPU cores. */
  readonly cpuCores: number;
  /** Commit the run was built from, `null` outside a git checkout. */
  readonly gitCommit: string | null;
  /** When the run started, ISO 8601. */
  readonly date: string;
  /** Wall time of each experiment, in seconds, by experiment id. */
  readonly durationsSeconds: { readonly [experimentId: string]: number };
}

/** The benchmark app's `report.json`. */
export interface Report {
  /** Facts about the run. */
  readonly meta: ReportMeta;
  /** One table per experiment, in report order. */
  readonly tables: readonly ReportTable[];
}

import type { Constraint, Tensor as TensorLike } from "@descent/spec";
import { normalizeAxis, Tensor, treeMap, ValueError } from "@descent/tensor";
import { allocateLike } from "./leaves.js";
import { resolveSelection, SELECTION_OPTIONS, type SelectionOptions } from "./selection.js";
import { assertNonNegative, assertOptions, assertPositive, show } from "./validate.js";

/** Options shared by the norm constraints. */
export interface NormConstraintOptions extends SelectionOptions {
  /**
   * Axis or axes the norm is taken over; one norm per index of the remaining axes. Default `0`
   * (Keras). For a dense weight matrix stored `[in, out]` (descent and Keras), `axis: 0` bounds the
   * norm of each column, i.e. of each output unit's incoming weight vector; for a PyTorch-style
   * `[out, in]` matrix pass `axis: 1`. For a conv kernel `[height, width, inChannels, outChannels]`
   * pass `axis: [0, 1, 2]`.
   */
  readonly axis?: number | readonly number[];
  /** Added to the norm in the denominator, as Keras does (`1e-7`). */
  readonly epsilon?: number;
}

/**
 * Max-norm constraint (Keras `MaxNorm`): rescales each slice whose L2 norm exceeds `max`.
 *
 * `w ← w · clip(‖w‖, 0, max) / (ε + ‖w‖)`, the norm taken over `axis` (see
 * {@link NormConstraintOptions.axis}).
 *
 * @param max Largest norm allowed, `> 0`.
 * @example
 * ```ts
 * params = maxNorm(3).apply(params); // after each optimizer step
 * ```
 */
export function maxNorm(max: number, options: NormConstraintOptions = {}): Constraint {
  assertPositive("maxNorm", "max", max);
  return normConstraint("maxNorm", options, (norm) => Math.min(norm, max));
}

/**
 * Unit-norm constraint (Keras `UnitNorm`): `w ← w / (ε + ‖w‖)` over `axis`.
 *
 * @example
 * ```ts
 * params = unitNorm({ axis: 0 }).apply(params);
 * ```
 */
export function unitNorm(options: NormConstraintOptions = {}): Constraint {
  return normConstraint("unitNorm", options, () => 1);
}

/**
 * Min-max-norm constraint (Keras `MinMaxNorm`): pulls each slice's norm into `[min, max]`.
 *
 * `desired = rate · clip(‖w‖, min, max) + (1 − rate) · ‖w‖`, then `w ← w · desired / (ε + ‖w‖)`.
 * `rate = 1` enforces the bounds strictly; smaller rates move towards them gradually.
 *
 * @param min Smallest norm, `≥ 0`.
 * @param max Largest norm, `≥ min`.
 * @param rate In `[0, 1]`, default `1`.
 * @example
 * ```ts
 * params = minMaxNorm(0.5, 2, 1).apply(params);
 * ```
 */
export function minMaxNorm(
  min: number,
  max: number,
  rate = 1,
  options: NormConstraintOptions = {},
): Constraint {
  const op = "minMaxNorm";
  assertNonNegative(op, "min", min);
  assertNonNegative(op, "max", max);
  if (max < min) throw new ValueError(op, `max ${max} is smaller than min ${min}: pass min ≤ max`);
  if (!(rate >= 0 && rate <= 1)) throw new ValueError(op, `rate ${String(rate)} must be in [0, 1]`);
  return normConstraint(op, options, (norm) => rate * Math.min(Math.max(norm, min), max) + (1 - rate) * norm);
}

/**
 * Non-negativity constraint (Keras `NonNeg`): `w ← max(w, 0)` element-wise (NaN stays NaN).
 *
 * @example
 * ```ts
 * params = nonNeg().apply(params);
 * ```
 */
export function nonNeg(options: SelectionOptions = {}): Constraint {
  assertOptions("nonNeg", options, SELECTION_OPTIONS);
  const selects = resolveSelection("nonNeg", options);
  return {
    name: "nonNeg",
    apply(params) {
      return treeMap(
        params,
        (tensor, path) => {
          if (!selects(path, tensor)) return tensor;
          const input = tensor.data;
          const out = allocateLike(input);
          for (let i = 0; i < out.length; i++) out[i] = Math.max(input[i]!, 0);
          return new Tensor(out, tensor.shape);
        },
        { op: "nonNeg" },
      );
    },
  };
}

function normConstraint(
  name: string,
  options: NormConstraintOptions,
  desiredNorm: (norm: number) => number,
): Constraint {
  assertOptions(name, options, [...SELECTION_OPTIONS, "axis", "epsilon"]);
  const selects = resolveSelection(name, options);
  const epsilon = options?.epsilon ?? 1e-7;
  assertNonNegative(name, "epsilon", epsilon);
  const axis = options?.axis ?? 0;
  const axes = typeof axis === "number" ? [axis] : Array.isArray(axis) ? [...axis] : [];
  if (Array.isArray(axis) && axes.length === 0) {
    throw new ValueError(name, "axis is an empty list: give at least one axis");
  }
  if (axes.length === 0 || !axes.every((a) => Number.isSafeInteger(a))) {
    throw new ValueError(
      name,
      `axis ${show(axis)} must be a whole number or a non-empty list of them, e.g. 0 or [0, 1]`,
    );
  }
  return {
    name,
    apply(params) {
      return treeMap(
        params,
        (tensor, path) => {
          if (!selects(path, tensor)) return tensor;
          return rescaleSlices(name, tensor, axes, epsilon, desiredNorm, path);
        },
        { op: name },
      );
    },
  };
}

/** Rescales every slice along `axes` by `desired(‖slice‖) / (ε + ‖slice‖)`. */
function rescaleSlices(
  name: string,
  tensor: TensorLike,
  axes: readonly number[],
  epsilon: number,
  desiredNorm: (norm: number) => number,
  path: readonly string[],
): Tensor {
  const { shape, data } = tensor;
  const rank = shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const axis of axes) {
    if (rank === 0) {
      throw new ValueError(
        name,
        `"${path.join(".")}" is a scalar: norm constraints need a tensor of rank ≥ 1 (exclude it)`,
      );
    }
    reduced[normalizeAxis(name, axis, rank)] = true;
  }
  // Group index of each element = its row-major index over the kept axes only.
  const groupStrides = new Array<number>(rank).fill(0);
  let groups = 1;
  for (let a = rank - 1; a >= 0; a--) {
    if (reduced[a]) continue;
    groupStrides[a] = groups;
    groups *= shape[a]!;
  }
  const group = new Int32Array(data.length);
  const counter = new Array<number>(rank).fill(0);
  let current = 0;
  for (let i = 0; i < data.length; i++) {
    group[i] = current;
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]!++;
      current += groupStrides[a]!;
      if (counter[a]! < shape[a]!) break;
      current -= groupStrides[a]! * counter[a]!;
      counter[a] = 0;
    }
  }
  const squares = new Float64Array(groups);
  for (let i = 0; i < data.length; i++) squares[group[i]!]! += data[i]! * data[i]!;
  const scales = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    const norm = Math.sqrt(squares[g]!);
    scales[g] = desiredNorm(norm) / (epsilon + norm);
  }
  const out = allocateLike(data);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! * scales[group[i]!]!;
  return new Tensor(out, shape);
}

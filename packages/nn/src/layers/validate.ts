import type { Operand } from "@descent/autodiff";
import type { DType, Tensor as TensorLike } from "@descent/spec";
import {
  assertAnyTensorLike,
  assertTensorLike,
  formatShape,
  ShapeError,
  Tensor,
  ValueError,
} from "@descent/tensor";

/*
 * Argument checks shared by the layers, losses, metrics and the training loop: every value that comes from
 * a caller is checked here before it is indexed, so a bad argument gives a typed error that names it, never
 * a raw TypeError or a silent NaN. Internal: not re-exported.
 */

/** A short, safe description of any value for an error message (never calls the value's own methods). */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return Object.is(value, -0) ? "-0" : String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  return "an object";
}

/** True for a non-null object that is not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Edit distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** ` (did you mean "epochs"?)` for the closest of `candidates`, or `""` when none is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(name.slice(0, 64), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? "" : ` (did you mean ${JSON.stringify(best)}?)`;
}

/**
 * Throws unless `options` is undefined or a plain object whose own keys are all in `allowed`; the error
 * names the unknown key and the closest allowed one.
 */
export function checkOptionKeys(
  op: string,
  options: unknown,
  allowed: readonly string[],
  label = "options",
): void {
  if (options === undefined) return;
  if (!isObject(options)) {
    throw new ValueError(op, `${label} is ${describe(options)}: pass an object such as { ${allowed[0]}: … }`);
  }
  for (const key of Reflect.ownKeys(options)) {
    if (typeof key !== "string" || !allowed.includes(key)) {
      const name = typeof key === "string" ? key : String(key);
      throw new ValueError(
        op,
        `${label} has an unknown key ${JSON.stringify(name)}${typeof key === "string" ? didYouMean(key, allowed) : ""}: the options are ${allowed.join(", ")}`,
      );
    }
  }
}

/** The value of an own property (never one inherited from `Object.prototype`). */
export function ownValue(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** Throws unless `value` is undefined or an integer in `[min, 2^53)`; returns it or `fallback`. */
export function integerOption(
  op: string,
  label: string,
  value: unknown,
  min: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new ValueError(op, `${label} is ${describe(value)}: use an integer ≥ ${min}`);
  }
  return value;
}

/** Throws unless `value` is undefined or a boolean; returns it or `fallback`. */
export function booleanOption(op: string, label: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean")
    throw new ValueError(op, `${label} is ${describe(value)}: use true or false`);
  return value;
}

/** Throws unless `value` is undefined or a string; returns it. */
export function nameOption(op: string, label: string, value: unknown): string | undefined {
  if (value !== undefined && typeof value !== "string")
    throw new ValueError(op, `${label} is ${describe(value)}: use a string`);
  return value;
}

/** Throws unless `value` is undefined or a function; returns it. */
export function functionOption<F>(op: string, label: string, value: unknown): F | undefined {
  if (value !== undefined && typeof value !== "function")
    throw new ValueError(op, `${label} is ${describe(value)}: pass a function`);
  return value as F | undefined;
}

/**
 * Throws unless `value` is a well-formed float tensor: `@descent/tensor`'s structural check
 * (`assertTensorLike` (from `@descent/tensor`)), in this package's argument order. An int32 tensor (class
 * labels) is a DTypeError naming the conversion: only the classification losses and metrics read labels.
 */
export function checkTensor(op: string, label: string, value: unknown): asserts value is TensorLike {
  assertTensorLike(op, value, label);
}

/**
 * {@link checkTensor} that also accepts an int32 tensor of class labels (data an `Int32Array`): for the
 * targets of the classification losses and metrics, and for the targets `fit` gathers.
 */
export function checkAnyTensor(
  op: string,
  label: string,
  value: unknown,
): asserts value is TensorLike<DType> {
  assertAnyTensorLike(op, value, label);
}

/**
 * The tensor behind an operand argument (a traced value, a tensor, or a number), checked with
 * {@link checkTensor}.
 */
export function operandTensor(op: string, label: string, operand: unknown): TensorLike {
  if (typeof operand === "number") return new Tensor(new Float64Array([operand]), []);
  if (typeof operand === "object" && operand !== null && !("data" in operand) && "value" in operand) {
    const value = (operand as { value: unknown }).value;
    checkTensor(op, label, value);
    return value;
  }
  checkTensor(op, label, operand);
  return operand;
}

/** True when two shapes are equal axis by axis. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

/**
 * Throws a ShapeError unless the layer parameter `name` is a tensor of shape `expected`; returns it.
 * Checked on every apply (cheap: the shapes only), so a tree from another architecture never reads past
 * an array or silently uses part of it.
 */
export function checkParameter(
  op: string,
  name: string,
  value: unknown,
  expected: readonly number[],
  fix: string,
): Operand {
  if (value === undefined) {
    throw new ValueError(op, `parameters are missing "${name}" ${formatShape(expected)}: ${fix}`);
  }
  const tensor = operandTensor(op, `parameter "${name}"`, value);
  if (!sameShape(tensor.shape, expected)) {
    throw new ShapeError(
      op,
      `parameter "${name}" has shape ${formatShape(tensor.shape)} but this layer expects ${formatShape(expected)}: ${fix}`,
    );
  }
  return value as Operand;
}

/**
 * Throws unless the options of a layer's apply are `{ training?, random?, state?, onState?, allocateGradient?,
 * allocateTransient? }` with those types.
 */
export function checkApplyOptions(op: string, options: unknown): void {
  checkOptionKeys(op, options, [
    "training",
    "random",
    "state",
    "onState",
    "allocateGradient",
    "allocateTransient",
  ]);
  const { training, state, onState, allocateGradient, allocateTransient } = (options ?? {}) as {
    training?: unknown;
    state?: unknown;
    onState?: unknown;
    allocateGradient?: unknown;
    allocateTransient?: unknown;
  };
  booleanOption(op, "options.training", training, false);
  functionOption(op, "options.onState", onState);
  functionOption(op, "options.allocateGradient", allocateGradient);
  functionOption(op, "options.allocateTransient", allocateTransient);
  if (state !== undefined && !isObject(state))
    throw new ValueError(op, `options.state is ${describe(state)}: pass model.initState() or fit's state`);
}

/** The number of elements of a shape, or -1 when it is not an array of non-negative safe integers. */
function checkedSize(shape: unknown): number {
  if (!Array.isArray(shape)) return -1;
  let size = 1;
  for (const dimension of shape) {
    if (typeof dimension !== "number" || !Number.isSafeInteger(dimension) || dimension < 0) return -1;
    size *= dimension;
  }
  return Number.isSafeInteger(size) ? size : -1;
}

/** Throws unless `shape` is an array of non-negative integer sizes (a per-sample shape, e.g. `[28, 28, 1]`). */
export function checkShapeArgument(op: string, label: string, shape: unknown): asserts shape is number[] {
  if (checkedSize(shape) < 0) {
    throw new ValueError(
      op,
      `${label} is ${Array.isArray(shape) ? `[${shape.map((size) => describe(size)).join(", ")}]` : describe(shape)}: pass an array of non-negative integer sizes such as [28, 28, 1]`,
    );
  }
}

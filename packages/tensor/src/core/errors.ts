import { describeValue } from "./describe.js";
/**
 * Base class of every error descent throws on bad input. The message names the op, the values it
 * got and how to fix the call.
 */
export class DescentError extends Error {
  /** The op that rejected its input, e.g. `"matmul"`. */
  readonly op: string;
  constructor(op: string, message: string) {
    const name = typeof op === "string" && op.length > 0 ? op : "descent";
    super(`${name}: ${message}`);
    this.name = "DescentError";
    this.op = name;
  }
}

/** Shapes that do not fit the op: `ShapeError: matmul: [32,784] × [128,10]: inner dimensions 784 ≠ 128`. */
export class ShapeError extends DescentError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = "ShapeError";
  }
}

/** A dtype the op does not accept, or two dtypes that cannot be mixed. */
export class DTypeError extends DescentError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = "DTypeError";
  }
}

/** A value out of range: a negative size, an axis past the rank, a NaN where a number is required, … */
export class ValueError extends DescentError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = "ValueError";
  }
}

/** Formats a shape as `[2,3]` for error messages. */
export function formatShape(shape: readonly number[]): string {
  if (!Array.isArray(shape)) return describeValue(shape);
  return `[${shape.map((size) => (typeof size === "number" ? String(size) : describeValue(size))).join(",")}]`;
}

import type { FloatDType } from "@descent/spec";
import { allocate, DEFAULT_DTYPE } from "../core/dtype.js";
import { ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { assertCount, assertFinite, resolveDType } from "./validate.js";

/**
 * Evenly spaced values in the half-open interval `[start, stop)`: `value[i] = start + i · step`,
 * `count = max(0, ⌈(stop − start) / step⌉)`. With one argument, `arange(stop)` counts from 0.
 *
 * Each value is computed as `start + i · step` (not by accumulation), so errors do not build up.
 *
 * @example
 * ```ts
 * arange(4).toArray();            // [0, 1, 2, 3]
 * arange(1, 3, 0.5).toArray();    // [1, 1.5, 2, 2.5]
 * arange(3, 0, -1).toArray();     // [3, 2, 1]
 * ```
 * @throws {@link ValueError} for a zero or non-finite step, or non-finite bounds.
 */
export function arange(start: number, stop?: number, step = 1, dtype?: FloatDType): Tensor {
  const op = "arange";
  const resolved = resolveDType(op, dtype, DEFAULT_DTYPE);
  let from = start;
  let to = stop;
  if (to === undefined) {
    to = from;
    from = 0;
  }
  assertFinite(op, from, "start");
  assertFinite(op, to, "stop");
  assertFinite(op, step, "step");
  if (step === 0) {
    throw new ValueError(op, `step is 0: use a non-zero step (negative to count down)`);
  }
  const count = Math.max(0, Math.ceil((to - from) / step));
  const data = allocate(resolved, count, op);
  for (let i = 0; i < count; i++) data[i] = from + i * step;
  return new Tensor(data, [count]);
}

/**
 * `count` evenly spaced values from `start` to `stop`, both included:
 * `value[i] = start + i · (stop − start) / (count − 1)`; the last value is exactly `stop`.
 *
 * @example
 * ```ts
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 * linspace(2, 2, 1).toArray(); // [2]
 * ```
 * @throws {@link ValueError} for non-finite bounds or a count that is not a non-negative integer.
 */
export function linspace(start: number, stop: number, count: number, dtype?: FloatDType): Tensor {
  const op = "linspace";
  const resolved = resolveDType(op, dtype, DEFAULT_DTYPE);
  assertFinite(op, start, "start");
  assertFinite(op, stop, "stop");
  assertCount(op, count, "count");
  const data = allocate(resolved, count, op);
  if (count === 1) data[0] = start;
  if (count > 1) {
    const step = (stop - start) / (count - 1);
    for (let i = 0; i < count - 1; i++) data[i] = start + i * step;
    data[count - 1] = stop;
  }
  return new Tensor(data, [count]);
}

/**
 * The identity matrix: `[rows, columns]` with ones on the main diagonal (`i = j`), zeros elsewhere.
 *
 * @example
 * ```ts
 * eye(2).toNested();      // [[1, 0], [0, 1]]
 * eye(2, 3).shape;        // [2, 3]
 * ```
 * @throws {@link ValueError} when `rows` or `columns` is not a non-negative integer.
 */
export function eye(rows: number, columns: number = rows, dtype?: FloatDType): Tensor {
  const op = "eye";
  const resolved = resolveDType(op, dtype, DEFAULT_DTYPE);
  assertCount(op, rows, "rows");
  assertCount(op, columns, "columns");
  const data = allocate(resolved, rows * columns, op);
  const diagonal = Math.min(rows, columns);
  for (let i = 0; i < diagonal; i++) data[i * columns + i] = 1;
  return new Tensor(data, [rows, columns]);
}

import type { Shape } from "@descent/spec";
import type { Tensor } from "@descent/tensor";
import { normalizeAxis } from "@descent/tensor";
import type { Traced } from "../core/traced.js";
import { broadcastTo, reshape } from "./shape-ops.js";

/** The axes a reduction runs over, as `@descent/tensor` reads `axis`: all when absent, sorted, non-negative. */
export function reducedAxes(
  op: string,
  axis: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  return [...new Set(list.map((a) => normalizeAxis(op, a, rank)))].sort((p, q) => p - q);
}

/** `shape` with the reduced axes set to 1 (the `keepDims` shape). */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  const kept = [...shape];
  for (const axis of axes) kept[axis] = 1;
  return kept;
}

/** Number of elements each output of the reduction summarises. */
export function reducedCount(shape: Shape, axes: readonly number[]): number {
  let count = 1;
  for (const axis of axes) count *= shape[axis]!;
  return count;
}

/** A reduction's cotangent (or output) brought back to the input's shape: reshape to keepDims, then broadcast. */
export function expandTo(value: Traced | Tensor, shape: Shape, axes: readonly number[]): Traced {
  return broadcastTo(reshape(value, keptShape(shape, axes)), shape);
}

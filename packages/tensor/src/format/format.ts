import type { DType, Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "../core/errors.js";
import { assertAnyTensorLike } from "../core/tensor-like.js";
import { formatNumbers } from "./numbers.js";

/** Options of {@link formatTensor}. */
export interface FormatOptions {
  /** An axis longer than this is summarised as its first and last `edgeItems` around `…`. Default 6. */
  readonly maxItems?: number;
  /** Items kept at each end of a summarised axis. Default 3. */
  readonly edgeItems?: number;
  /** Most digits after the decimal point (or of the mantissa, in scientific notation). Default 4. */
  readonly precision?: number;
  /** A tensor of rank ≥ 2 whose one-line form is longer than this is printed one row per line. Default 80. */
  readonly lineWidth?: number;
}

const PREFIX = "tensor(";

/**
 * Formats a tensor as NumPy-like text: `tensor(<values>, shape=[…], dtype=…)`.
 *
 * - Values share one style, chosen from the printed values: integers when all are integral; else
 *   fixed point with as many decimals as the most precise value needs, up to `precision` (4);
 *   scientific (`1.5e-05`) when the largest magnitude is ≥ 1e8 or the smallest non-zero one < 1e-4.
 *   `NaN`, `Infinity` and `-Infinity` print as such.
 * - Values are right-aligned to a common width, so columns line up.
 * - An axis with more than `maxItems` (6) items shows its first and last `edgeItems` (3) around `…`.
 * - Short tensors print on one line; longer ones of rank ≥ 2 print one row per line, with a blank
 *   line between blocks of rank ≥ 3, as NumPy does.
 *
 * Only the printed elements are read, so formatting a huge tensor is cheap.
 *
 * @example
 * ```ts
 * formatTensor(tensor([[1, 2], [3, 4]]));    // "tensor([[1, 2], [3, 4]], shape=[2,2], dtype=float32)"
 * formatTensor(scalar(3.5, "float64"));      // "tensor(3.5, shape=[], dtype=float64)"
 * formatTensor(arange(10));                  // "tensor([0, 1, 2, …, 7, 8, 9], shape=[10], dtype=float32)"
 * ```
 */
export function formatTensor(tensor: TensorLike<DType>, options: FormatOptions = {}): string {
  assertAnyTensorLike("formatTensor", tensor, "tensor");
  if (typeof options !== "object" || options === null) {
    throw new ValueError(
      "formatTensor",
      `options is ${String(options)}: pass an object such as { precision: 4 }`,
    );
  }
  const maxItems = option(options, "maxItems", 6, 0);
  const edgeItems = Math.min(option(options, "edgeItems", 3, 0), maxItems);
  const precision = option(options, "precision", 4, 0, 20);
  const lineWidth = option(options, "lineWidth", 80, 0);
  const { shape, data } = tensor;
  const suffix = `, shape=[${shape.join(",")}], dtype=${tensor.dtype})`;
  const strides = rowMajorStrides(shape);
  const shown = shape.map((size) => shownIndices(size, maxItems, edgeItems));

  const offsets: number[] = [];
  collectOffsets(shown, strides, 0, 0, offsets);
  const texts = formatNumbers(
    offsets.map((offset) => data[offset]!),
    precision,
  );
  const width = texts.reduce((widest, text) => Math.max(widest, text.length), 0);
  const padded = texts.map((text) => text.padStart(width));
  const ellipsis = "…".padStart(width);

  if (shape.length === 0) return `${PREFIX}${padded[0] ?? ""}${suffix}`;
  const cursor = { next: 0 };
  const oneLine = render(shown, 0, padded, ellipsis, cursor, null);
  if (shape.length === 1 || PREFIX.length + oneLine.length + suffix.length <= lineWidth) {
    return `${PREFIX}${oneLine}${suffix}`;
  }
  cursor.next = 0;
  return `${PREFIX}${render(shown, 0, padded, ellipsis, cursor, PREFIX.length)}${suffix}`;
}

/** `options[key]` when it is an integer in `[min, max]`, `fallback` when it is absent; else a {@link ValueError}. */
function option(
  options: FormatOptions,
  key: keyof FormatOptions,
  fallback: number,
  min: number,
  max = 1e9,
): number {
  const value: unknown = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ValueError(
      "formatTensor",
      `options.${key} is ${typeof value === "number" ? value : typeof value}: use an integer from ${min} to ${max}`,
    );
  }
  return value;
}

/** The indices printed along an axis of `size` items; `-1` marks the `…`. */
function shownIndices(size: number, maxItems: number, edgeItems: number): number[] {
  if (size <= maxItems) return Array.from({ length: size }, (_, i) => i);
  const head = Array.from({ length: edgeItems }, (_, i) => i);
  const tail = Array.from({ length: edgeItems }, (_, i) => size - edgeItems + i);
  return [...head, -1, ...tail];
}

function collectOffsets(
  shown: readonly number[][],
  strides: readonly number[],
  axis: number,
  offset: number,
  offsets: number[],
): void {
  if (axis === shown.length) {
    offsets.push(offset);
    return;
  }
  for (const index of shown[axis]!) {
    if (index >= 0) collectOffsets(shown, strides, axis + 1, offset + index * strides[axis]!, offsets);
  }
}

/**
 * Renders axis `axis` and below, taking the formatted values in order from `cursor`. `indent` is
 * the column of the outermost `[` for the multi-line layout, or `null` for one line.
 */
function render(
  shown: readonly number[][],
  axis: number,
  values: readonly string[],
  ellipsis: string,
  cursor: { next: number },
  indent: number | null,
): string {
  const rank = shown.length;
  const parts: string[] = [];
  for (const index of shown[axis]!) {
    if (axis === rank - 1) parts.push(index < 0 ? ellipsis : values[cursor.next++]!);
    else parts.push(index < 0 ? "…" : render(shown, axis + 1, values, ellipsis, cursor, indent));
  }
  if (axis === rank - 1 || indent === null) return `[${parts.join(", ")}]`;
  const blankLines = "\n".repeat(rank - axis - 2);
  return `[${parts.join(`,\n${blankLines}${" ".repeat(indent + axis + 1)}`)}]`;
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

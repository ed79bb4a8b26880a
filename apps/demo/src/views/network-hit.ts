import type { NetworkLayout } from "./network-view.js";

/** A parameter of the picture: a link's weight or a neuron's bias; `layer` counts dense layers from 0. */
export type ParameterTarget =
  | { readonly kind: "weight"; readonly layer: number; readonly from: number; readonly to: number }
  | { readonly kind: "bias"; readonly layer: number; readonly unit: number };

/** Side of the small square at a neuron's lower left corner that stands for its bias (CSS pixels). */
export const BIAS_BOX = 9;

/** How far (CSS pixels) the pointer may be from a link and still point at it. */
const LINK_TOLERANCE = 4;
const LINK_SAMPLES = 32;

/**
 * The point at `t` ∈ [0, 1] of the link from neuron `from` of column `column − 1` to neuron `to` of
 * `column`: a cubic Bézier from the right edge of one thumbnail to the left edge of the other, with both
 * control points halfway across, so it leaves and arrives horizontally.
 *
 * @example
 * linkPoint(layout, 1, 0, 0, 0.5) // the middle of the link x₁ → h1.1
 */
export function linkPoint(
  layout: NetworkLayout,
  column: number,
  from: number,
  to: number,
  t: number,
): { x: number; y: number } {
  const { x0, x1, y0, y1 } = linkEnds(layout, column, from, to);
  const middle = (x0 + x1) / 2;
  const u = 1 - t;
  // B(t) = u³P₀ + 3u²tP₁ + 3ut²P₂ + t³P₃ with P₁ = (middle, y₀), P₂ = (middle, y₁).
  return {
    x: u ** 3 * x0 + 3 * u * u * t * middle + 3 * u * t * t * middle + t ** 3 * x1,
    y: u ** 3 * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y1 + t ** 3 * y1,
  };
}

/** Where a link starts and ends (the canvas draws it with these). */
export function linkEnds(
  layout: NetworkLayout,
  column: number,
  from: number,
  to: number,
): { x0: number; x1: number; y0: number; y1: number } {
  return {
    x0: layout.columnX[column - 1]! + layout.thumb,
    x1: layout.columnX[column]!,
    y0: layout.neuronY(from) + layout.thumb / 2,
    y1: layout.neuronY(to) + layout.thumb / 2,
  };
}

/** The top left corner of a neuron's bias square. */
export function biasBox(layout: NetworkLayout, column: number, neuron: number): { x: number; y: number } {
  return { x: layout.columnX[column]! - BIAS_BOX - 1, y: layout.neuronY(neuron) + layout.thumb - BIAS_BOX };
}

/**
 * The weight or bias under a point of the picture (CSS pixels), or null: a bias square first, then the
 * nearest link within a few pixels. `columnSizes` counts the features, each hidden layer and the output.
 *
 * @example
 * parameterAt(layout, [2, 4, 1], x, y) // { kind: "weight", layer: 0, from: 1, to: 3 } or null
 */
export function parameterAt(
  layout: NetworkLayout,
  columnSizes: readonly number[],
  x: number,
  y: number,
): ParameterTarget | null {
  for (let column = 1; column < columnSizes.length; column++) {
    for (let unit = 0; unit < columnSizes[column]!; unit++) {
      const box = biasBox(layout, column, unit);
      if (x >= box.x && x <= box.x + BIAS_BOX && y >= box.y && y <= box.y + BIAS_BOX) {
        return { kind: "bias", layer: column - 1, unit };
      }
    }
  }
  let best: ParameterTarget | null = null;
  let bestDistance = LINK_TOLERANCE;
  for (let column = 1; column < columnSizes.length; column++) {
    const { x0, x1 } = linkEnds(layout, column, 0, 0);
    if (x < x0 - LINK_TOLERANCE || x > x1 + LINK_TOLERANCE) continue;
    for (let from = 0; from < columnSizes[column - 1]!; from++) {
      for (let to = 0; to < columnSizes[column]!; to++) {
        const distance = distanceToLink(layout, column, from, to, x, y);
        if (distance <= bestDistance) {
          bestDistance = distance;
          best = { kind: "weight", layer: column - 1, from, to };
        }
      }
    }
  }
  return best;
}

/** Distance from a point to a link, measured to the polyline of {@link LINK_SAMPLES} segments along it. */
function distanceToLink(
  layout: NetworkLayout,
  column: number,
  from: number,
  to: number,
  x: number,
  y: number,
): number {
  let best = Number.POSITIVE_INFINITY;
  let previous = linkPoint(layout, column, from, to, 0);
  for (let k = 1; k <= LINK_SAMPLES; k++) {
    const next = linkPoint(layout, column, from, to, k / LINK_SAMPLES);
    best = Math.min(best, distanceToSegment(x, y, previous, next));
    previous = next;
  }
  return best;
}

function distanceToSegment(
  x: number,
  y: number,
  a: { x: number; y: number },
  b: { x: number; y: number },
): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / length));
  return Math.hypot(x - (a.x + t * dx), y - (a.y + t * dy));
}

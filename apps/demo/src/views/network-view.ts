import type { ColumnView, LayerNorms, Snapshot } from "../worker/protocol.js";
import { cssColor } from "./colors.js";
import { heatmapImage, maxAbs, prepareCanvas } from "./heatmap.js";
import { BIAS_BOX, biasBox, linkEnds } from "./network-hit.js";

/** Where the network picture puts its columns and neurons (CSS pixels). */
export interface NetworkLayout {
  readonly width: number;
  readonly height: number;
  readonly thumb: number;
  /** Left edge of each column's thumbnails. */
  readonly columnX: readonly number[];
  neuronY(index: number): number;
}

const WIDTH = 560;
const THUMB = 38;
const ROW = THUMB + 22;
const TOP = 6;
const LEFT = 48;
const RIGHT = 20;
const FOOTER = 34;

/** The layout for columns of these sizes (features, hidden layers, output). */
export function networkLayout(columnSizes: readonly number[]): NetworkLayout {
  const columns = columnSizes.length;
  const tallest = Math.max(...columnSizes, 1);
  const spacing = columns > 1 ? (WIDTH - LEFT - RIGHT - THUMB) / (columns - 1) : 0;
  return {
    width: WIDTH,
    height: TOP + tallest * ROW + FOOTER,
    thumb: THUMB,
    columnX: columnSizes.map((_, i) => LEFT + i * spacing),
    neuronY: (index) => TOP + index * ROW,
  };
}

/** The neuron under a point of the picture (CSS pixels), as column and index, or null. */
export function neuronAt(
  layout: NetworkLayout,
  columnSizes: readonly number[],
  x: number,
  y: number,
): { column: number; neuron: number } | null {
  for (let column = 0; column < columnSizes.length; column++) {
    const left = layout.columnX[column]!;
    if (x < left || x > left + layout.thumb) continue;
    for (let neuron = 0; neuron < columnSizes[column]!; neuron++) {
      const top = layout.neuronY(neuron);
      if (y >= top && y <= top + layout.thumb) return { column, neuron };
    }
  }
  return null;
}

/**
 * Draws the network: each neuron's output over the plane as a small heat map, links colored by the
 * sign of their weight (blue +, orange −) and as thick as its magnitude, and under each layer of links
 * its gradient norm; a small square at each neuron's lower left shows the sign of its bias, and dead neurons
 * (no gradient on any training point) get a red frame. A slow step adds each neuron's mean value over the
 * batch and lights the layers the gradient has reached.
 */
export function drawNetwork(canvas: HTMLCanvasElement, snapshot: Snapshot): NetworkLayout {
  const columns = snapshot.columns;
  const layout = networkLayout(columns.map((column) => column.grids.length));
  const context = prepareCanvas(canvas, layout.width, layout.height);
  const slow = snapshot.slow;
  const denseCount = columns.length - 1;
  const footerY = layout.height - FOOTER + 12;

  for (let c = 1; c < columns.length; c++) {
    const layerIndex = c - 1;
    const fromOutput = denseCount - layerIndex;
    const reached = slow !== null && slow.phase !== "forward" && fromOutput <= slow.revealedLayers;
    if (reached) {
      const left = layout.columnX[c - 1]! + THUMB;
      context.fillStyle = slow.phase === "update" ? "rgba(46, 160, 67, 0.10)" : "rgba(214, 57, 57, 0.10)";
      context.fillRect(left, 0, layout.columnX[c]! - left, layout.height - FOOTER + 16);
    }
    drawLinks(context, layout, c, columns[c - 1]!, columns[c]!);
    // In a slow step a layer's gradient shows once backpropagation has reached it; otherwise the last step's.
    const norms = slow
      ? reached
        ? slow.gradientNorms[layerIndex]
        : undefined
      : snapshot.gradientNorms?.[layerIndex];
    const updates = slow?.phase === "update" ? slow.updateNorms?.[layerIndex] : undefined;
    drawNormLabel(context, layout, c, norms, updates, footerY);
  }

  columns.forEach((column, c) => {
    const x = layout.columnX[c]!;
    column.grids.forEach((grid, neuron) => {
      const y = layout.neuronY(neuron);
      // Each picture uses its own range, so a neuron's shape shows whatever its scale.
      const scale = c === columns.length - 1 && snapshot.task === "classification" ? 1 : maxAbs(grid);
      context.imageSmoothingEnabled = true;
      context.drawImage(heatmapImage(grid, snapshot.gridSize, { scale }), x, y, THUMB, THUMB);
      const dead = c > 0 && c < columns.length - 1 && snapshot.unitGradientNorms[c - 1]?.[neuron] === 0;
      context.strokeStyle = dead ? "#d73a49" : "rgba(0, 0, 0, 0.25)";
      context.lineWidth = dead ? 2 : 1;
      context.strokeRect(x + 0.5, y + 0.5, THUMB - 1, THUMB - 1);
      const bias = column.bias?.[neuron];
      if (bias !== undefined) drawBias(context, biasBox(layout, c, neuron), bias);
      const value = slow?.forwardValues[c]?.[neuron];
      if (value !== undefined) {
        context.fillStyle = "#1a1a1a";
        context.font = "bold 10px system-ui, sans-serif";
        const text = formatValue(value);
        context.fillText(text, x + (THUMB - context.measureText(text).width) / 2, y + THUMB + 11);
      }
    });
    if (c === 0) {
      context.fillStyle = "#444";
      context.font = "12px system-ui, sans-serif";
      column.labels.forEach((label, neuron) => {
        const width = context.measureText(label).width;
        context.fillText(label, x - width - 6, layout.neuronY(neuron) + THUMB / 2 + 4);
      });
    }
  });
  return layout;
}

function drawLinks(
  context: CanvasRenderingContext2D,
  layout: NetworkLayout,
  column: number,
  from: ColumnView,
  to: ColumnView,
): void {
  const weights = to.weights;
  if (!weights) return;
  const sources = from.grids.length;
  const targets = to.grids.length;
  for (let i = 0; i < sources; i++) {
    for (let j = 0; j < targets; j++) {
      const weight = weights[i * targets + j]!;
      const { x0, x1, y0, y1 } = linkEnds(layout, column, i, j);
      const middle = (x0 + x1) / 2;
      context.strokeStyle = cssColor(Math.sign(weight), 0.85);
      context.lineWidth = Math.min(0.6 + Math.abs(weight) * 1.8, 7);
      context.beginPath();
      context.moveTo(x0, y0);
      context.bezierCurveTo(middle, y0, middle, y1, x1, y1);
      context.stroke();
    }
  }
}

function drawBias(context: CanvasRenderingContext2D, box: { x: number; y: number }, bias: number): void {
  context.fillStyle = cssColor(Math.sign(bias));
  context.fillRect(box.x, box.y, BIAS_BOX, BIAS_BOX);
  context.strokeStyle = "rgba(0, 0, 0, 0.35)";
  context.lineWidth = 1;
  context.strokeRect(box.x + 0.5, box.y + 0.5, BIAS_BOX - 1, BIAS_BOX - 1);
}

function drawNormLabel(
  context: CanvasRenderingContext2D,
  layout: NetworkLayout,
  column: number,
  gradient: LayerNorms | undefined,
  update: LayerNorms | undefined,
  y: number,
): void {
  const middle = (layout.columnX[column - 1]! + THUMB + layout.columnX[column]!) / 2;
  context.font = "10px system-ui, sans-serif";
  const lines: [string, string][] = [];
  if (gradient) lines.push([`‖∇‖ ${formatNorm(Math.hypot(gradient.weights, gradient.bias))}`, "#b03030"]);
  if (update) lines.push([`‖Δ‖ ${formatNorm(Math.hypot(update.weights, update.bias))}`, "#2e7d32"]);
  lines.forEach(([text, color], k) => {
    context.fillStyle = color;
    context.fillText(text, middle - context.measureText(text).width / 2, y + k * 12);
  });
}

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toExponential(1) : value.toFixed(2);
}

/** Norms span many orders of magnitude: three significant digits. */
export function formatNorm(value: number): string {
  if (value === 0) return "0";
  return Math.abs(value) < 1e-3 || Math.abs(value) >= 1e4 ? value.toExponential(2) : value.toPrecision(3);
}

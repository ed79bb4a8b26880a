import type { PointsView, Snapshot } from "../worker/protocol.js";
import { cssColor } from "./colors.js";
import { heatmapImage, prepareCanvas } from "./heatmap.js";

/** What the boundary view shows besides the heat map. */
export interface BoundaryOptions {
  readonly showTest: boolean;
  readonly discretize: boolean;
  /** A neuron's grid to show instead of the output (while the pointer is on it), with its scale. */
  readonly neuron?: { readonly values: Float32Array; readonly scale: number; readonly label: string } | null;
}

const SIZE = 320;

/**
 * Opacity of the heat map over the light grey background: faded, so the training and test points, drawn
 * at full strength on top, stand out even where their class's color surrounds them.
 */
export const HEATMAP_OPACITY = 0.6;

/**
 * The decision boundary (or regression surface) as a faded heat map ({@link HEATMAP_OPACITY}) under the
 * training points (white rims) and, optionally, the test points (dark rims).
 */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  snapshot: Snapshot | null,
  points: PointsView | null,
  options: BoundaryOptions,
): void {
  const context = prepareCanvas(canvas, SIZE, SIZE);
  context.fillStyle = "#e8eaeb";
  context.fillRect(0, 0, SIZE, SIZE);
  if (snapshot) {
    context.imageSmoothingEnabled = !options.discretize;
    const neuron = options.neuron;
    const image = neuron
      ? heatmapImage(neuron.values, snapshot.gridSize, { scale: neuron.scale })
      : heatmapImage(snapshot.output, snapshot.gridSize, { discretize: options.discretize });
    context.globalAlpha = HEATMAP_OPACITY;
    context.drawImage(image, 0, 0, SIZE, SIZE);
    context.globalAlpha = 1;
  }
  if (!points) return;
  const { min, max } = points.domain;
  const toPixel = (value: number) => ((value - min) / (max - min)) * SIZE;
  // The regression sets have 1200 points: smaller dots keep the surface visible.
  const radius = points.task === "classification" ? 3.2 : 2.4;
  const draw = (part: PointsView["train"], rim: string) => {
    context.strokeStyle = rim;
    context.lineWidth = 1;
    for (let i = 0; i < part.targets.length; i++) {
      const x = toPixel(part.inputs[2 * i]!);
      const y = SIZE - toPixel(part.inputs[2 * i + 1]!);
      const target = part.targets[i]!;
      context.fillStyle = cssColor(points.task === "classification" ? target * 2 - 1 : target);
      context.beginPath();
      context.arc(x, y, radius, 0, 2 * Math.PI);
      context.fill();
      context.stroke();
    }
  };
  draw(points.train, "#ffffff");
  if (options.showTest) draw(points.test, "#1a1a1a");
  context.fillStyle = "rgba(0, 0, 0, 0.55)";
  context.font = "10px system-ui, sans-serif";
  context.fillText(formatTick(min), 3, SIZE - 4);
  const maxLabel = formatTick(max);
  context.fillText(maxLabel, SIZE - context.measureText(maxLabel).width - 3, SIZE - 4);
  context.fillText(maxLabel, 3, 11);
  if (options.neuron) {
    const label = `neuron ${options.neuron.label}`;
    context.fillStyle = "rgba(255, 255, 255, 0.85)";
    context.fillRect(
      SIZE - context.measureText(label).width - 10,
      2,
      context.measureText(label).width + 8,
      14,
    );
    context.fillStyle = "#1a1a1a";
    context.fillText(label, SIZE - context.measureText(label).width - 6, 12);
  }
}

function formatTick(value: number): string {
  return Math.abs(value) >= 10 ? value.toFixed(0) : value.toFixed(1);
}

import type { Snapshot } from "../worker/protocol.js";
import { prepareCanvas } from "./heatmap.js";

const WIDTH = 320;
const HEIGHT = 90;

export const TRAIN_LINE = "#8a8f94";
export const TEST_LINE = "#1a1a1a";

/** Training (grey) and test (black) loss over epochs, from 0 to the largest loss seen. */
export function drawLossChart(canvas: HTMLCanvasElement, snapshot: Snapshot | null): void {
  const context = prepareCanvas(canvas, WIDTH, HEIGHT);
  context.fillStyle = "#fafafa";
  context.fillRect(0, 0, WIDTH, HEIGHT);
  const history = snapshot?.history;
  if (!history || history.epochs.length < 2) return;
  const lastEpoch = history.epochs[history.epochs.length - 1]!;
  let maxLoss = 0;
  for (const values of [history.train, history.test]) {
    for (const value of values) if (Number.isFinite(value) && value > maxLoss) maxLoss = value;
  }
  if (maxLoss === 0 || lastEpoch === 0) return;
  const x = (epoch: number) => (epoch / lastEpoch) * (WIDTH - 4) + 2;
  const y = (loss: number) => HEIGHT - 4 - (Math.min(loss, maxLoss) / maxLoss) * (HEIGHT - 16);
  const line = (values: readonly number[], color: string) => {
    context.strokeStyle = color;
    context.lineWidth = 1.5;
    context.beginPath();
    values.forEach((value, i) => {
      const px = x(history.epochs[i]!);
      const py = y(Number.isFinite(value) ? value : maxLoss);
      if (i === 0) context.moveTo(px, py);
      else context.lineTo(px, py);
    });
    context.stroke();
  };
  line(history.train, TRAIN_LINE);
  line(history.test, TEST_LINE);
  context.fillStyle = "rgba(0, 0, 0, 0.55)";
  context.font = "10px system-ui, sans-serif";
  context.fillText(`max ${maxLoss.toFixed(3)}`, 4, 11);
  const label = `${lastEpoch.toFixed(lastEpoch < 10 ? 1 : 0)} epochs`;
  context.fillText(label, WIDTH - context.measureText(label).width - 4, 11);
}

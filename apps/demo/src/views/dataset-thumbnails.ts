import { toyDatasets } from "@descent/data";
import { DATASET_NAMES, type DatasetName } from "../state/choices.js";
import { domainOf } from "../worker/features.js";
import { cssColor } from "./colors.js";
import { prepareCanvas } from "./heatmap.js";

const SIZE = 40;

/**
 * One small picture per toy set (its points, noise-free), as buttons that pick the set: the
 * Playground's dataset picker. The select next to them says the same in words.
 */
export function createDatasetThumbnails(onPick: (dataset: DatasetName) => void) {
  const buttons = DATASET_NAMES.map((name) => {
    const entry = toyDatasets[name];
    const node = document.createElement("button");
    node.type = "button";
    node.className = "thumbnail";
    node.dataset.testid = `dataset-${name}`;
    node.setAttribute("aria-label", `Dataset: ${entry.title}`);
    node.title = entry.title;
    const canvas = document.createElement("canvas");
    node.append(canvas);
    drawPoints(canvas, name);
    node.addEventListener("click", () => onPick(name));
    return { name, node };
  });
  const root = document.createElement("div");
  root.className = "thumbnails";
  root.append(...buttons.map(({ node }) => node));
  return {
    root,
    sync(dataset: DatasetName) {
      for (const { name, node } of buttons) node.setAttribute("aria-pressed", String(name === dataset));
    },
  };
}

function drawPoints(canvas: HTMLCanvasElement, name: DatasetName): void {
  const entry = toyDatasets[name];
  const dataset = entry.generate({ count: entry.task === "classification" ? 160 : 300, seed: 0 });
  const inputs = dataset.inputs.data;
  const targets = dataset.targets.data;
  const { min, max } = domainOf(inputs);
  const context = prepareCanvas(canvas, SIZE, SIZE);
  context.fillStyle = "#f4f6f8";
  context.fillRect(0, 0, SIZE, SIZE);
  for (let i = 0; i < targets.length; i++) {
    const x = ((inputs[2 * i]! - min) / (max - min)) * SIZE;
    const y = SIZE - ((inputs[2 * i + 1]! - min) / (max - min)) * SIZE;
    const target = targets[i]!;
    context.fillStyle = cssColor(entry.task === "classification" ? target * 2 - 1 : target);
    context.fillRect(x - 1, y - 1, 2, 2);
  }
}

import { type AppState, trainCount } from "../state/app-state.js";
import type { DatasetName } from "../state/choices.js";
import { createDatasetThumbnails } from "../views/dataset-thumbnails.js";
import { button, element, integerControl, rangeControl, selectControl } from "./elements.js";
import { datasetChoices } from "./labels.js";

type Update = (patch: Partial<AppState>) => void;

/** Dataset, train/test ratio, noise, batch size, seed and regenerate. */
export function createDataPanel(state: AppState, update: Update) {
  const dataset = selectControl<DatasetName>({
    label: "Dataset",
    testId: "dataset",
    choices: datasetChoices,
    value: state.dataset,
    onChange: (value) => update({ dataset: value }),
  });
  const thumbnails = createDatasetThumbnails((value) => update({ dataset: value }));
  dataset.root.append(thumbnails.root);
  const ratio = rangeControl({
    label: "Training data",
    testId: "train-percent",
    min: 10,
    max: 90,
    value: state.trainPercent,
    format: (value) => `${value} %`,
    onChange: (value) => update({ trainPercent: value }),
  });
  const noise = rangeControl({
    label: "Noise",
    testId: "noise",
    min: 0,
    max: 50,
    value: state.noise,
    format: (value) => String(value),
    onChange: (value) => update({ noise: value }),
  });
  const batchSize = integerControl({
    label: "Batch size",
    testId: "batch-size",
    min: 1,
    max: trainCount(state),
    value: state.batchSize,
    onChange: (value) => update({ batchSize: value }),
  });
  const mode = element("output", { class: "small", "data-testid": "batch-mode" });
  const stochastic = button({
    text: "1",
    label: "Stochastic gradient descent: one point per step",
    testId: "batch-stochastic",
    className: "small-button",
    onClick: () => update({ batchSize: 1 }),
  });
  const whole = button({
    text: "all",
    label: "Batch gradient descent: the whole training set per step",
    testId: "batch-whole",
    className: "small-button",
    onClick: () => update({ batchSize: trainCount(current) }),
  });
  batchSize.root.append(element("div", { class: "inline" }, [stochastic, whole, mode]));
  const seed = integerControl({
    label: "Seed",
    testId: "seed",
    min: 0,
    max: 2 ** 31 - 1,
    value: state.seed,
    onChange: (value) => update({ seed: value }),
  });
  const regenerate = button({
    text: "Regenerate",
    label: "New points: the next seed",
    testId: "regenerate",
    onClick: () => update({ seed: (current.seed + 1) % 2 ** 31 }),
  });
  seed.root.append(regenerate);
  let current = state;

  const root = element("div", { class: "data-panel" }, [
    dataset.root,
    ratio.root,
    noise.root,
    batchSize.root,
    seed.root,
  ]);
  return {
    root,
    sync(next: AppState) {
      current = next;
      dataset.set(next.dataset);
      thumbnails.sync(next.dataset);
      ratio.set(next.trainPercent);
      noise.set(next.noise);
      const points = trainCount(next);
      batchSize.setMax(points);
      batchSize.set(next.batchSize);
      mode.textContent =
        next.batchSize === 1
          ? "stochastic"
          : next.batchSize >= points
            ? "batch (whole set)"
            : `mini-batch of ${points}`;
      seed.set(next.seed);
    },
  };
}

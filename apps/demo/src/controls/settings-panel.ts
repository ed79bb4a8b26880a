import { type AppState, effectiveLoss, taskOf } from "../state/app-state.js";
import type { Snapshot } from "../worker/protocol.js";
import { element, selectControl } from "./elements.js";
import {
  activationChoices,
  initializerChoices,
  learningRateChoices,
  lossChoices,
  optimizerChoices,
  rateChoices,
  regularizerChoices,
  reluSubgradientChoices,
  scheduleChoices,
} from "./labels.js";

type Update = (patch: Partial<AppState>) => void;

/** Optimizer, learning rate and schedule; activation, relu'(0) and initializer; regularizer and rate; loss. */
export function createSettingsPanel(state: AppState, update: Update) {
  const optimizer = selectControl({
    label: "Optimizer",
    testId: "optimizer",
    choices: optimizerChoices,
    value: state.optimizer,
    onChange: (value) => update({ optimizer: value }),
  });
  const learningRate = selectControl({
    label: "Learning rate",
    testId: "learning-rate",
    choices: learningRateChoices,
    value: state.learningRate,
    onChange: (value) => update({ learningRate: value }),
  });
  const schedule = selectControl({
    label: "Schedule",
    testId: "schedule",
    choices: scheduleChoices,
    value: state.schedule,
    onChange: (value) => update({ schedule: value }),
  });
  const activation = selectControl({
    label: "Activation",
    testId: "activation",
    choices: activationChoices,
    value: state.activation,
    onChange: (value) => update({ activation: value }),
  });
  const reluSubgradient = selectControl({
    label: "relu′(0)",
    testId: "relu-subgradient",
    choices: reluSubgradientChoices,
    value: state.reluSubgradient,
    onChange: (value) => update({ reluSubgradient: value }),
  });
  const initializer = selectControl({
    label: "Initializer",
    testId: "initializer",
    choices: initializerChoices,
    value: state.initializer,
    onChange: (value) => update({ initializer: value }),
  });
  const regularizer = selectControl({
    label: "Regularization",
    testId: "regularizer",
    choices: regularizerChoices,
    value: state.regularizer,
    onChange: (value) => update({ regularizer: value }),
  });
  const rate = selectControl({
    label: "Regularization rate",
    testId: "regularization-rate",
    choices: rateChoices(state.regularizer),
    value: state.regularizationRate,
    onChange: (value) => update({ regularizationRate: value }),
  });
  const loss = selectControl({
    label: "Loss",
    testId: "loss",
    choices: lossChoices,
    value: effectiveLoss(state),
    onChange: (value) => update({ loss: value }),
  });
  const effectiveRate = element("output", { "data-testid": "effective-learning-rate", class: "small" });
  learningRate.root.append(effectiveRate);
  let shownRegularizer = state.regularizer;

  const root = element("div", { class: "settings" }, [
    optimizer.root,
    learningRate.root,
    schedule.root,
    activation.root,
    reluSubgradient.root,
    initializer.root,
    regularizer.root,
    rate.root,
    loss.root,
  ]);
  return {
    root,
    sync(next: AppState) {
      optimizer.set(next.optimizer);
      learningRate.set(next.learningRate);
      schedule.set(next.schedule);
      activation.set(next.activation);
      reluSubgradient.set(next.reluSubgradient);
      reluSubgradient.select.disabled = next.activation !== "relu";
      reluSubgradient.root.title =
        next.activation === "relu" ? "" : "Only relu has a kink at 0 whose subgradient you can choose here";
      initializer.set(next.initializer);
      regularizer.set(next.regularizer);
      if (next.regularizer !== shownRegularizer) {
        rate.setChoices(rateChoices(next.regularizer), next.regularizationRate);
        shownRegularizer = next.regularizer;
      } else {
        rate.set(next.regularizationRate);
      }
      rate.select.disabled = next.regularizer === "none";
      const regression = taskOf(next.dataset) === "regression";
      loss.set(effectiveLoss(next));
      loss.select.disabled = regression;
      loss.root.title = regression
        ? "Regression trains on the squared loss ½(y − ŷ)² of a linear output (as the TensorFlow Playground)"
        : "Cross-entropy of a sigmoid output, or the TensorFlow Playground's squared loss ½(t − tanh z)² with labels ±1";
    },
    showSnapshot(snapshot: Snapshot, next: AppState) {
      const effective = snapshot.learningRate;
      effectiveRate.textContent =
        next.schedule === "constant" || !Number.isFinite(effective) ? "" : `now ${effective.toPrecision(3)}`;
    },
  };
}

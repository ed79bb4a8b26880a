import { createDataPanel } from "../controls/data-panel.js";
import { button, checkboxControl, element } from "../controls/elements.js";
import { createFeaturesPanel } from "../controls/features-panel.js";
import { createNetworkControls } from "../controls/network-controls.js";
import { createSettingsPanel } from "../controls/settings-panel.js";
import { createToolbar } from "../controls/toolbar.js";
import { type AppState, trainCount } from "../state/app-state.js";
import { LOSSES, ratesFor } from "../state/choices.js";
import { normalizeState } from "../state/url-state.js";
import { drawBoundary } from "../views/boundary-view.js";
import { deadUnits, deadUnitsMessage } from "../views/dead-units.js";
import { maxAbs } from "../views/heatmap.js";
import { drawLossChart } from "../views/loss-chart.js";
import { drawNetwork, networkLayout } from "../views/network-view.js";
import { renderSlowStep } from "../views/slow-step-view.js";
import type { Command, PointsView, Snapshot, WorkerMessage } from "../worker/protocol.js";
import { commandsFor } from "./commands.js";
import { createLayout } from "./layout.js";
import { attachNetworkPointer } from "./network-pointer.js";
import { readUrlState, writeUrlState } from "./url.js";

/** A regularizer's starting rate when the current one does not apply to it (0 would do nothing). */
const DEFAULT_RATE = { none: 0, l1: 0.003, l2: 0.003, elasticNet: 0.003, dropout: 0.2 } as const;

/**
 * Starts the playground in `root`: reads the state from the URL, starts the training worker, builds
 * the controls, and redraws the views from each snapshot the worker posts.
 */
export function startApp(root: HTMLElement): void {
  const layout = createLayout(root);
  const parsed = readUrlState();
  let state = normalizeState(parsed.state, trainCount(parsed.state));
  let snapshot: Snapshot | null = null;
  let points: PointsView | null = null;
  let running = false;

  showNotices(layout.notices, parsed.notices);
  writeUrlState(state);

  const worker = new Worker(new URL("../worker/training-worker.ts", import.meta.url), { type: "module" });
  const send = (command: Command) => worker.postMessage(command);

  const update = (patch: Partial<AppState>) => {
    let next: AppState = { ...state, ...patch };
    if (patch.regularizer !== undefined && !ratesFor(next.regularizer).includes(next.regularizationRate)) {
      next = { ...next, regularizationRate: DEFAULT_RATE[next.regularizer] };
    }
    if (patch.regularizer !== undefined && state.regularizationRate === 0) {
      next = { ...next, regularizationRate: DEFAULT_RATE[next.regularizer] };
    }
    next = normalizeState(next, trainCount(next));
    const commands = commandsFor(state, next);
    state = next;
    writeUrlState(state);
    syncControls();
    if (commands.some((command) => command.type === "setDataset" || command.type === "setNetwork")) {
      layout.error.hidden = true;
      // A weight being edited may not exist in the new network.
      pointer.close();
    }
    for (const command of commands) send(command);
    // Show test data and discretize only change the picture.
    scheduleRender();
  };

  const toolbar = createToolbar(
    {
      play: () => {
        setRunning(true);
        send({ type: "play" });
      },
      pause: () => {
        setRunning(false);
        send({ type: "pause" });
      },
      step: () => send({ type: "step" }),
      slowStep: () => {
        setRunning(false);
        send({ type: "slowStep" });
      },
      reset: () => {
        setRunning(false);
        layout.error.hidden = true;
        send({ type: "reset" });
      },
      speed: (speed) => update({ speed }),
    },
    state.speed,
  );
  const settings = createSettingsPanel(state, update);
  const dataPanel = createDataPanel(state, update);
  const features = createFeaturesPanel(state, update);
  const networkControls = createNetworkControls(state, update);
  layout.toolbar.append(toolbar.root);
  layout.settings.append(settings.root);
  layout.data.append(dataPanel.root);
  layout.networkStage.append(networkControls.headers, layout.networkCanvas);
  layout.network.append(
    element("div", { class: "network-body" }, [
      features.root,
      element("div", { class: "network-main" }, [
        networkControls.layerRow,
        layout.networkStage,
        layout.deadUnits,
        element("p", { class: "small" }, [
          "Point at a neuron to see its output over the whole plane in the output picture; point at a link or at a neuron's small bias square to see its value, and click to edit it. Links: blue positive, orange negative weights, thicker for larger ones; ‖∇‖ is each layer's gradient norm at the last step; a red frame marks a dead neuron.",
        ]),
      ]),
    ]),
  );
  const showTest = checkboxControl({
    label: "Show test data",
    testId: "show-test",
    value: state.showTestData,
    onChange: (value) => update({ showTestData: value }),
  });
  const discretize = checkboxControl({
    label: "Discretize output",
    testId: "discretize",
    value: state.discretize,
    onChange: (value) => update({ discretize: value }),
  });
  layout.outputOptions.append(showTest.root, discretize.root);

  // Pointing at a neuron shows its output over the whole plane in the big picture (as the Playground);
  // pointing at a link or a bias shows its value, and a click edits it.
  let hovered: { column: number; neuron: number } | null = null;
  const pointer = attachNetworkPointer({
    canvas: layout.networkCanvas,
    stage: layout.networkStage,
    snapshot: () => snapshot,
    onNeuron: (hit) => {
      hovered = hit;
      drawOutput();
    },
    send,
  });

  function setRunning(value: boolean) {
    running = value;
    toolbar.setRunning(running);
  }

  function syncControls() {
    settings.sync(state);
    dataPanel.sync(state);
    features.sync(state);
    networkControls.sync(state, networkLayout([state.features.length, ...state.hiddenLayers, 1]));
    toolbar.setSpeed(state.speed);
    showTest.set(state.showTestData);
    discretize.set(state.discretize);
  }

  function drawOutput() {
    const column = hovered && snapshot?.columns[hovered.column];
    const values = column ? column.grids[hovered!.neuron] : undefined;
    const isOutput = hovered !== null && snapshot !== null && hovered.column === snapshot.columns.length - 1;
    const neuron =
      column && values && !isOutput
        ? { values, scale: maxAbs(values), label: column.labels[hovered!.neuron] ?? "" }
        : null;
    drawBoundary(layout.boundary, snapshot, points, {
      showTest: state.showTestData,
      discretize: state.discretize,
      neuron,
    });
  }

  function render() {
    drawOutput();
    drawLossChart(layout.lossChart, snapshot);
    renderSlowStep(layout.slowPanel, snapshot);
    if (!snapshot) return;
    drawNetwork(layout.networkCanvas, snapshot);
    toolbar.sync(snapshot);
    settings.showSnapshot(snapshot, state);
    layout.trainLoss.textContent = formatLoss(snapshot.trainLoss);
    layout.testLoss.textContent = formatLoss(snapshot.testLoss);
    layout.lossName.textContent = LOSSES[snapshot.loss];
    const dead = deadUnitsMessage(deadUnits(snapshot));
    layout.deadUnits.hidden = dead === null;
    layout.deadUnits.textContent = dead === null ? "" : `⚠ ${dead}`;
    pointer.refresh();
    // For tests and curious readers: the data version, step and frame that the page now shows.
    root.dataset.version = String(snapshot.version);
    root.dataset.step = String(snapshot.step);
    root.dataset.frame = String(snapshot.frame);
    root.dataset.running = String(snapshot.running);
  }

  // Snapshots can arrive faster than the screen refreshes: draw the latest once per frame.
  let frameRequested = false;
  const scheduleRender = () => {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      render();
    });
  };

  worker.addEventListener("message", (event: MessageEvent<WorkerMessage>) => {
    const message = event.data;
    if (message.type === "points") {
      points = message.points;
    } else if (message.type === "snapshot") {
      snapshot = message.snapshot;
      if (snapshot.running !== running) setRunning(snapshot.running);
    } else {
      setRunning(false);
      showError(layout.error, message.message, message.detail);
    }
    scheduleRender();
  });
  worker.addEventListener("error", (event) => {
    setRunning(false);
    showError(layout.error, `The training worker failed: ${event.message || "it could not start"}`);
  });
  worker.addEventListener("messageerror", () =>
    showError(layout.error, "A message from the training worker could not be read"),
  );

  syncControls();
  setRunning(false);
  render();
  send({ type: "configure", state });
}

function formatLoss(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : String(value);
}

function showNotices(container: HTMLElement, notices: readonly string[]): void {
  if (notices.length === 0) return;
  container.hidden = false;
  container.replaceChildren(
    element("strong", {}, ["Some settings in the URL were not valid and fell back to defaults:"]),
    element(
      "ul",
      {},
      notices.map((notice) => element("li", {}, [notice])),
    ),
    button({
      text: "Dismiss",
      testId: "dismiss-notice",
      className: "small-button",
      onClick: () => (container.hidden = true),
    }),
  );
}

function showError(container: HTMLElement, message: string, detail?: string): void {
  container.hidden = false;
  const children: (Node | string)[] = [element("strong", {}, ["Training stopped: "]), message];
  if (detail)
    children.push(
      element("details", {}, [element("summary", {}, ["details"]), element("pre", {}, [detail])]),
    );
  children.push(
    button({
      text: "Dismiss",
      testId: "dismiss-error",
      className: "small-button",
      onClick: () => (container.hidden = true),
    }),
  );
  container.replaceChildren(...children);
}

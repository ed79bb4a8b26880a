import type { Snapshot } from "../worker/protocol.js";
import { button, element, selectControl } from "./elements.js";
import { speedChoices } from "./labels.js";

/** What the toolbar's buttons do. */
export interface ToolbarActions {
  play(): void;
  pause(): void;
  step(): void;
  slowStep(): void;
  reset(): void;
  /** A new speed, in optimizer steps per frame while playing. */
  speed(stepsPerFrame: number): void;
}

/** Reset, play, pause, step and slow step, the speed, and the epoch counter. */
export function createToolbar(actions: ToolbarActions, speedValue: number) {
  const play = button({
    text: "▶ Play",
    label: "Play: train continuously",
    testId: "play",
    className: "primary",
    onClick: actions.play,
  });
  const pause = button({
    text: "❚❚ Pause",
    label: "Pause training",
    testId: "pause",
    onClick: actions.pause,
  });
  const step = button({
    text: "Step",
    label: "Train one step (one batch)",
    testId: "step",
    onClick: actions.step,
  });
  const slow = button({
    text: "Slow step",
    label: "One step, slowly: forward values, then gradients layer by layer, then the update",
    testId: "slow-step",
    onClick: actions.slowStep,
  });
  const reset = button({
    text: "⟲ Reset",
    label: "Reset the network to fresh weights",
    testId: "reset",
    onClick: actions.reset,
  });
  const speed = selectControl({
    label: "Speed",
    testId: "speed",
    choices: speedChoices,
    value: speedValue,
    onChange: actions.speed,
  });
  speed.root.classList.add("speed");
  const epoch = element("output", { "data-testid": "epoch", class: "counter", "aria-live": "off" }, ["0"]);
  const steps = element("output", { "data-testid": "step-count", class: "small" }, ["0"]);
  const root = element("div", { class: "toolbar-buttons" }, [
    reset,
    play,
    pause,
    step,
    slow,
    speed.root,
    element("div", { class: "readout epoch" }, [
      element("span", { class: "caption" }, ["Epoch"]),
      epoch,
      element("span", { class: "caption small" }, ["steps ", steps]),
    ]),
  ]);
  return {
    root,
    /** Shows whether training runs (from the latest snapshot or the command just sent). */
    setRunning(running: boolean) {
      play.disabled = running;
      pause.disabled = !running;
      root.classList.toggle("running", running);
    },
    /** Shows the speed of the state. */
    setSpeed(value: number) {
      speed.set(value);
    },
    sync(snapshot: Snapshot) {
      epoch.textContent = String(snapshot.epoch);
      steps.textContent = String(snapshot.step);
    },
  };
}

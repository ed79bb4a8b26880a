import { type AppState, DATA_KEYS, NETWORK_KEYS } from "../state/app-state.js";
import type { Command } from "../worker/protocol.js";

function differs(previous: AppState, next: AppState, key: keyof AppState): boolean {
  const a = previous[key];
  const b = next[key];
  return Array.isArray(a) && Array.isArray(b) ? a.join() !== b.join() : a !== b;
}

/**
 * The worker commands that take training from `previous` to `next`: new data or a new architecture
 * start over; optimizer, learning rate, schedule, batch size, regularization, loss and speed change on the
 * fly; the view settings (show test data, discretize) need none.
 *
 * @example
 * commandsFor(state, { ...state, optimizer: "adam" }) // [{ type: "setOptimizer", optimizer: "adam" }]
 */
export function commandsFor(previous: AppState, next: AppState): Command[] {
  if (DATA_KEYS.some((key) => differs(previous, next, key))) return [{ type: "setDataset", state: next }];
  if (NETWORK_KEYS.some((key) => differs(previous, next, key))) {
    // setNetwork rebuilds everything from `next`, live settings included.
    return [{ type: "setNetwork", state: next }];
  }
  const commands: Command[] = [];
  if (next.optimizer !== previous.optimizer)
    commands.push({ type: "setOptimizer", optimizer: next.optimizer });
  if (next.learningRate !== previous.learningRate) {
    commands.push({ type: "setLearningRate", learningRate: next.learningRate });
  }
  if (next.schedule !== previous.schedule) commands.push({ type: "setSchedule", schedule: next.schedule });
  if (next.batchSize !== previous.batchSize)
    commands.push({ type: "setBatchSize", batchSize: next.batchSize });
  if (next.regularizer !== previous.regularizer || next.regularizationRate !== previous.regularizationRate) {
    commands.push({
      type: "setRegularizer",
      regularizer: next.regularizer,
      regularizationRate: next.regularizationRate,
    });
  }
  if (next.loss !== previous.loss) commands.push({ type: "setLoss", loss: next.loss });
  if (next.speed !== previous.speed) commands.push({ type: "setSpeed", speed: next.speed });
  // showTestData and discretize (VIEW_KEYS) only change how the page draws: no command.
  return commands;
}

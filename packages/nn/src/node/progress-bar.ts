import cliProgress from "cli-progress";
import type { Callback, EpochLogs, TrainingContext } from "../training/types.js";

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** `false` turns the bar off. Default true. */
  readonly verbose?: boolean;
  /** Where to draw. Default `process.stdout`; nothing is drawn unless it is a TTY. */
  readonly stream?: NodeJS.WriteStream;
  /** Most redraws per second. Default 10. */
  readonly fps?: number;
}

function formatLogs(logs: EpochLogs): string {
  return Object.entries(logs)
    .filter(([name]) => name !== "epoch")
    .map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(4)}`)
    .join(", ");
}

/**
 * A terminal progress bar for `fit` (cli-progress): steps done of the whole run, the epoch, the running
 * loss and the time left, plus one line per finished epoch with its logs. Redraws at most `fps` times a
 * second, so it costs nothing measurable per step. Silent when the stream is not a TTY (CI, pipes) or
 * with `verbose: false`.
 *
 * @example
 * fit(model, params, train, { …, callbacks: [progressBar()] })
 */
export function progressBar(options: ProgressBarOptions = {}): Callback {
  const stream = options.stream ?? process.stdout;
  const enabled = (options.verbose ?? true) && stream.isTTY === true;
  const interval = 1000 / (options.fps ?? 10);
  let bar: cliProgress.SingleBar | null = null;
  let lastDraw = 0;
  const payload = (context: TrainingContext) => ({
    epoch: Math.min(context.epoch + 1, context.epochs),
    epochs: context.epochs,
    loss: Number.isFinite(context.lastLoss) ? context.lastLoss.toFixed(4) : "…",
  });
  return {
    name: "progressBar",
    onTrainBegin(context) {
      if (!enabled) return;
      bar = new cliProgress.SingleBar(
        {
          stream,
          fps: options.fps ?? 10,
          format:
            "epoch {epoch}/{epochs} {bar} {percentage}% | step {value}/{total} | loss {loss} | {duration_formatted} elapsed, {eta_formatted} left",
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(context.epochs * context.stepsPerEpoch, context.step, payload(context));
    },
    onStepEnd(context) {
      if (bar === null) return;
      const now = Date.now();
      if (now - lastDraw < interval) return;
      lastDraw = now;
      bar.update(context.step, payload(context));
    },
    onEpochEnd(context, logs) {
      if (bar === null) return;
      stream.write(`\r\x1b[2Kepoch ${logs.epoch + 1}/${context.epochs}: ${formatLogs(logs)}\n`);
      bar.update(context.step, payload(context));
      bar.render();
    },
    onTrainEnd(context) {
      if (bar === null) return;
      bar.update(context.step, payload(context));
      bar.stop();
      bar = null;
    },
  };
}

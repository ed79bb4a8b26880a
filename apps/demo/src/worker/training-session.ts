import type { AppState } from "../state/app-state.js";
import { pointsView } from "./data.js";
import type { Command, SlowStepView, WorkerMessage } from "./protocol.js";
import { takeSnapshot, transferablesOf } from "./snapshot.js";
import { type PendingStep, Trainer } from "./trainer.js";

/** How the session paces itself. */
export interface SessionTiming {
  /**
   * Length of a frame while playing: each frame does `speed` steps, then waits for the rest of its time
   * (none if the steps took longer), so commands such as `pause` get through between frames.
   */
  readonly frameMilliseconds: number;
  /** Minimum time between two snapshots while playing. */
  readonly snapshotMilliseconds: number;
  /** Pause between two phases of a slow step. */
  readonly slowPhaseMilliseconds: number;
}

export const DEFAULT_TIMING: SessionTiming = {
  frameMilliseconds: 1000 / 60,
  snapshotMilliseconds: 50,
  slowPhaseMilliseconds: 700,
};

type Post = (message: WorkerMessage, transfer?: Transferable[]) => void;

/**
 * The worker's brain: receives commands, owns the {@link Trainer}, plays frame by frame (`speed` steps a
 * frame, so commands such as `pause` or `setOptimizer` get through between frames), paces slow steps, and
 * posts snapshots and errors. Free of worker globals, so tests drive it in Node.
 */
export class TrainingSession {
  private trainer: Trainer | null = null;
  private running = false;
  private version = 0;
  private loopTimer: ReturnType<typeof setTimeout> | null = null;
  private frameStart = 0;
  private lastSnapshot = 0;
  private slow: {
    pending: PendingStep;
    view: SlowStepView;
    timer: ReturnType<typeof setTimeout> | null;
  } | null = null;
  /** The last finished slow step, shown until the next step. */
  private shownSlow: SlowStepView | null = null;

  constructor(
    private readonly post: Post,
    private readonly timing: SessionTiming = DEFAULT_TIMING,
  ) {}

  /** Runs one command; an error is posted (never thrown or swallowed) and training pauses. */
  handle(command: Command): void {
    try {
      this.dispatch(command);
    } catch (error) {
      this.fail(error);
    }
  }

  private dispatch(command: Command): void {
    if (command.type === "configure") {
      this.stop();
      this.cancelSlow();
      this.trainer = new Trainer(command.state);
      this.postPoints();
      this.postSnapshot();
      return;
    }
    const trainer = this.trainer;
    if (trainer === null)
      throw new Error(`"${command.type}" arrived before "configure": send the state first`);
    switch (command.type) {
      case "play":
        this.finishSlow();
        this.running = true;
        this.scheduleLoop();
        this.postSnapshot();
        return;
      case "pause":
        this.stop();
        this.postSnapshot();
        return;
      case "step":
        this.stop();
        this.finishSlow();
        this.shownSlow = null;
        trainer.trainStep();
        this.postSnapshot();
        return;
      case "reset":
        this.stop();
        this.cancelSlow();
        trainer.reset();
        this.postSnapshot();
        return;
      case "slowStep":
        this.stop();
        this.finishSlow();
        this.startSlow(trainer);
        return;
      case "setOptimizer":
        trainer.setOptimizer(command.optimizer);
        break;
      case "setLearningRate":
        trainer.setLearningRate(command.learningRate);
        break;
      case "setSchedule":
        trainer.setSchedule(command.schedule);
        break;
      case "setBatchSize":
        trainer.setBatchSize(command.batchSize);
        break;
      case "setRegularizer":
        trainer.setRegularizer(command.regularizer, command.regularizationRate);
        break;
      case "setLoss":
        trainer.setLoss(command.loss);
        break;
      case "setSpeed":
        trainer.setSpeed(command.speed);
        break;
      case "setWeight":
        this.finishSlow();
        trainer.setWeight(command);
        // Shown at once, even while playing: the edit is what the user is looking at.
        this.postSnapshot();
        return;
      case "setBias":
        this.finishSlow();
        trainer.setBias(command);
        this.postSnapshot();
        return;
      case "setDataset":
        this.cancelSlow();
        trainer.setDataset(command.state);
        this.postPoints();
        break;
      case "setNetwork":
        this.cancelSlow();
        trainer.setNetwork(command.state);
        break;
    }
    // Settings apply from the next step; while playing, the loop's next snapshot shows them.
    if (!this.running) this.postSnapshot();
  }

  /** The state the worker trains with now. */
  get settings(): AppState | null {
    return this.trainer?.settings ?? null;
  }

  private scheduleLoop(): void {
    if (this.loopTimer !== null) return;
    const wait = this.frameStart + this.timing.frameMilliseconds - performance.now();
    this.loopTimer = setTimeout(this.loop, Math.max(0, wait));
  }

  private readonly loop = (): void => {
    this.loopTimer = null;
    const trainer = this.trainer;
    if (!this.running || trainer === null) return;
    try {
      this.frameStart = performance.now();
      trainer.playFrame();
      this.shownSlow = null;
      if (performance.now() - this.lastSnapshot >= this.timing.snapshotMilliseconds) this.postSnapshot();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.scheduleLoop();
  };

  private stop(): void {
    this.running = false;
    if (this.loopTimer !== null) clearTimeout(this.loopTimer);
    this.loopTimer = null;
  }

  private startSlow(trainer: Trainer): void {
    const pending = trainer.computeStep(true);
    const view: SlowStepView = {
      phase: "forward",
      batchSize: pending.batch.features.shape[0]!,
      batchLoss: pending.batchLoss,
      forwardValues: pending.forwardValues ?? [],
      gradientNorms: pending.gradientNorms,
      revealedLayers: 0,
      updateNorms: null,
      lossAfter: null,
    };
    this.slow = { pending, view, timer: null };
    this.postSnapshot();
    this.scheduleSlowPhase();
  }

  private scheduleSlowPhase(): void {
    const slow = this.slow;
    if (slow === null) return;
    slow.timer = setTimeout(() => {
      try {
        this.advanceSlow();
      } catch (error) {
        this.fail(error);
      }
    }, this.timing.slowPhaseMilliseconds);
  }

  /** Forward → backward, one dense layer at a time from the output → update. */
  private advanceSlow(): void {
    const slow = this.slow;
    if (slow === null) return;
    const layers = slow.view.gradientNorms.length;
    if (slow.view.revealedLayers < layers) {
      slow.view = { ...slow.view, phase: "backward", revealedLayers: slow.view.revealedLayers + 1 };
      this.postSnapshot();
      this.scheduleSlowPhase();
      return;
    }
    this.applySlow(slow.pending, slow.view);
    this.postSnapshot();
  }

  private applySlow(pending: PendingStep, view: SlowStepView): void {
    const trainer = this.trainer!;
    trainer.applyStep(pending);
    const lossAfter = trainer.objectiveOn(pending.batch.features, pending.batch.targets);
    this.shownSlow = { ...view, phase: "update", updateNorms: pending.updateNorms, lossAfter };
    this.slow = null;
  }

  /** Completes a slow step in progress at once (its update applied), e.g. when play is pressed. */
  private finishSlow(): void {
    const slow = this.slow;
    if (slow === null) return;
    if (slow.timer !== null) clearTimeout(slow.timer);
    this.applySlow(slow.pending, slow.view);
  }

  /** Drops a slow step in progress without applying it (the network is being rebuilt). */
  private cancelSlow(): void {
    if (this.slow?.timer) clearTimeout(this.slow.timer);
    this.slow = null;
    this.shownSlow = null;
  }

  private postPoints(): void {
    this.version++;
    const points = pointsView(this.trainer!.prepared, this.version);
    this.post({ type: "points", points }, [
      points.train.inputs.buffer,
      points.train.targets.buffer,
      points.test.inputs.buffer,
      points.test.targets.buffer,
    ] as ArrayBuffer[]);
  }

  private postSnapshot(): void {
    const snapshot = takeSnapshot(this.trainer!, {
      version: this.version,
      running: this.running,
      slow: this.slow?.view ?? this.shownSlow,
    });
    this.lastSnapshot = performance.now();
    this.post({ type: "snapshot", snapshot }, transferablesOf(snapshot));
  }

  private fail(error: unknown): void {
    this.stop();
    this.cancelSlow();
    const message = error instanceof Error ? `${error.name}: ${error.message}` : `Error: ${String(error)}`;
    this.post({ type: "error", message, detail: error instanceof Error ? error.stack : undefined });
    // Show where training stopped (if the model can still be evaluated).
    try {
      if (this.trainer) this.postSnapshot();
    } catch {
      // The error above already says what went wrong; a second one would only repeat it.
    }
  }
}

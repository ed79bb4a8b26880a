import { createRandom, permutation } from "@descent/tensor";
import { gemmGflops, medianSecondsInTurns } from "../shared/measure.js";
import type { GemmMeasured, GemmTurn, PeerRun, PeersSettings, PeerTrainer } from "./types.js";

/**
 * A peer that is not there to measure (e.g. PyTorch not installed): its message is the row's cell as it
 * stands, where other failures are prefixed with what could not be done.
 */
export class PeerUnavailable extends Error {
  override readonly name = "PeerUnavailable";
}

/** A library to measure: how to make its trainer (which may fail, e.g. a backend that does not load). */
export interface Contender {
  readonly library: string;
  readonly backend: string;
  readonly label: string;
  readonly create: () => Promise<PeerTrainer>;
}

/** One library's result, or why it could not run (`run` null, `failure` the row's cell). */
export interface Outcome {
  readonly library: string;
  readonly backend: string;
  readonly label: string;
  readonly run: PeerRun | null;
  readonly failure?: string;
}

/** What {@link measureInTurns} runs: `count` rows per epoch, then the GEMM and per-op sizes (may be empty). */
export interface TurnPlan
  extends Pick<
    PeersSettings,
    | "epochs"
    | "warmUpEpochs"
    | "warmUpSeconds"
    | "repetitions"
    | "settleSeconds"
    | "gemmSizes"
    | "gemmMaxRuns"
    | "gemmBudgetSeconds"
    | "overheadShapes"
  > {
  /** Rows of the training set (each epoch's order is a permutation of them). */
  readonly count: number;
  /** What a failure's cell says could not be done, e.g. `not run` or `cannot train`. */
  readonly failurePrefix: string;
}

/** The most warm-up epochs `warmUpSeconds` may add (a library whose epochs take no time ends there). */
const MAX_WARM_UP_EPOCHS = 1000;

/** Waits `seconds` (nothing for 0): the pause before a timed epoch, see `PeersSettings.settleSeconds`. */
const settle = (seconds: number) =>
  seconds > 0 ? new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000)) : Promise.resolve();

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Measures the contenders in turns: every epoch of every repetition runs once per library, one after the other in
 * the same order (so a burst of outside load lands on all of them), with the epoch's order of rows shared and
 * a pause of `settleSeconds` before each timed epoch (the previous library's spinning threads go quiet);
 * then each runs its GEMM sizes, then its per-op overhead shapes, again in turns (a GEMM turn may be timed in
 * another process; a library that only answers its own median GFLOP/s measures it between the others' turns).
 * A contender that fails to start or to train its warm-up epochs is reported, not fatal.
 *
 * @example const outcomes = await measureInTurns(contenders, { ...settings, count, failurePrefix: "not run" }, seed, progress);
 */
export async function measureInTurns(
  contenders: readonly Contender[],
  plan: TurnPlan,
  seed: number,
  progress: (fraction: number, label: string) => void,
): Promise<Outcome[]> {
  const started: { contender: Contender; trainer: PeerTrainer | null; failure?: string }[] = [];
  const failureOf = (error: unknown) =>
    error instanceof PeerUnavailable ? error.message : `${plan.failurePrefix}: ${messageOf(error)}`;
  for (const contender of contenders) {
    let trainer: PeerTrainer | undefined;
    try {
      trainer = await contender.create();
      // Warm-up: the first epochs of the shared stream, untimed, then back to the initial weights.
      const shuffler = createRandom(seed).fork();
      const warmUpStarted = performance.now();
      const warming = (epoch: number) =>
        epoch < plan.warmUpEpochs ||
        (epoch < MAX_WARM_UP_EPOCHS && performance.now() - warmUpStarted < plan.warmUpSeconds * 1000);
      for (let epoch = 0; warming(epoch); epoch++) await trainer.epoch(permutation(shuffler, plan.count));
      await trainer.restart();
      started.push({ contender, trainer });
    } catch (error) {
      trainer?.dispose();
      started.push({ contender, trainer: null, failure: failureOf(error) });
    }
  }
  let running = started.filter((entry) => entry.trainer !== null);
  const epochSeconds = new Map(running.map((entry) => [entry, [] as number[]]));
  const accuracies = new Map(running.map((entry) => [entry, [] as number[]]));
  const gemm = new Map(running.map((entry) => [entry, [] as number[]]));
  const overhead = new Map(running.map((entry) => [entry, [] as number[]]));
  const steps =
    (plan.repetitions * plan.epochs + plan.gemmSizes.length + plan.overheadShapes.length) * running.length;
  let done = 0;
  const advance = (label: string) => progress(Math.min(1, ++done / Math.max(1, steps)), label);

  for (let repetition = 0; repetition < plan.repetitions; repetition++) {
    for (const entry of running) await entry.trainer!.restart();
    // The same stream as descent's own shuffling (root.fork() of createRandom(seed)).
    const shuffler = createRandom(seed).fork();
    for (let epoch = 0; epoch < plan.epochs; epoch++) {
      const order = permutation(shuffler, plan.count);
      for (const entry of running) {
        await settle(plan.settleSeconds);
        try {
          epochSeconds.get(entry)!.push(await entry.trainer!.epoch(order));
        } catch (error) {
          // Without warm-up epochs a library that cannot train fails here: reported like a failed start.
          entry.trainer!.dispose();
          entry.trainer = null;
          entry.failure = failureOf(error);
        }
        advance(entry.contender.label);
      }
      running = running.filter((entry) => entry.trainer !== null);
    }
    for (const entry of running) accuracies.get(entry)!.push(await entry.trainer!.testAccuracy());
  }
  for (const size of plan.gemmSizes) {
    const results: (GemmTurn | GemmMeasured)[] = [];
    for (const entry of running)
      results.push(await entry.trainer!.gemm(size, plan.gemmMaxRuns, plan.gemmBudgetSeconds));
    const turns = results.filter((result): result is GemmTurn => "take" in result);
    const seconds = await medianSecondsInTurns(turns, {
      maxRuns: plan.gemmMaxRuns,
      budgetSeconds: plan.gemmBudgetSeconds,
    });
    for (const turn of turns) turn.dispose();
    running.forEach((entry, index) => {
      const result = results[index]!;
      const gflops = "take" in result ? gemmGflops(size, seconds[turns.indexOf(result)]!) : result.gflops;
      gemm.get(entry)!.push(gflops);
      advance(`${entry.contender.label} GEMM ${size}`);
    });
  }
  for (const shape of plan.overheadShapes) {
    for (const entry of running) {
      overhead.get(entry)!.push(await entry.trainer!.addMicroseconds(shape));
      advance(`${entry.contender.label} add ${shape.join("x")}`);
    }
  }
  const largestShape = plan.overheadShapes.at(-1);
  const reused = new Map<(typeof running)[number], number>();
  if (largestShape !== undefined) {
    for (const entry of running) {
      const measure = entry.trainer!.addIntoReusedMicroseconds;
      if (measure !== undefined) reused.set(entry, await measure.call(entry.trainer, largestShape));
    }
  }
  for (const entry of running) entry.trainer!.dispose();

  return started.map((entry) => {
    const { library, backend, label } = entry.contender;
    if (entry.trainer === null) return { library, backend, label, run: null, failure: entry.failure };
    return {
      library,
      backend: entry.trainer.backend(),
      label,
      run: {
        backend: entry.trainer.backend(),
        samplesPerEpoch: entry.trainer.samplesPerEpoch,
        epochSeconds: epochSeconds.get(entry)!,
        testAccuracies: accuracies.get(entry)!,
        gemmGflops: gemm.get(entry)!,
        addMicroseconds: overhead.get(entry)!,
        addIntoReusedMicroseconds: reused.get(entry) ?? null,
      },
    };
  });
}

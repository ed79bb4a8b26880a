/**
 * The median of a list of numbers (mean of the two middle values for an even count).
 *
 * @example median([3, 1, 2]) // 2
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median: no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Options of {@link medianSeconds}. */
export interface RepeatOptions {
  /** Stop after this many timed runs (the warm-up included). */
  readonly maxRuns: number;
  /** Stop once the runs so far took this long, as soon as at least two runs exist. */
  readonly budgetSeconds: number;
}

/**
 * Wall-clock seconds of `run`, as the median of repeated runs after one warm-up run (the warm-up counts
 * only when nothing else fits in the budget: a 3-second tfjs-cpu GEMM is not worth repeating in quick mode).
 *
 * `seconds = median(t₂ … tₖ)` with k ≤ maxRuns, stopping once Σ t ≥ budgetSeconds.
 *
 * @example medianSeconds(() => matmul(a, b), { maxRuns: 7, budgetSeconds: 1 })
 */
export function medianSeconds(run: () => void, options: RepeatOptions): number {
  const times: number[] = [];
  while (!finished(times, options)) times.push(timed(run));
  return medianAfterWarmUp(times);
}

/** One contender of {@link medianSecondsInTurns}. */
export interface Turn {
  /** Untimed set-up before each of its turns (TensorFlow.js, say, activates its backend, which is global). */
  readonly prepare: () => Promise<void> | void;
  /**
   * Makes `calls` calls back to back and returns their wall-clock seconds; a library in another process
   * times them there (see {@link timedTurn} for one in this process).
   */
  readonly take: (calls: number) => Promise<number> | number;
}

/**
 * A {@link Turn} whose calls of `run` are timed in this process.
 *
 * `seconds(calls) = t_end − t_start` around `calls` back-to-back calls of `run`
 *
 * @example const turn = timedTurn(() => void matmul(a, b));
 */
export function timedTurn(run: () => void, prepare: () => Promise<void> | void = () => {}): Turn {
  return {
    prepare,
    take: (calls) =>
      timed(() => {
        for (let call = 0; call < calls; call++) run();
      }),
  };
}

/** Options of {@link medianSecondsInTurns}. */
export interface TurnOptions extends RepeatOptions {
  /**
   * The shortest turn in seconds (default 20 ms): a contender whose call is quicker makes that many calls
   * back to back in each turn (as many as its warm-up call says fit), so that a fast call is timed warm, not
   * after another library has just run.
   */
  readonly turnSeconds?: number;
}

/**
 * Wall-clock seconds per call of each contender's `run`, timed in turns (one turn of each, then the next
 * round), so that a burst of load from elsewhere on the machine lands on all of them instead of on whichever
 * ran then, and each median spans the whole measurement rather than a fraction of a second. A contender's
 * first turn is a single warm-up call, left out of its median, whose time sets how many calls its later
 * turns make (enough for `turnSeconds`). It leaves the turns under {@link medianSeconds}'s rules, counting
 * turns as runs: `maxRuns` turns, or two that took `budgetSeconds` together.
 *
 * `secondsᵢ = median(tᵢ,₂ / callsᵢ … tᵢ,ₖ / callsᵢ)` for contender i
 *
 * @example const [descent, tfjs] = await medianSecondsInTurns([descentTurn, tfjsTurn], { maxRuns: 25, budgetSeconds: 1.5 });
 */
export async function medianSecondsInTurns(turns: readonly Turn[], options: TurnOptions): Promise<number[]> {
  const turnSeconds = options.turnSeconds ?? 0.02;
  const contenders = turns.map((turn) => ({
    turn,
    calls: 1,
    seconds: [] as number[],
    perCall: [] as number[],
  }));
  for (;;) {
    const waiting = contenders.filter((contender) => !finished(contender.seconds, options));
    if (waiting.length === 0) return contenders.map((contender) => medianAfterWarmUp(contender.perCall));
    for (const contender of waiting) {
      const { turn, calls } = contender;
      await turn.prepare();
      const seconds = await turn.take(calls);
      if (contender.seconds.length === 0) {
        contender.calls = Math.min(1000, Math.max(1, Math.ceil(turnSeconds / seconds)));
      }
      contender.seconds.push(seconds);
      contender.perCall.push(seconds / calls);
    }
  }
}

function timed(run: () => void): number {
  const started = performance.now();
  run();
  return (performance.now() - started) / 1000;
}

/** Whether `times` is enough: `maxRuns` runs, or at least two that took `budgetSeconds` together. */
function finished(times: readonly number[], options: RepeatOptions): boolean {
  if (times.length >= Math.max(1, options.maxRuns)) return true;
  if (times.length < 2) return false;
  let total = 0;
  for (const time of times) total += time;
  return total >= options.budgetSeconds;
}

/** The median without the warm-up run (which counts only when it is the only run). */
function medianAfterWarmUp(times: readonly number[]): number {
  return times.length === 1 ? times[0]! : median(times.slice(1));
}

/** Options of {@link perCallSeconds}. */
export interface PerCallOptions {
  /** Seconds to spend on the timed batches (at least three batches run whatever the budget). */
  readonly budgetSeconds: number;
  /** The shortest batch in seconds (default 2 ms): far above the clock's resolution, however fast a call. */
  readonly batchSeconds?: number;
}

/**
 * Seconds per call of a fast `run`: calls are timed in batches, the batch size doubled (these untimed
 * doublings are the warm-up) until one batch takes `batchSeconds`; then the median over the timed batches.
 *
 * `seconds = median_b(t_b / calls)` over batches b of `calls` calls each, until Σ t_b ≥ budgetSeconds.
 *
 * @example perCallSeconds(() => add(a, b), { budgetSeconds: 0.25 }) // 1.2e-7
 */
export function perCallSeconds(run: () => void, options: PerCallOptions): number {
  const batchSeconds = options.batchSeconds ?? 0.002;
  const batch = (calls: number) => {
    const started = performance.now();
    for (let call = 0; call < calls; call++) run();
    return (performance.now() - started) / 1000;
  };
  let calls = 1;
  while (batch(calls) < batchSeconds && calls < 2 ** 24) calls *= 2;
  const perCall: number[] = [];
  for (let spent = 0; perCall.length < 3 || (spent < options.budgetSeconds && perCall.length < 1000); ) {
    const seconds = batch(calls);
    perCall.push(seconds / calls);
    spent += seconds;
  }
  return median(perCall);
}

/**
 * GFLOP/s of an n×n by n×n matrix product that took `seconds`: 2n³ floating-point operations.
 *
 * @example gemmGflops(1024, 0.05) // 42.9
 */
export function gemmGflops(size: number, seconds: number): number {
  return (2 * size ** 3) / seconds / 1e9;
}

/**
 * Rounds to `digits` significant digits (for findings; table cells keep full precision).
 *
 * @example significant(61234.56, 3) // 61200
 */
export function significant(value: number, digits = 3): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(digits));
}

/**
 * A number for a finding: thousands separated, `decimals` digits after the point.
 *
 * @example formatNumber(61234.4) // "61,234"
 */
export function formatNumber(value: number, decimals = 0): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

import type { Turn } from "../shared/measure.js";

/** Settings of the `peers` experiment. */
export interface PeersSettings {
  readonly trainCount: number;
  readonly testCount: number;
  readonly hiddenSize: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /**
   * Untimed full epochs each library trains (then starts again from the initial weights) before the timed
   * ones, so that every library is measured in its steady state (JIT and kernel tiers warm), not its start-up.
   */
  readonly warmUpEpochs: number;
  /**
   * Trainings per library, each `epochs` long from the same initial weights. Libraries take turns epoch by
   * epoch, so a burst of load from elsewhere on the machine hits all of them; speeds are medians of epochs.
   */
  readonly repetitions: number;
  /** Square GEMM sizes (the columns `gemm_<size>_gflops`). */
  readonly gemmSizes: readonly number[];
  /**
   * Most timed GEMMs per library and size, taken in turns with the other libraries; the median of all but
   * the first is reported. Many short runs spread over the turns keep one burst of load from elsewhere on the
   * machine from setting a library's median.
   */
  readonly gemmMaxRuns: number;
  /** Seconds after which a library's GEMM runs at one size stop (at least two runs whatever the budget). */
  readonly gemmBudgetSeconds: number;
  /** Full Fashion-MNIST epochs descent trains for the epoch-time target (0: not measured). */
  readonly fashionEpochs: number;
  /** Shapes of the per-op overhead runs: an element-wise add of two such tensors, its result read back. */
  readonly overheadShapes: readonly (readonly number[])[];
  /** Seconds of timed batches per library and shape (see `perCallSeconds`). */
  readonly overheadBudgetSeconds: number;
}

/** The initial parameters every library starts from (descent's Glorot-uniform draw, zero biases). */
export interface InitialWeights {
  readonly hiddenSize: number;
  readonly classes: number;
  /** `[inputs, hiddenSize]` row-major. */
  readonly hiddenWeights: Float32Array;
  readonly hiddenBias: Float32Array;
  /** `[hiddenSize, classes]` row-major. */
  readonly outputWeights: Float32Array;
  readonly outputBias: Float32Array;
}

/** What one library measured. */
export interface PeerRun {
  /** The kernels / backend that ran (e.g. `wasm-simd, 2 threads` or `wasm`). */
  readonly backend: string;
  /** Seconds of every timed epoch, in the order they ran (all repetitions). */
  readonly epochSeconds: readonly number[];
  /** Test accuracy at the end of each training (one per repetition). */
  readonly testAccuracies: readonly number[];
  /** GFLOP/s per `gemmSizes` entry. */
  readonly gemmGflops: readonly number[];
  /** Microseconds per element-wise add with its result read back, per `overheadShapes` entry (median). */
  readonly addMicroseconds: readonly number[];
}

/**
 * One library under test, driven epoch by epoch so that the libraries can take turns. Only `epoch`, the
 * GEMM runs and the per-op runs are timed; `restart` and `testAccuracy` happen between timed sections.
 */
export interface PeerTrainer {
  /** The kernels / backend that runs. */
  backend(): string;
  /** Resets the weights to the shared initial ones (a new training). */
  restart(): Promise<void>;
  /** Trains one epoch over the rows in `order` (mini-batches of `batchSize` in that order); returns seconds. */
  epoch(order: Int32Array): Promise<number>;
  /** Accuracy of the current weights on the test set. */
  testAccuracy(): Promise<number>;
  /** Square `size` × `size` operands made (untimed) and a product of them to time, taking turns with the others. */
  gemm(size: number): Promise<GemmTurn>;
  /**
   * Median microseconds of `a + b` on two float32 tensors of `shape` made beforehand, the result read back
   * into JavaScript (and freed, where the library asks for that): the cost of one small op.
   */
  addMicroseconds(shape: readonly number[]): Promise<number>;
  /** Frees what the library holds. */
  dispose(): void;
}

/**
 * One library's square GEMM, timed in turns with the other libraries' (see `medianSecondsInTurns`): `run` is
 * one product of the two operands with its result read back into JavaScript.
 */
export interface GemmTurn extends Turn {
  /** Frees the operands (where the library asks for that). */
  dispose(): void;
}

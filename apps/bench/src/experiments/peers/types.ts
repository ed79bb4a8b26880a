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
   * Least seconds of warm-up per library (more epochs past `warmUpEpochs` until it is reached). Epoch counts
   * alone warm libraries unequally: V8 optimises descent's per-step JavaScript only after ~1,000–1,500 steps
   * (its MLP ran 26,000–57,000 samples/s in epochs 1–11 of 125 steps in the peer process, 73,000–92,000 from
   * epoch 12 on), about 2 s here, where one tfjs-cpu epoch takes 5 s.
   */
  readonly warmUpSeconds: number;
  /**
   * Trainings per library, each `epochs` long from the same initial weights. Libraries take turns epoch by
   * epoch, so a burst of load from elsewhere on the machine hits all of them; speeds are medians of epochs.
   */
  readonly repetitions: number;
  /**
   * Seconds of pause before each timed epoch, so that the threads a library leaves spinning after its turn
   * (OpenBLAS's workers under PyTorch keep spinning ~0.1 s) are not running during the next library's epoch.
   */
  readonly settleSeconds: number;
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
  /** The CNN workload (its own, much smaller, row counts). */
  readonly cnn: CnnSettings;
  /** Shapes of the per-op overhead runs: an element-wise add of two such tensors, its result read back. */
  readonly overheadShapes: readonly (readonly number[])[];
  /** Seconds of timed batches per library and shape (see `perCallSeconds`). */
  readonly overheadBudgetSeconds: number;
}

/**
 * The CNN workload's settings: it trains far fewer rows than the MLP (its steps cost ~100× more), and
 * the slowest peer (TensorFlow.js's pure-JavaScript `cpu` backend, about one sample per second) only the first
 * `slowPeerCount` rows of each epoch's order, so that a run ends in minutes; samples/s stays comparable (each
 * row divides by its own count).
 */
export interface CnnSettings {
  readonly trainCount: number;
  readonly testCount: number;
  /** Rows of each epoch a slow peer (tfjs-cpu) trains, and test digits it is tested on. */
  readonly slowPeerCount: number;
  readonly epochs: number;
  readonly warmUpEpochs: number;
  readonly warmUpSeconds: number;
  readonly batchSize: number;
  readonly learningRate: number;
}

/** One parameterised layer's initial values, in descent's layouts (row-major). */
export interface LayerWeights {
  /** `dense`: weights `[in, out]`; `conv`: weights `[kh, kw, in, out]` (TensorFlow's layout too). */
  readonly kind: "dense" | "conv";
  readonly weights: Float32Array;
  readonly weightShape: readonly number[];
  readonly bias: Float32Array;
  /**
   * For the dense layer right after a flatten of an NHWC map: the map's `[height, width, channels]`, the
   * order its rows follow (a library that flattens NCHW permutes them).
   */
  readonly flattenHwc?: readonly [number, number, number];
}

/** The initial parameters every library starts from (descent's draw), layer by layer in model order. */
export interface InitialWeights {
  readonly layers: readonly LayerWeights[];
}

/**
 * A model the libraries train: `mlp` (784-128-10, SGD) or `cnn` (conv·32, pool, conv·64, pool, dense 128,
 * dense 10, Adam), on inputs of `inputShape` per sample, softmax cross-entropy from logits.
 */
export interface PeerWorkload {
  readonly id: "mlp" | "cnn";
  /** For tables and findings, e.g. `784-128-10 MLP`. */
  readonly name: string;
  /** One sample's shape: `[784]` or `[28, 28, 1]` (NHWC). */
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly batchSize: number;
  readonly optimizer: { readonly name: "sgd" | "adam"; readonly learningRate: number };
}

/** What one library measured. */
export interface PeerRun {
  /** The kernels / backend that ran (e.g. `wasm-simd, 2 threads` or `wasm`). */
  readonly backend: string;
  /** Rows trained per epoch (all of the epoch's order, or a slow peer's first rows). */
  readonly samplesPerEpoch: number;
  /** Seconds of every timed epoch, in the order they ran (all repetitions). */
  readonly epochSeconds: readonly number[];
  /** Test accuracy at the end of each training (one per repetition). */
  readonly testAccuracies: readonly number[];
  /** GFLOP/s per `gemmSizes` entry. */
  readonly gemmGflops: readonly number[];
  /** Microseconds per element-wise add with its result read back, per `overheadShapes` entry (median). */
  readonly addMicroseconds: readonly number[];
  /**
   * Microseconds per add at the largest `overheadShapes` entry written into one array reused across calls
   * (median); null for a library without such an option.
   */
  readonly addIntoReusedMicroseconds: number | null;
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
  /**
   * Square `size` × `size` operands made (untimed) and a product of them to time, taking turns with the others;
   * or, for a library in another process that cannot take in-process turns, its own median GFLOP/s.
   */
  gemm(size: number, runs: number, budgetSeconds: number): Promise<GemmTurn | GemmMeasured>;
  /**
   * Median microseconds of `a + b` on two float32 tensors of `shape` made beforehand, the result read back
   * into JavaScript (and freed, where the library asks for that): the cost of one small op.
   */
  addMicroseconds(shape: readonly number[]): Promise<number>;
  /**
   * Median microseconds of the same add written into one result array reused across calls (no new array per
   * call); only for a library that has such an option.
   */
  addIntoReusedMicroseconds?(shape: readonly number[]): Promise<number>;
  /** Rows it trains of each epoch's order. */
  readonly samplesPerEpoch: number;
  /** Frees what the library holds (a child process ends). */
  dispose(): void;
}

/**
 * One library's square GEMM, timed in turns with the other libraries' (see `medianSecondsInTurns`): `take` times
 * one product of the two operands with its result read back into JavaScript.
 */
export interface GemmTurn extends Turn {
  /** Frees the operands (where the library asks for that). */
  dispose(): void;
}

/** A GEMM speed a library in another process measured by itself (median of its runs). */
export interface GemmMeasured {
  readonly gflops: number;
}

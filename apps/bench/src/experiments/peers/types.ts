/** Settings of the `peers` experiment. */
export interface PeersSettings {
  readonly trainCount: number;
  readonly testCount: number;
  readonly hiddenSize: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Samples of the one-epoch warm-up each library trains on before the timed runs. */
  readonly warmUpSamples: number;
  /** Timed trainings per library (the table shows the median speed). */
  readonly repetitions: number;
  /** Square GEMM sizes (the columns `gemm_<size>_gflops`). */
  readonly gemmSizes: readonly number[];
  readonly gemmMaxRuns: number;
  readonly gemmBudgetSeconds: number;
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
  /** One entry per timed training: total training seconds and test accuracy. */
  readonly runs: readonly { readonly seconds: number; readonly testAccuracy: number }[];
  /** GFLOP/s per `gemmSizes` entry. */
  readonly gemmGflops: readonly number[];
}

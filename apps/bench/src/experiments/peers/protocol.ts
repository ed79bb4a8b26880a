import type { InitialWeights, PeersSettings, PeerWorkload } from "./types.js";

/** A JavaScript library `peers` runs in a Node process of its own. */
export type IsolatedLibrary = "descent" | "tfjs-wasm" | "tfjs-cpu";

/** A dataset as plain arrays, the form it crosses into another process in (structured clone). */
export interface PlainDataset {
  readonly name: string;
  readonly inputs: Float32Array;
  readonly inputShape: readonly number[];
  readonly targets: Float32Array | Int32Array;
  readonly targetShape: readonly number[];
  readonly classes?: number;
}

/** Everything the child process needs to build its trainer: the same inputs an in-process trainer takes. */
export interface IsolatedSpec {
  readonly library: IsolatedLibrary;
  readonly workload: PeerWorkload;
  readonly train: PlainDataset;
  readonly test: PlainDataset;
  readonly weights: InitialWeights;
  readonly settings: PeersSettings;
  readonly seed: number;
  /** Rows of each epoch's order it trains (a slow peer trains fewer). */
  readonly samplesPerEpoch: number;
  /** For descent: the kernels the parent runs (e.g. `wasm-relaxed-simd`); the child must run the same. */
  readonly kernels?: string;
}

/** What the parent asks of the child (see child.ts for what each one does). */
export type RequestBody =
  | { readonly op: "start"; readonly spec: IsolatedSpec }
  | { readonly op: "restart" | "accuracy" | "gemm-prepare" | "gemm-dispose" }
  | { readonly op: "epoch"; readonly order: Int32Array }
  | { readonly op: "gemm"; readonly size: number; readonly runs: number; readonly budgetSeconds: number }
  | { readonly op: "gemm-take"; readonly calls: number }
  | { readonly op: "add" | "add-reused"; readonly shape: readonly number[] };

/** A {@link RequestBody} on the wire, answered by one {@link Reply} with the same `id`. */
export type Request = RequestBody & { readonly id: number };

/** The answer to the {@link Request} with the same `id`: its result, or the message of what it threw. */
export type Reply =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: string };

/** What `start` answers. */
export interface Started {
  readonly backend: string;
  readonly samplesPerEpoch: number;
  readonly reusedAdd: boolean;
}

import type { Worker as NodeWorker } from "node:worker_threads";
import { browserWorkerSource, nodeWorkerSource } from "./worker-source.js";

type NodeWorkerThreads = typeof import("node:worker_threads");

interface PoolWorker {
  /** Resolves when the worker has instantiated the kernels and entered its loop (or failed). */
  readonly ready: Promise<void>;
  terminate(): void;
}

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === "string";
}

function builtinModule<T>(name: string): T | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  return process?.getBuiltinModule?.(name) as T | undefined;
}

let nodeWorkerThreads: NodeWorkerThreads | undefined;

/**
 * Loads `node:worker_threads` when this is Node: synchronously through `process.getBuiltinModule` (Node ≥
 * 20.16), else by a dynamic import. Until it resolves, kernels run on the calling thread only — results are
 * the same either way, only the speed differs.
 */
export async function loadWorkerSupport(): Promise<void> {
  if (!isNode() || nodeWorkerThreads !== undefined) return;
  nodeWorkerThreads = builtinModule<NodeWorkerThreads>("node:worker_threads");
  if (nodeWorkerThreads === undefined) {
    const specifier = "node:worker_threads";
    nodeWorkerThreads = (await import(/* @vite-ignore */ specifier)) as NodeWorkerThreads;
  }
}

/** Whether worker threads can be started now (Node, or a cross-origin-isolated browser). */
export function workersAvailable(): boolean {
  if (isNode()) {
    nodeWorkerThreads ??= builtinModule<NodeWorkerThreads>("node:worker_threads");
    if (nodeWorkerThreads === undefined) void loadWorkerSupport().catch(() => undefined);
    return nodeWorkerThreads !== undefined;
  }
  return (
    typeof Worker === "function" &&
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
  );
}

/** Logical cores available to this process (Node's os.availableParallelism, else hardwareConcurrency). */
export function availableCores(): number {
  if (isNode()) {
    const os = builtinModule<typeof import("node:os")>("node:os");
    if (os !== undefined) return os.availableParallelism?.() ?? os.cpus().length;
    return 1;
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

function startNodeWorker(
  threads: NodeWorkerThreads,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  index: number,
  onFailure: (error: unknown) => void,
): PoolWorker {
  const worker: NodeWorker = new threads.Worker(nodeWorkerSource, {
    eval: true,
    workerData: { module, memory, index },
  });
  // Referenced until ready (so `await initKernels()` keeps a script alive), then unref'd: an idle worker never
  // keeps the process running.
  const ready = new Promise<void>((resolve) => {
    worker.once("message", () => {
      worker.unref();
      resolve();
    });
    worker.once("error", (error) => {
      worker.unref();
      onFailure(error);
      resolve();
    });
    worker.once("exit", () => resolve());
  });
  return { ready, terminate: () => void worker.terminate() };
}

function startBrowserWorker(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  index: number,
  onFailure: (error: unknown) => void,
): PoolWorker {
  const url = URL.createObjectURL(new Blob([browserWorkerSource], { type: "text/javascript" }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const ready = new Promise<void>((resolve) => {
    worker.onmessage = () => resolve();
    worker.onerror = (event) => {
      onFailure(event);
      resolve();
    };
  });
  worker.postMessage({ module, memory, index });
  return { ready, terminate: () => worker.terminate() };
}

/** Worker threads that share one kernel memory; worker `index` runs the kernels as thread `index` (1, 2, …). */
export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private failure: unknown;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
  ) {}

  /** Whether a worker failed to start or crashed (the engine then stays on one thread). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Starts workers until there are `count` (threads 1 … count); returns whether workers can run here. */
  grow(count: number): boolean {
    if (this.failed || !workersAvailable()) return false;
    const onFailure = (error: unknown) => {
      this.failure = error ?? new Error("worker failed");
    };
    while (this.workers.length < count) {
      const index = this.workers.length + 1;
      this.workers.push(
        nodeWorkerThreads !== undefined
          ? startNodeWorker(nodeWorkerThreads, this.module, this.memory, index, onFailure)
          : startBrowserWorker(this.module, this.memory, index, onFailure),
      );
    }
    return true;
  }

  /** Resolves when the first `count` workers are running. */
  async ready(count: number): Promise<void> {
    await Promise.all(this.workers.slice(0, count).map((worker) => worker.ready));
  }

  /** Stops every worker. */
  terminate(): void {
    for (const worker of this.workers.splice(0)) worker.terminate();
  }
}

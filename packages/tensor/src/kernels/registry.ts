import { describeValue } from "../core/describe.js";
import { ValueError } from "../core/errors.js";
import { jsKernels } from "./js-kernels.js";
import type { Kernels } from "./kernels.js";
import { WasmEngine } from "./wasm/engine.js";
import { type WasmVariant, wasmSupport } from "./wasm/support.js";
import { compileWasmKernels, compileWasmKernelsAsync, type WasmKernels } from "./wasm/wasm-kernels.js";
import { availableCores, loadWorkerSupport } from "./wasm/worker-pool.js";

/** Built-in kernel sets, fastest last: pure JavaScript, WebAssembly SIMD128, WebAssembly relaxed SIMD. */
export type KernelName = "js" | WasmVariant;

/** What runs the math now. */
export interface KernelInfo {
  /** The active kernels' name: `"js"`, `"wasm-simd"`, `"wasm-relaxed-simd"`, or a custom set's name. */
  readonly name: string;
  /** Threads a large float32 GEMM uses (the calling thread included); 1 for JavaScript kernels. */
  readonly threads: number;
  /** Whether the active kernels use relaxed SIMD (fused multiply-add, one rounding per step). */
  readonly relaxedSimd: boolean;
  /** Built-in kernels this runtime supports, slowest first. */
  readonly available: readonly KernelName[];
}

/** Options of {@link initKernels}. */
export interface InitKernelsOptions {
  /** Kernels to use; default: the fastest available (or the `DESCENT_KERNELS` environment variable). */
  readonly kernels?: KernelName;
  /** Threads for large GEMMs; default: `DESCENT_THREADS`, else min(2, cores). */
  readonly threads?: number;
}

/** The active kernels, with their WebAssembly engine when they have one (for threads and memory figures). */
let active: { readonly kernels: Kernels; readonly engine: WasmEngine | undefined } | undefined;
let threadCount: number | undefined;
/**
 * Cache: the built-in WebAssembly kernels compiled so far, so switching back to a variant reuses its module,
 * memory and workers instead of compiling again. Holds only the active variant after each switch.
 */
const compiled = new Map<WasmVariant, WasmKernels>();

function environment(name: string): string | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[
    name
  ];
  return value === undefined || value === "" ? undefined : value;
}

function defaultThreadCount(): number {
  const fromEnvironment = environment("DESCENT_THREADS");
  if (fromEnvironment !== undefined) return validThreadCount("DESCENT_THREADS", Number(fromEnvironment));
  return Math.max(1, Math.min(2, availableCores()));
}

function validThreadCount(op: string, count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw new ValueError(op, `thread count must be an integer from 1 to 64, got ${describeValue(count)}`);
  }
  return count;
}

function threads(): number {
  threadCount ??= defaultThreadCount();
  return threadCount;
}

/** The built-in kernels this runtime supports, slowest first. */
export function availableKernels(): KernelName[] {
  const support = wasmSupport();
  const names: KernelName[] = ["js"];
  if (support.simd) names.push("wasm-simd");
  if (support.relaxedSimd) names.push("wasm-relaxed-simd");
  return names;
}

function checkedName(op: string, name: string): KernelName {
  const available = availableKernels();
  if ((available as string[]).includes(name)) return name as KernelName;
  const known = ["js", "wasm-simd", "wasm-relaxed-simd"];
  const fix = known.includes(name)
    ? name === "wasm-relaxed-simd"
      ? "this runtime lacks relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd); use 'wasm-simd'"
      : "this runtime lacks WebAssembly SIMD; use 'js'"
    : `expected one of ${known.map((known) => `'${known}'`).join(", ")}`;
  throw new ValueError(
    op,
    `kernels ${typeof name === "string" ? `'${name}'` : describeValue(name)} unavailable: ${fix}`,
  );
}

function preferredName(op: string): KernelName {
  const forced = environment("DESCENT_KERNELS");
  if (forced !== undefined) return checkedName(`${op} (DESCENT_KERNELS)`, forced);
  const available = availableKernels();
  return available[available.length - 1]!;
}

/** The engine a WebAssembly kernel set carries (read from the object itself, never looked up). */
function engineCarriedBy(kernels: Kernels): WasmEngine | undefined {
  const engine = (kernels as Partial<WasmKernels>).engine;
  return engine instanceof WasmEngine ? engine : undefined;
}

function activate(kernels: Kernels): Kernels {
  const engine = engineCarriedBy(kernels);
  for (const [variant, wasm] of compiled) {
    if (wasm.engine !== engine) {
      wasm.engine.terminate();
      compiled.delete(variant);
    }
  }
  if (engine !== undefined) engine.threads = threads();
  active = { kernels, engine };
  return kernels;
}

function compileSync(name: KernelName): Kernels {
  if (name === "js") return jsKernels;
  let kernels = compiled.get(name);
  if (kernels === undefined) {
    kernels = compileWasmKernels(name);
    compiled.set(name, kernels);
  }
  return kernels;
}

function selectDefault(): Kernels {
  const name = preferredName("getKernels");
  try {
    return activate(compileSync(name));
  } catch {
    // A browser main thread may refuse synchronous compilation: run JavaScript until `initKernels` resolves.
    return activate(jsKernels);
  }
}

/** The kernels every op uses now; on first call, the fastest this runtime supports (see {@link useKernels}). */
export function getKernels(): Kernels {
  return active?.kernels ?? selectDefault();
}

/** The engine of the active kernels (starting the default ones on first use), if they have one. */
function activeEngine(): WasmEngine | undefined {
  getKernels();
  return active?.engine;
}

/** The function members every `Kernels` object has. */
const requiredMembers = [
  "gemm",
  "denseForward",
  "binary",
  "unary",
  "scaledAdd",
  "zero",
  "adamUpdate",
  "reluBackward",
  "imageToColumns",
  "columnsToImage",
  "convolutionForward",
  "convolutionWeightsGradient",
  "convolutionInputGradient",
  "maxPoolForward",
  "maxPoolBackward",
  "averagePoolForward",
  "averagePoolBackward",
] as const;

/**
 * Replaces the active kernels (e.g. with a custom backend). Results stay equal within float32 rounding
 * whichever kernels run.
 *
 * @example setKernels(jsKernels) // force the pure-JavaScript reference kernels
 */
export function setKernels(kernels: Kernels): void {
  const missing = requiredMembers.filter(
    (member) => typeof (kernels as unknown as Record<string, unknown> | null)?.[member] !== "function",
  );
  if (missing.length > 0) {
    throw new ValueError(
      "setKernels",
      `expected an object implementing the Kernels interface; missing ${missing.join(", ")}: spread jsKernels ({ ...jsKernels, name, gemm }) to start from the reference`,
    );
  }
  activate(kernels);
}

/**
 * Switches to built-in kernels by name, compiling them synchronously; throws a `ValueError` naming the fix
 * when this runtime cannot run them. In a browser's main thread prefer `await initKernels({ kernels })`.
 *
 * @example useKernels("wasm-simd") // plain SIMD128 even where relaxed SIMD is available
 */
export function useKernels(name: KernelName): Kernels {
  return activate(compileSync(checkedName("useKernels", name)));
}

/**
 * Compiles (asynchronously) and activates the chosen or fastest kernels, starts their worker threads and
 * resolves when everything runs. Optional in Node (kernels also start lazily); call it once in browsers.
 *
 * @example const info = await initKernels(); // { name: "wasm-relaxed-simd", threads: 2, ... }
 */
export async function initKernels(options: InitKernelsOptions = {}): Promise<KernelInfo> {
  if (options.threads !== undefined) threadCount = validThreadCount("initKernels", options.threads);
  const name =
    options.kernels === undefined
      ? preferredName("initKernels")
      : checkedName("initKernels", options.kernels);
  await loadWorkerSupport();
  if (name !== "js" && !compiled.has(name)) compiled.set(name, await compileWasmKernelsAsync(name));
  activate(name === "js" ? jsKernels : compiled.get(name)!);
  await active?.engine?.startWorkers();
  return kernelInfo();
}

/**
 * Sets how many threads large float32 GEMMs use (calling thread included). Results are bit-identical for
 * every count; only the speed changes. Default min(2, cores), or the `DESCENT_THREADS` environment variable.
 *
 * @example setThreadCount(1) // keep all work on the calling thread
 */
export function setThreadCount(count: number): void {
  threadCount = validThreadCount("setThreadCount", count);
  // Only the active kernels' engine is alive (activate drops the others); later ones start with threadCount.
  if (active?.engine !== undefined) active.engine.threads = threadCount;
}

/**
 * Describes the active kernels: name, threads, whether relaxed SIMD runs, and what else is available.
 *
 * @example kernelInfo() // { name: "wasm-simd", threads: 2, relaxedSimd: false, available: ["js", "wasm-simd"] }
 */
export function kernelInfo(): KernelInfo {
  const kernels = getKernels();
  const engine = activeEngine();
  return {
    name: kernels.name,
    threads: engine?.effectiveThreads ?? 1,
    relaxedSimd: engine?.variant === "wasm-relaxed-simd",
    available: availableKernels(),
  };
}

/**
 * Bytes of WebAssembly memory the active kernels hold (0 for kernels without one, such as `"js"`).
 *
 * WebAssembly memory never shrinks, so this is the high-water mark of the kernels' working memory: resident
 * arrays plus the largest GEMM's scratch. Freed resident space is reused for any size that fits, so it stays
 * bounded by the largest working set alive at once, however many differently sized fits ran before.
 *
 * @example
 * ```ts
 * const before = kernelMemoryBytes();
 * matmul(a, b);
 * kernelMemoryBytes() >= before; // true: it only grows, and only when a product needs more
 * ```
 */
export function kernelMemoryBytes(): number {
  return activeEngine()?.memoryBytes ?? 0;
}

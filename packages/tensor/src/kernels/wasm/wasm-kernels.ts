import { assertFloatArray, assertGemmArguments } from "../arguments.js";
import { binaryFloat32Rows } from "../binary-float32.js";
import { applyDenseEpilogue } from "../dense-forward.js";
import { binaryByLoops, reluBackwardByLoop, scaledAddByLoop, unaryByLoop } from "../js-elementwise.js";
import { jsKernels } from "../js-kernels.js";
import type { Kernels, RowOperand } from "../kernels.js";
import { reluBackwardTinyWasm } from "../relu-gradient.js";
import { scaledAddTinyWasm } from "../scaled-add.js";
import { unaryFloat32 } from "../unary-float32.js";
import { WasmEngine } from "./engine.js";
import { ACTIVATION_NONE, ACTIVATION_RELU } from "./generated/layout.js";
import { moduleBytes, type WasmVariant, wasmSupport } from "./support.js";

/**
 * Below this many multiply-adds (m·n·k) the JavaScript kernel runs instead: copying into wasm memory and
 * packing cost ~0.3 µs, more than a tiny product (measured crossover ≈ 8³). Depends on sizes only.
 */
export const WASM_MINIMUM_WORK = 512;
/** Products with fewer than 4 columns (padded to 16 in wasm) use wasm only from this many multiply-adds. */
export const NARROW_WASM_MINIMUM_WORK = 32768;

/** Whether a float32 product of these sizes runs in wasm (a pure function of the sizes, never of timing). */
export function worthWasm(m: number, n: number, k: number): boolean {
  const work = m * n * k;
  return k > 0 && work >= WASM_MINIMUM_WORK && (n >= 4 || work >= NARROW_WASM_MINIMUM_WORK);
}

/** Kernels backed by a WebAssembly engine; the engine is exposed for thread control and tests. */
export interface WasmKernels extends Required<Kernels> {
  readonly name: WasmVariant;
  readonly engine: WasmEngine;
}

function isFloat32(array: Float32Array | Float64Array): array is Float32Array {
  return array.BYTES_PER_ELEMENT === 4;
}

function isFloat32Operand(operand: RowOperand): operand is RowOperand & { readonly data: Float32Array } {
  return isFloat32(operand.data);
}

/**
 * Wraps an engine as `Kernels`: float32 GEMMs (and fused dense layers) run in wasm; float64, empty, tiny and
 * small narrow ones in JavaScript.
 */
export function wasmKernels(engine: WasmEngine): WasmKernels {
  const kernels: WasmKernels = {
    name: engine.variant,
    engine,
    gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c) {
      assertGemmArguments("gemm", m, n, k, alpha, a, b, beta, c);
      if (m === 0 || n === 0) return;
      if (
        worthWasm(m, n, k) &&
        isFloat32(a) &&
        isFloat32(b) &&
        isFloat32(c) &&
        engine.gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c)
      ) {
        return;
      }
      jsKernels.gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
    },
    residentFloat32: (length) => engine.residentFloat32(length),
    releaseResident: (array) => engine.releaseResident(array),
    denseForward(transposeA, transposeB, m, n, k, a, b, bias, activation, c) {
      assertGemmArguments("denseForward", m, n, k, 1, a, b, 0, c);
      if (bias !== null) assertFloatArray("denseForward", bias, "bias", n);
      if (m === 0 || n === 0) return;
      const code = activation === "relu" ? ACTIVATION_RELU : ACTIVATION_NONE;
      if (
        worthWasm(m, n, k) &&
        isFloat32(a) &&
        isFloat32(b) &&
        isFloat32(c) &&
        (bias === null || isFloat32(bias)) &&
        engine.gemm(transposeA, transposeB, m, n, k, 1, a, b, 0, c, bias, code)
      ) {
        return;
      }
      kernels.gemm(transposeA, transposeB, m, n, k, 1, a, b, 0, c);
      applyDenseEpilogue(m, n, bias, activation, c);
    },
    binary(op, out, rowLength, a, b) {
      if (
        isFloat32(out) &&
        isFloat32Operand(a) &&
        isFloat32Operand(b) &&
        binaryFloat32Rows(op, out, rowLength, a, b)
      )
        return;
      binaryByLoops(op, out, rowLength, a, b);
    },
    unary(op, out, x) {
      if (isFloat32(out) && isFloat32(x) && unaryFloat32(op, out, x)) return;
      unaryByLoop(op, out, x);
    },
    scaledAdd(out, p, u, factor) {
      return scaledAddTinyWasm(engine, out, p, u, factor) ?? scaledAddByLoop(out, p, u, factor);
    },
    reluBackward(g, y, out, biasGradient, columns) {
      if (
        isFloat32(g) &&
        isFloat32(y) &&
        isFloat32(out) &&
        (biasGradient === null || isFloat32(biasGradient)) &&
        reluBackwardTinyWasm(g, y, out, biasGradient, columns)
      )
        return;
      reluBackwardByLoop(g, y, out, biasGradient, columns);
    },
  };
  return kernels;
}

/**
 * Compiles and instantiates a variant synchronously (fine in Node and in workers; browsers limit it to 4 KiB
 * on the main thread), on shared memory (worker threads) when the runtime allows it.
 */
export function compileWasmKernels(variant: WasmVariant, shared = wasmSupport().sharedMemory): WasmKernels {
  return wasmKernels(new WasmEngine(variant, new WebAssembly.Module(moduleBytes(variant, shared)), shared));
}

/** Compiles a variant off the calling thread, then instantiates it. */
export async function compileWasmKernelsAsync(variant: WasmVariant): Promise<WasmKernels> {
  const shared = wasmSupport().sharedMemory;
  const module = await WebAssembly.compile(moduleBytes(variant, shared));
  return wasmKernels(new WasmEngine(variant, module, shared));
}

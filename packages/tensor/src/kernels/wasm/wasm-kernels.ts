import { assertFloatArray, assertGemmArguments } from "../arguments.js";
import {
  columnsSize,
  convolutionForwardByGemm,
  convolutionInputGradientByGemm,
  convolutionWeightsGradientByGemm,
} from "../convolution-by-gemm.js";
import { applyDenseEpilogue } from "../dense-forward.js";
import { averagePoolBackwardByLoops, averagePoolForwardByLoops } from "../js-average-pool.js";
import {
  adamUpdateByLoop,
  binaryByLoops,
  reluBackwardByLoop,
  scaledAddByLoop,
  unaryByLoop,
} from "../js-elementwise.js";
import { jsKernels } from "../js-kernels.js";
import {
  columnsToImageByLoops,
  imageToColumnsByLoops,
  maxPoolBackwardByLoop,
  maxPoolForwardByLoops,
} from "../js-windows.js";
import type { BinaryOperand, Kernels } from "../kernels.js";
import { adamUpdateInEngine } from "./adam.js";
import { averagePoolBackwardInEngine, averagePoolForwardInEngine } from "./average-pool.js";
import {
  binaryInEngine,
  type Float32Operand,
  reluBackwardInEngine,
  scaledAddInEngine,
  unaryInEngine,
} from "./elementwise.js";
import { WasmEngine } from "./engine.js";
import { ACTIVATION_NONE, ACTIVATION_RELU } from "./generated/layout.js";
import { moduleBytes, type WasmVariant, wasmSupport } from "./support.js";
import {
  adamInWasm,
  averagePoolInWasm,
  binaryInWasm,
  columnsToImageInWasm,
  convolutionInputGradientInWasm,
  convolutionInWasm,
  gemmInWasm,
  maxPoolBackwardInWasm,
  maxPoolInWasm,
  reluBackwardInWasm,
  scaledAddInWasm,
  unaryInWasm,
} from "./thresholds.js";
import {
  columnsToImageInEngine,
  convolutionInputGradientInEngine,
  geometryArguments,
  maxPoolBackwardInEngine,
  maxPoolForwardInEngine,
} from "./windows.js";

/** Kernels backed by a WebAssembly engine, which they carry for thread control, memory figures and tests. */
export interface WasmKernels extends Required<Kernels> {
  readonly name: WasmVariant;
  readonly engine: WasmEngine;
}

function isFloat32(array: Float32Array | Float64Array): array is Float32Array {
  return array.BYTES_PER_ELEMENT === 4;
}

/** Whether float32 lanes hold the operand exactly: float32 data, or a number that is a float32 value. */
function isFloat32Operand(operand: BinaryOperand): operand is Float32Operand {
  return typeof operand === "number" ? Math.fround(operand) === operand : isFloat32(operand.data);
}

/**
 * Wraps an engine as `Kernels`: float32 work of the sizes thresholds.ts sends to wasm runs in the engine's
 * module; float64, empty and small work runs in the JavaScript reference, with the same float32 bits.
 */
export function wasmKernels(engine: WasmEngine): WasmKernels {
  const kernels: WasmKernels = {
    name: engine.variant,
    engine,
    gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c) {
      assertGemmArguments("gemm", m, n, k, alpha, a, b, beta, c);
      if (m === 0 || n === 0) return;
      if (
        gemmInWasm(m, n, k) &&
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
    zero(array) {
      const address = isFloat32(array) ? engine.residentAddress(array, array.length) : -1;
      if (address >= 0) engine.residentElementwise.zero(address, array.length * 4);
      else array.fill(0);
    },
    denseForward(transposeA, transposeB, m, n, k, a, b, bias, activation, c) {
      assertGemmArguments("denseForward", m, n, k, 1, a, b, 0, c);
      if (bias !== null) assertFloatArray("denseForward", bias, "bias", n);
      if (m === 0 || n === 0) return;
      const code = activation === "relu" ? ACTIVATION_RELU : ACTIVATION_NONE;
      if (
        gemmInWasm(m, n, k) &&
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
        binaryInWasm(out.length, rowLength) &&
        isFloat32(out) &&
        isFloat32Operand(a) &&
        isFloat32Operand(b) &&
        binaryInEngine(engine, op, out, rowLength, a, b)
      ) {
        return;
      }
      binaryByLoops(op, out, rowLength, a, b);
    },
    unary(op, out, x) {
      if (unaryInWasm(out.length) && isFloat32(out) && isFloat32(x) && unaryInEngine(engine, op, out, x))
        return;
      unaryByLoop(op, out, x);
    },
    adamUpdate(g, m, v, mOut, vOut, out, coefficients) {
      if (
        adamInWasm(g.length) &&
        isFloat32(g) &&
        isFloat32(m) &&
        isFloat32(v) &&
        isFloat32(mOut) &&
        isFloat32(vOut) &&
        isFloat32(out) &&
        adamUpdateInEngine(engine, g, m, v, mOut, vOut, out, coefficients)
      ) {
        return;
      }
      adamUpdateByLoop(g, m, v, mOut, vOut, out, coefficients);
    },
    scaledAdd(out, p, u, factor) {
      const finite = scaledAddInWasm(out.length) ? scaledAddInEngine(engine, out, p, u, factor) : null;
      return finite ?? scaledAddByLoop(out, p, u, factor);
    },
    reluBackward(g, y, out, biasGradient, columns) {
      if (
        reluBackwardInWasm(g.length, columns) &&
        isFloat32(g) &&
        isFloat32(y) &&
        isFloat32(out) &&
        (biasGradient === null || isFloat32(biasGradient)) &&
        reluBackwardInEngine(engine, g, y, out, biasGradient, columns)
      ) {
        return;
      }
      reluBackwardByLoop(g, y, out, biasGradient, columns);
    },
    // im2col and the pooling backward are copies and scattered adds: the JavaScript reference runs.
    imageToColumns: imageToColumnsByLoops,
    columnsToImage(columns, geometry, image) {
      if (
        columnsToImageInWasm(columns.length, geometry.channels) &&
        isFloat32(columns) &&
        isFloat32(image) &&
        columnsToImageInEngine(engine, columns, geometry, image)
      ) {
        return;
      }
      columnsToImageByLoops(columns, geometry, image);
    },
    // The im2col matrix's panels are packed from the images (assembly/windows-pack.ts): the matrix is not made.
    convolutionForward(input, geometry, weights, outChannels, bias, activation, output) {
      const [rows, depth] = columnsSize(geometry);
      if (
        convolutionInWasm(rows, outChannels, depth) &&
        isFloat32(input) &&
        isFloat32(weights) &&
        isFloat32(output) &&
        (bias === null || isFloat32(bias)) &&
        engine.gemm(
          false,
          false,
          rows,
          outChannels,
          depth,
          1,
          input,
          weights,
          0,
          output,
          bias,
          activation === "relu" ? ACTIVATION_RELU : ACTIVATION_NONE,
          geometryArguments(geometry),
        )
      ) {
        return;
      }
      convolutionForwardByGemm(kernels, input, geometry, weights, outChannels, bias, activation, output);
    },
    convolutionWeightsGradient(input, geometry, cotangent, outChannels, weightsGradient) {
      const [rows, depth] = columnsSize(geometry);
      if (
        convolutionInWasm(depth, outChannels, rows) &&
        isFloat32(input) &&
        isFloat32(cotangent) &&
        isFloat32(weightsGradient) &&
        engine.gemm(
          true,
          false,
          depth,
          outChannels,
          rows,
          1,
          input,
          cotangent,
          0,
          weightsGradient,
          null,
          ACTIVATION_NONE,
          geometryArguments(geometry),
        )
      ) {
        return;
      }
      convolutionWeightsGradientByGemm(kernels, input, geometry, cotangent, outChannels, weightsGradient);
    },
    convolutionInputGradient(cotangent, geometry, weights, outChannels, image) {
      const [rows, depth] = columnsSize(geometry);
      if (
        convolutionInputGradientInWasm(rows, depth, outChannels, geometry.channels) &&
        isFloat32(cotangent) &&
        isFloat32(weights) &&
        isFloat32(image) &&
        convolutionInputGradientInEngine(engine, cotangent, geometry, weights, outChannels, image)
      ) {
        return;
      }
      convolutionInputGradientByGemm(kernels, cotangent, geometry, weights, outChannels, image);
    },
    maxPoolForward(input, geometry, output, argmax) {
      if (
        maxPoolInWasm(input.length, geometry.channels) &&
        isFloat32(input) &&
        isFloat32(output) &&
        maxPoolForwardInEngine(engine, input, geometry, output, argmax)
      ) {
        return;
      }
      maxPoolForwardByLoops(input, geometry, output, argmax);
    },
    maxPoolBackward(cotangent, argmax, gradient) {
      if (maxPoolBackwardInWasm(cotangent.length) && isFloat32(cotangent) && isFloat32(gradient)) {
        const inside = maxPoolBackwardInEngine(engine, cotangent, argmax, gradient);
        if (inside !== null) return inside;
      }
      return maxPoolBackwardByLoop(cotangent, argmax, gradient);
    },
    averagePoolForward(input, geometry, output) {
      if (
        averagePoolInWasm(input.length, geometry.channels) &&
        isFloat32(input) &&
        isFloat32(output) &&
        averagePoolForwardInEngine(engine, input, geometry, output)
      ) {
        return;
      }
      averagePoolForwardByLoops(input, geometry, output);
    },
    averagePoolBackward(cotangent, geometry, gradient) {
      if (
        averagePoolInWasm(gradient.length, geometry.channels) &&
        isFloat32(cotangent) &&
        isFloat32(gradient) &&
        averagePoolBackwardInEngine(engine, cotangent, geometry, gradient)
      ) {
        return;
      }
      averagePoolBackwardByLoops(cotangent, geometry, gradient);
    },
  };
  return kernels;
}

/**
 * Compiles and instantiates a variant synchronously (fine in Node and in workers; browsers limit it to 4 KiB
 * on the main thread), on shared memory (worker threads) when the runtime allows it.
 */
export function compileWasmKernels(variant: WasmVariant, shared = wasmSupport().sharedMemory): WasmKernels {
  const module = new WebAssembly.Module(moduleBytes(variant, shared));
  const unshared = shared ? new WebAssembly.Module(moduleBytes(variant, false)) : module;
  return wasmKernels(new WasmEngine(variant, module, shared, unshared));
}

/** Compiles a variant off the calling thread, then instantiates it. */
export async function compileWasmKernelsAsync(variant: WasmVariant): Promise<WasmKernels> {
  const shared = wasmSupport().sharedMemory;
  const [module, unshared] = await Promise.all([
    WebAssembly.compile(moduleBytes(variant, shared)),
    shared ? WebAssembly.compile(moduleBytes(variant, false)) : undefined,
  ]);
  return wasmKernels(new WasmEngine(variant, module, shared, unshared ?? module));
}

import {
  convolutionForwardByGemm,
  convolutionInputGradientByGemm,
  convolutionWeightsGradientByGemm,
} from "./convolution-by-gemm.js";
import { denseForwardByGemm } from "./dense-forward.js";
import { averagePoolBackwardByLoops, averagePoolForwardByLoops } from "./js-average-pool.js";
import {
  adamUpdateByLoop,
  binaryByLoops,
  reluBackwardByLoop,
  scaledAddByLoop,
  unaryByLoop,
} from "./js-elementwise.js";
import { createBlockedGemm } from "./js-gemm.js";
import {
  columnsToImageByLoops,
  imageToColumnsByLoops,
  maxPoolBackwardByLoop,
  maxPoolForwardByLoops,
} from "./js-windows.js";
import type { Kernels } from "./kernels.js";

/**
 * Pure-JavaScript kernels: the last fallback, the reference faster kernels are tested against, and what
 * `useKernels("js")` runs (no WebAssembly at all). Every dtype goes through them; other kernels send float64
 * here too.
 *
 * - `gemm`: `C = α·op(A)·op(B) + β·C` with the cache-blocked, 4×4-tiled kernel of `createBlockedGemm`
 *   (several GFLOP/s in plain JS).
 * - `denseForward`: `C = act(op(A)·op(B) + bias)` as `gemm` then a JavaScript epilogue (`denseForwardByGemm`).
 * - `binary`, `unary`, `scaledAdd`, `adamUpdate`, `reluBackward`: one JavaScript loop each (see `Kernels`).
 * - `imageToColumns`, `columnsToImage`, `maxPoolForward`, `maxPoolBackward`: the window loops of js-windows.ts;
 *   `averagePoolForward`, `averagePoolBackward`: those of js-average-pool.ts.
 * - `convolutionForward`, `convolutionWeightsGradient`: the im2col matrix, then `denseForward` or `gemm`;
 *   `convolutionInputGradient`: `gemm` into a matrix, then `columnsToImage`.
 *
 * @example
 * ```ts
 * const c = new Float32Array(4);
 * jsKernels.gemm(false, false, 2, 2, 2, 1, new Float32Array([1, 2, 3, 4]), new Float32Array([1, 0, 0, 1]), 0, c);
 * // c = [1, 2, 3, 4]
 * ```
 */
export const jsKernels: Kernels = {
  name: "js",
  gemm: createBlockedGemm(),
  denseForward: (...operands) => denseForwardByGemm(jsKernels, ...operands),
  binary: binaryByLoops,
  unary: unaryByLoop,
  scaledAdd: (out, p, u, factor) => scaledAddByLoop(out, p, u, factor),
  zero: (array) => {
    array.fill(0);
  },
  adamUpdate: (g, m, v, mOut, vOut, out, coefficients) =>
    adamUpdateByLoop(g, m, v, mOut, vOut, out, coefficients),
  reluBackward: reluBackwardByLoop,
  imageToColumns: imageToColumnsByLoops,
  columnsToImage: columnsToImageByLoops,
  convolutionForward: (...operands) => convolutionForwardByGemm(jsKernels, ...operands),
  convolutionWeightsGradient: (...operands) => convolutionWeightsGradientByGemm(jsKernels, ...operands),
  convolutionInputGradient: (...operands) => convolutionInputGradientByGemm(jsKernels, ...operands),
  maxPoolForward: maxPoolForwardByLoops,
  maxPoolBackward: maxPoolBackwardByLoop,
  averagePoolForward: averagePoolForwardByLoops,
  averagePoolBackward: averagePoolBackwardByLoops,
};

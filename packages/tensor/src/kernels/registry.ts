import { ValueError } from "../core/errors.js";
import { jsKernels } from "./js-kernels.js";
import type { Kernels } from "./kernels.js";

let active: Kernels = jsKernels;

/** The kernels every op uses now. */
export function getKernels(): Kernels {
  return active;
}

/**
 * Replaces the active kernels (e.g. with a WebAssembly backend). Results stay equal within float32
 * rounding whichever kernels run.
 *
 * @example setKernels(jsKernels) // force the pure-JavaScript reference kernels
 */
export function setKernels(kernels: Kernels): void {
  if (typeof kernels?.gemm !== "function") {
    throw new ValueError("setKernels", "expected an object implementing the Kernels interface (name, gemm)");
  }
  active = kernels;
}

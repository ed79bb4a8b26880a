// Why this exists: average pooling in JavaScript adds one channel per step through float64 and rounds on every
// store into the Float32Array; the module (assembly/average-pool.ts) adds four lanes per instruction with the
// same f32 roundings, so it gives the JavaScript reference's bits.

import type { WindowGeometry } from "../kernels.js";
import type { WasmEngine } from "./engine.js";
import { geometryArguments } from "./windows.js";

/**
 * `Kernels.averagePoolForward` for float32 in the engine: the input is copied into scratch, pooled four
 * channels at a time, and the output copied out. False, having written nothing, when the memory cannot grow.
 */
export function averagePoolForwardInEngine(
  engine: WasmEngine,
  input: Float32Array,
  g: WindowGeometry,
  output: Float32Array,
): boolean {
  const inputBytes = input.length * 4;
  const base = engine.scratch(inputBytes + output.length * 4);
  if (base < 0) return false;
  const floats = engine.memoryFloats;
  const outputAt = (base + inputBytes) >> 2;
  floats.set(input, base >> 2);
  engine.elementwise.averagePoolForward(base, base + inputBytes, ...geometryArguments(g));
  output.set(floats.subarray(outputAt, outputAt + output.length));
  return true;
}

/**
 * `Kernels.averagePoolBackward` for float32 in the engine: cotangent and gradient are copied into scratch,
 * the shares added onto the gradient four channels at a time, and the gradient copied out. False, having
 * written nothing, when the memory cannot grow.
 */
export function averagePoolBackwardInEngine(
  engine: WasmEngine,
  cotangent: Float32Array,
  g: WindowGeometry,
  gradient: Float32Array,
): boolean {
  const cotangentBytes = cotangent.length * 4;
  const base = engine.scratch(cotangentBytes + gradient.length * 4);
  if (base < 0) return false;
  const floats = engine.memoryFloats;
  const gradientAt = (base + cotangentBytes) >> 2;
  floats.set(cotangent, base >> 2);
  floats.set(gradient, gradientAt);
  engine.elementwise.averagePoolBackward(base, base + cotangentBytes, ...geometryArguments(g));
  gradient.set(floats.subarray(gradientAt, gradientAt + gradient.length));
  return true;
}

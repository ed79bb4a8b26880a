// Why this exists: max pooling forward in JavaScript branches on every compare (8.6 ms of an 89 ms CNN
// training step measured with a per-member timer on the peers' CNN, the largest window kernel); the module's
// lane select (assembly/windows.ts) has no branch. col2im (5.5 ms of that step) adds one float at a time in
// JavaScript, four per instruction in the module. Both give the JavaScript reference's bits.

import type { WindowGeometry } from "../kernels.js";
import type { GeometryArguments } from "./elementwise-exports.js";
import type { WasmEngine } from "./engine.js";
import { maxPoolResident } from "./ranges.js";

/** The geometry in the order the module's window kernels (and the GEMM's window packing) take it. */
export function geometryArguments(g: WindowGeometry): GeometryArguments {
  return [
    g.batch,
    g.height,
    g.width,
    g.channels,
    g.kernelHeight,
    g.kernelWidth,
    g.strideHeight,
    g.strideWidth,
    g.padTop,
    g.padLeft,
    g.outHeight,
    g.outWidth,
  ];
}

/**
 * `Kernels.maxPoolForward` for float32 in the engine, pooled four channels at a time: in place when the input,
 * output and argmax are all resident (a training step's arrays), else the input is copied into scratch and
 * the output and argmax copied out. False, having written nothing, when the memory cannot grow.
 */
export function maxPoolForwardInEngine(
  engine: WasmEngine,
  input: Float32Array,
  g: WindowGeometry,
  output: Float32Array,
  argmax: Int32Array,
): boolean {
  const inputAddress = engine.residentAddress(input, input.length);
  const outputAddress = engine.residentAddress(output, output.length);
  const argmaxAddress = engine.residentAddress(argmax, argmax.length);
  if (inputAddress >= 0 && outputAddress >= 0 && argmaxAddress >= 0) {
    maxPoolResident(engine, inputAddress, outputAddress, argmaxAddress, geometryArguments(g));
    return true;
  }
  const inputBytes = input.length * 4;
  const outputBytes = output.length * 4;
  const base = engine.scratch(inputBytes + 2 * outputBytes);
  if (base < 0) return false;
  const floats = engine.memoryFloats;
  floats.set(input, base >> 2);
  const outputAt = base + inputBytes;
  const argmaxAt = outputAt + outputBytes;
  engine.elementwise.maxPoolForward(base, outputAt, argmaxAt, ...geometryArguments(g));
  output.set(floats.subarray(outputAt >> 2, (outputAt >> 2) + output.length));
  argmax.set(new Int32Array(floats.buffer, argmaxAt, argmax.length));
  return true;
}

/**
 * `Kernels.maxPoolBackward` for float32 in the engine, in place, when the cotangent, the winners and the
 * gradient are all resident (a training step's arrays): the scatter `gradient[argmax[i]] += cotangent[i]` in
 * order, as the JavaScript loop; returns whether every winner was inside the gradient. Null, having written
 * nothing, when one is not resident: staging the gradient (every input element, in and out) would cost more
 * than the scatter saves.
 */
export function maxPoolBackwardInEngine(
  engine: WasmEngine,
  cotangent: Float32Array,
  argmax: Int32Array,
  gradient: Float32Array,
): boolean | null {
  const cotangentAddress = engine.residentAddress(cotangent, cotangent.length);
  const argmaxAddress = engine.residentAddress(argmax, argmax.length);
  const gradientAddress = engine.residentAddress(gradient, gradient.length);
  if (cotangentAddress < 0 || argmaxAddress < 0 || gradientAddress < 0) return null;
  const inside = engine.residentElementwise.maxPoolBackward(
    cotangentAddress,
    argmaxAddress,
    gradientAddress,
    cotangent.length,
    gradient.length,
  );
  return inside === 1;
}

/**
 * `Kernels.columnsToImage` for float32 in the engine: columns and image are copied into scratch, the columns
 * added onto the image four channels at a time, and the image copied out. False, having written nothing, when
 * the memory cannot grow.
 */
export function columnsToImageInEngine(
  engine: WasmEngine,
  columns: Float32Array,
  g: WindowGeometry,
  image: Float32Array,
): boolean {
  const columnsBytes = columns.length * 4;
  const base = engine.scratch(columnsBytes + image.length * 4);
  if (base < 0) return false;
  const floats = engine.memoryFloats;
  const imageAt = (base + columnsBytes) >> 2;
  floats.set(columns, base >> 2);
  floats.set(image, imageAt);
  engine.elementwise.columnsToImage(base, base + columnsBytes, ...geometryArguments(g));
  image.set(floats.subarray(imageAt, imageAt + image.length));
  return true;
}

/**
 * `Kernels.convolutionInputGradient` for float32 in the engine: the product g·Wᵀ is written into a resident
 * matrix and col2im runs on it in place, so the 9 MB matrix of the CNN's second convolution is neither copied
 * out of the memory nor back in. False, having written nothing, without resident storage (unshared memory)
 * or room.
 */
export function convolutionInputGradientInEngine(
  engine: WasmEngine,
  cotangent: Float32Array,
  g: WindowGeometry,
  weights: Float32Array,
  outChannels: number,
  image: Float32Array,
): boolean {
  const rows = g.batch * g.outHeight * g.outWidth;
  const depth = g.kernelHeight * g.kernelWidth * g.channels;
  // A resident image (a training step's array) is added into in place; another goes through a resident copy.
  const imageResident = engine.residentAddress(image, image.length) >= 0;
  const columns = engine.residentFloat32(rows * depth);
  const target = columns === null ? null : imageResident ? image : engine.residentFloat32(image.length);
  try {
    if (columns === null || target === null) return false;
    if (!engine.gemm(false, true, rows, depth, outChannels, 1, cotangent, weights, 0, columns)) return false;
    if (!imageResident) target.set(image);
    engine.residentElementwise.columnsToImage(columns.byteOffset, target.byteOffset, ...geometryArguments(g));
    if (!imageResident) image.set(target);
    return true;
  } finally {
    if (columns !== null) engine.releaseResident(columns);
    if (target !== null && !imageResident) engine.releaseResident(target);
  }
}

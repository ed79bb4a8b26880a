/** The element-wise functions the kernel module exports (byte addresses and byte lengths; see assembly/). */
export interface ElementwiseExports {
  binary(op: number, out: number, a: number, b: number, bytes: number): void;
  unary(op: number, out: number, x: number, bytes: number): void;
  /** Sets `bytes` bytes at `address` to zero (assembly/elementwise.ts). */
  zero(address: number, bytes: number): void;
  reluBackward(g: number, y: number, out: number, bias: number, rows: number, rowBytes: number): void;
  /** Returns 1 when every result is finite, else 0. */
  scaledAdd(out: number, p: number, u: number, count: number, factor: number): number;
  /** Adam's step (assembly/adam.ts): g, m, v, mOut, vOut, out addresses, an even count, then the coefficients. */
  adamUpdate(
    g: number,
    m: number,
    v: number,
    mOut: number,
    vOut: number,
    out: number,
    count: number,
    beta1: number,
    beta2: number,
    inverseCorrection1: number,
    inverseCorrection2: number,
    epsilonRoot: number,
    epsilon: number,
  ): void;
  /** Max pooling forward over NHWC (assembly/windows.ts): input, output, argmax addresses, then the geometry. */
  maxPoolForward(input: number, output: number, argmax: number, ...geometry: GeometryArguments): void;
  /**
   * Max pooling backward, accumulating (assembly/windows.ts): cotangent, argmax, gradient addresses, outputs,
   * inputs; 1 when every winner was inside the gradient, else 0.
   */
  maxPoolBackward(cotangent: number, argmax: number, gradient: number, count: number, length: number): number;
  /** col2im, accumulating (assembly/windows.ts): columns and image addresses, then the geometry. */
  columnsToImage(columns: number, image: number, ...geometry: GeometryArguments): void;
  /** Average pooling forward over NHWC (assembly/average-pool.ts): input, output addresses, then the geometry. */
  averagePoolForward(input: number, output: number, ...geometry: GeometryArguments): void;
  /** Average pooling backward, accumulating (assembly/average-pool.ts): cotangent, gradient, the geometry. */
  averagePoolBackward(cotangent: number, gradient: number, ...geometry: GeometryArguments): void;
}

/**
 * A window geometry as the window kernels of the module take it, in this order: batch, height, width, channels,
 * kernelHeight, kernelWidth, strideHeight, strideWidth, padTop, padLeft, outHeight, outWidth.
 */
export type GeometryArguments = [
  batch: number,
  height: number,
  width: number,
  channels: number,
  kernelHeight: number,
  kernelWidth: number,
  strideHeight: number,
  strideWidth: number,
  padTop: number,
  padLeft: number,
  outHeight: number,
  outWidth: number,
];

/**
 * The element-wise entry points of an instance of the kernel module, picked from its exports (the rest, such as
 * the GEMM's `work`, stay with the engine).
 *
 * @example
 * const residentElementwise = elementwiseExports(new WebAssembly.Instance(module, { env: { memory } }));
 */
export function elementwiseExports(instance: WebAssembly.Instance): ElementwiseExports {
  const exports = instance.exports as unknown as ElementwiseExports;
  const { binary, unary, zero, reluBackward, scaledAdd, maxPoolForward, maxPoolBackward, columnsToImage } =
    exports;
  const { averagePoolForward, averagePoolBackward, adamUpdate } = exports;
  return {
    binary,
    unary,
    zero,
    reluBackward,
    scaledAdd,
    adamUpdate,
    maxPoolForward,
    maxPoolBackward,
    columnsToImage,
    averagePoolForward,
    averagePoolBackward,
  };
}

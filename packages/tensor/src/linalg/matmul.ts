import type { Shape, Tensor as TensorLike } from "@descent/spec";
import { allocate, resultDType } from "../core/dtype.js";
import { formatShape, ShapeError, ValueError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { describe, readOptions } from "../creation/validate.js";
import { collapseBroadcast } from "../elementwise/broadcast.js";
import { assertTensor, type NumericArray } from "../elementwise/operands.js";
import { getKernels } from "../kernels/registry.js";

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Use the transpose of the last two axes of `a` (no copy is made: the kernel reads it transposed). */
  readonly transposeA?: boolean;
  /** Use the transpose of the last two axes of `b`. */
  readonly transposeB?: boolean;
}

/**
 * Matrix product `C = op(A) · op(B)`, `C[…, i, j] = Σₚ op(A)[…, i, p] · op(B)[…, p, j]`, where `op` transposes
 * the last two axes when the matching flag is set.
 *
 * Shapes follow NumPy's `matmul`: 2-D × 2-D is `[m, k] × [k, n] → [m, n]`; rank ≥ 3 operands are stacks
 * of matrices whose leading (batch) axes broadcast (`[8, m, k] × [k, n] → [8, m, n]`); a 1-D `a` is a
 * row vector `[1, k]` and a 1-D `b` a column `[k, 1]`, and that axis is dropped from the result. Result
 * dtype: float64 if either input is. Runs on `getKernels().gemm`, so a faster backend plugs in here.
 *
 * @throws {@link ShapeError} when the inner dimensions differ, e.g.
 *   `matmul: [32,784] × [128,10]: inner dimensions 784 ≠ 128: transpose one operand or check the layer sizes`
 *   (a transposed operand is written `[784,32]ᵀ`), when batch axes do not broadcast, or for a scalar operand.
 * @throws {@link ValueError} when a transpose flag is set on a 1-D operand.
 * @example
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])); // [[17], [39]]
 * matmul(x, weights, { transposeB: true }); // x · weightsᵀ without copying weights
 * ```
 */
export function matmul(a: TensorLike, b: TensorLike, given: MatmulOptions = {}): Tensor {
  assertTensor("matmul", a, "a");
  assertTensor("matmul", b, "b");
  const options = readOptions("matmul", given, ["transposeA", "transposeB"]);
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  if (typeof transposeA !== "boolean" || typeof transposeB !== "boolean") {
    const [key, value] =
      typeof transposeA !== "boolean" ? ["transposeA", transposeA] : ["transposeB", transposeB];
    throw new ValueError("matmul", `options.${key} is ${describe(value)}: use true or false`);
  }
  const operands = `${describeOperand(a.shape, transposeA)} × ${describeOperand(b.shape, transposeB)}`;
  const rankA = a.shape.length;
  const rankB = b.shape.length;
  if (rankA === 0 || rankB === 0) {
    throw new ShapeError("matmul", `${operands}: a scalar has no matrix axes: use mul to scale a tensor`);
  }
  for (const [rank, flag, name] of [
    [rankA, transposeA, "transposeA"],
    [rankB, transposeB, "transposeB"],
  ] as const) {
    if (rank === 1 && flag) {
      throw new ValueError("matmul", `${operands}: ${name} has no meaning for a 1-D operand: drop the flag`);
    }
  }

  const storedA = rankA === 1 ? [1, a.shape[0]!] : a.shape.slice(-2);
  const storedB = rankB === 1 ? [b.shape[0]!, 1] : b.shape.slice(-2);
  const [m, innerA] = transposeA ? [storedA[1]!, storedA[0]!] : [storedA[0]!, storedA[1]!];
  const [innerB, n] = transposeB ? [storedB[1]!, storedB[0]!] : [storedB[0]!, storedB[1]!];
  if (innerA !== innerB) {
    throw new ShapeError(
      "matmul",
      `${operands}: inner dimensions ${innerA} ≠ ${innerB}: ${innerFix(m, innerA, innerB, n, transposeA, transposeB, rankA, rankB)}`,
    );
  }
  const k = innerA;
  const batchA = a.shape.slice(0, Math.max(0, rankA - 2));
  const batchB = b.shape.slice(0, Math.max(0, rankB - 2));
  const batch = broadcastBatch(operands, batchA, batchB);
  const outputShape = [...batch, ...(rankA === 1 ? [] : [m]), ...(rankB === 1 ? [] : [n])];

  const dtype = resultDType(a.dtype, b.dtype);
  // Kernels see one dtype: a float32 operand meeting a float64 one is widened (exactly) first.
  const dataA = dtype === "float64" && a.dtype !== "float64" ? Float64Array.from(a.data) : a.data;
  const dataB = dtype === "float64" && b.dtype !== "float64" ? Float64Array.from(b.data) : b.data;
  const batchCount = sizeOf(batch);
  const out = allocate(dtype, batchCount * m * n, "matmul");
  if (out.length === 0) return new Tensor(out, outputShape);

  const gemm = getKernels().gemm;
  if (batchCount === 1) {
    gemm(transposeA, transposeB, m, n, k, 1, dataA, dataB, 0, out);
  } else if (sizeOf(batchB) === 1 && !transposeA) {
    // One shared B: stack A's matrices into one tall [batch·m, k] matrix and run a single large GEMM.
    gemm(false, transposeB, batchCount * m, n, k, 1, dataA, dataB, 0, out);
  } else {
    batchedGemm(gemm, batch, batchA, batchB, transposeA, transposeB, m, n, k, dataA, dataB, out);
  }
  return new Tensor(out, outputShape);
}

function batchedGemm(
  gemm: ReturnType<typeof getKernels>["gemm"],
  batch: number[],
  batchA: Shape,
  batchB: Shape,
  transposeA: boolean,
  transposeB: boolean,
  m: number,
  n: number,
  k: number,
  dataA: NumericArray,
  dataB: NumericArray,
  out: NumericArray,
): void {
  const { sizes, strides } = collapseBroadcast(batch, [batchA, batchB]);
  const [stridesA, stridesB] = strides as [number[], number[]];
  const counters = new Array<number>(sizes.length).fill(0);
  const sizeA = m * k;
  const sizeB = k * n;
  const sizeC = m * n;
  const batchCount = sizeOf(batch);
  let matrixA = 0;
  let matrixB = 0;
  for (let index = 0; index < batchCount; index++) {
    gemm(
      transposeA,
      transposeB,
      m,
      n,
      k,
      1,
      dataA.subarray(matrixA * sizeA, (matrixA + 1) * sizeA),
      dataB.subarray(matrixB * sizeB, (matrixB + 1) * sizeB),
      0,
      out.subarray(index * sizeC, (index + 1) * sizeC),
    );
    for (let axis = sizes.length - 1; axis >= 0; axis--) {
      matrixA += stridesA[axis]!;
      matrixB += stridesB[axis]!;
      if (++counters[axis]! < sizes[axis]!) break;
      matrixA -= stridesA[axis]! * sizes[axis]!;
      matrixB -= stridesB[axis]! * sizes[axis]!;
      counters[axis] = 0;
    }
  }
}

function broadcastBatch(operands: string, batchA: Shape, batchB: Shape): number[] {
  const rank = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const sizeA = batchA[axis - rank + batchA.length] ?? 1;
    const sizeB = batchB[axis - rank + batchB.length] ?? 1;
    if (sizeA !== sizeB && sizeA !== 1 && sizeB !== 1) {
      throw new ShapeError(
        "matmul",
        `${operands}: batch dimensions ${formatShape(batchA)} and ${formatShape(batchB)} do not broadcast (sizes must be equal or 1)`,
      );
    }
    batch.push(sizeA === 1 ? sizeB : sizeA);
  }
  return batch;
}

function describeOperand(shape: Shape, transposed: boolean): string {
  return `${formatShape(shape)}${transposed ? "ᵀ" : ""}`;
}

/** The concrete fix when flipping one transpose flag would make the shapes fit, else the general advice. */
function innerFix(
  m: number,
  innerA: number,
  innerB: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
  rankA: number,
  rankB: number,
): string {
  if (rankB > 1 && n === innerA)
    return `pass { transposeB: ${!transposeB} } if b is stored the other way round`;
  if (rankA > 1 && m === innerB)
    return `pass { transposeA: ${!transposeA} } if a is stored the other way round`;
  return "transpose one operand or check the layer sizes";
}

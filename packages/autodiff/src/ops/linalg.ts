import * as T from "@descent/tensor";
import {
  assertOperand,
  assertOptionsObject,
  type Operand,
  record,
  shapeOf,
  type Traced,
  tensorOf,
} from "../core/traced.js";
import { unbroadcast } from "../core/unbroadcast.js";
import { mul } from "./elementwise-binary.js";
import { reshape } from "./shape-ops.js";

/** Options of {@link matmul}: read an operand as its transpose (no copy is made). */
export interface MatmulOptions {
  /** Read `a` transposed (its last two axes swapped; not for a 1-D `a`). Default `false`. */
  readonly transposeA?: boolean;
  /** Read `b` transposed (its last two axes swapped; not for a 1-D `b`). Default `false`. */
  readonly transposeB?: boolean;
}

/**
 * Matrix product `C = op(A)·op(B)`, 2-D or batched (batch axes broadcast); a 1-D operand is a row
 * (left) or column (right) vector whose axis is removed from the result, as NumPy.
 *
 * `∂L/∂op(A) = G·op(B)ᵀ`, `∂L/∂op(B) = op(A)ᵀ·G` — computed with the transpose flags of the kernel,
 * never by transposing a tensor, then summed over broadcast batch axes.
 *
 * @example matmul(inputs, weights)
 */
export function matmul(a: Operand, b: Operand, options: MatmulOptions = {}): Traced {
  assertOperand("matmul", a, "a");
  assertOperand("matmul", b, "b");
  assertOptionsObject("matmul", options);
  const rankA = shapeOf(a).length;
  const rankB = shapeOf(b).length;
  if (rankA === 1 || rankB === 1) {
    if ((rankA === 1 && options.transposeA) || (rankB === 1 && options.transposeB)) {
      // Let the tensor op report the misuse in its own words.
      T.matmul(tensorOf(a), tensorOf(b), options);
    }
    // Vectors become 1×k / k×1 matrices, so only the matrix rule below is needed.
    const left = rankA === 1 ? reshape(a, [1, shapeOf(a)[0]!]) : a;
    const right = rankB === 1 ? reshape(b, [shapeOf(b)[0]!, 1]) : b;
    const product = matmul(left, right, options);
    const shape = [...product.shape];
    if (rankB === 1) shape.pop();
    if (rankA === 1) shape.splice(shape.length - (rankB === 1 ? 1 : 2), 1);
    return reshape(product, shape);
  }
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const forward = T.matmul(tensorOf(a), tensorOf(b), { transposeA, transposeB });
  return record("matmul", forward, [a, b], (g, [a, b], _, needs) => [
    needs[0]
      ? unbroadcast(
          transposeA
            ? matmul(b!, g, { transposeA: transposeB, transposeB: true }) // (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ
            : matmul(g, b!, { transposeB: !transposeB }), // G·op(B)ᵀ
          shapeOf(a!),
        )
      : null,
    needs[1]
      ? unbroadcast(
          transposeB
            ? matmul(g, a!, { transposeA: true, transposeB: transposeA }) // (op(A)ᵀ·G)ᵀ = Gᵀ·op(A)
            : matmul(a!, g, { transposeA: !transposeA }), // op(A)ᵀ·G
          shapeOf(b!),
        )
      : null,
  ]);
}

/**
 * Inner product of two vectors `Σ aᵢbᵢ`.
 *
 * `∂/∂a = g·b`, `∂/∂b = g·a`
 *
 * @example dot(u, v)
 */
export function dot(a: Operand, b: Operand): Traced {
  return record("dot", T.dot(tensorOf(a), tensorOf(b)), [a, b], (g, [a, b], _, needs) => [
    needs[0] ? mul(g, b!) : null,
    needs[1] ? mul(g, a!) : null,
  ]);
}

/**
 * Outer product `Cᵢⱼ = aᵢbⱼ` of two vectors.
 *
 * `∂L/∂a = G·b`, `∂L/∂b = Gᵀ·a`
 *
 * @example outer(u, v)
 */
export function outer(a: Operand, b: Operand): Traced {
  return record("outer", T.outer(tensorOf(a), tensorOf(b)), [a, b], (g, [a, b], _, needs) => [
    needs[0] ? matmul(g, b!) : null,
    needs[1] ? matmul(a!, g) : null,
  ]);
}

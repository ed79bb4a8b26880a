import { customOp, type Operand, type Traced } from "@descent/autodiff";
import type { DType, Tensor as TensorLike } from "@descent/spec";
import { allocate, formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { checkAnyTensor, checkOptionKeys, describe, operandTensor, sameShape } from "../layers/validate.js";
import { readClassWeights } from "./targets.js";

/** Options of {@link softmaxCrossEntropyFromLogits}. */
export interface SoftmaxCrossEntropyOptions {
  /** Mixes the targets with the uniform distribution: `q = (1 − ε)·y + ε/C`. Default 0. */
  readonly labelSmoothing?: number;
  /**
   * One weight per class, for imbalanced data: sample `i` weighs `w[yᵢ]` (one-hot / soft targets:
   * `Σ_c y_ic w_c`), and the loss is the weighted mean `Σ wᵢ ℓᵢ / Σ wᵢ` (PyTorch's convention).
   */
  readonly classWeights?: readonly number[] | TensorLike;
}

/**
 * Softmax cross-entropy from unnormalized scores (logits), averaged over the batch, as one fused op:
 *
 * `ℓᵢ = −Σ_c q_ic · log softmax(zᵢ)_c = logΣexp(zᵢ) − Σ_c q_ic z_ic`,  `L = Σ wᵢ ℓᵢ / Σ wᵢ` (wᵢ = 1 by default)
 *
 * The log-sum-exp subtracts the row max, so large logits neither overflow nor lose the loss. The VJP is
 * the closed form `∂L/∂z_ic = wᵢ (softmax(zᵢ)_c − q_ic) / Σ w` (softmax kept from the forward pass).
 * Shape contract: logits `[N, C]` (or `[…, C]`) with integer labels `[N]` (or `[N, 1]`) — an int32 tensor
 * or integral floats, each in `[0, C)` — or with float one-hot / probability rows of the logits' shape
 * `[N, C]`; anything else is a ShapeError.
 *
 * @example
 * softmaxCrossEntropyFromLogits(logits, labels, { labelSmoothing: 0.1 })
 */
export function softmaxCrossEntropyFromLogits(
  logits: Operand,
  targets: TensorLike<DType>,
  options: SoftmaxCrossEntropyOptions = {},
): Traced {
  const op = "softmaxCrossEntropyFromLogits";
  const shape = operandTensor(op, "logits", logits).shape;
  checkAnyTensor(op, "targets", targets);
  checkOptionKeys(op, options, ["labelSmoothing", "classWeights"]);
  if (shape.length < 1) throw new ShapeError(op, "logits are a scalar: expected [batch, classes]");
  const classes = shape[shape.length - 1]!;
  const leading = shape.slice(0, -1);
  const rows = leading.reduce((product, size) => product * size, 1);
  if (rows * classes === 0) throw new ValueError(op, `logits ${formatShape(shape)} are empty`);
  const smoothing = options.labelSmoothing ?? 0;
  if (typeof smoothing !== "number" || !(smoothing >= 0 && smoothing <= 1))
    throw new ValueError(op, `labelSmoothing is ${describe(smoothing)}: use a value in [0, 1]`);
  const classWeights = readClassWeights(op, options.classWeights, classes);
  // Integer labels [N] (or [N, 1]) against logits [N, C], else one-hot / probability rows of the logits' shape.
  const hardLabels = sameShape(targets.shape, leading) || sameShape(targets.shape, [...leading, 1]);
  if (!hardLabels && !sameShape(targets.shape, shape)) {
    throw new ShapeError(
      op,
      `logits ${formatShape(shape)} and targets ${formatShape(targets.shape)} do not match: pass ${rows} integer labels or ${rows}×${classes} one-hot rows (targets ${formatShape(leading)} or ${formatShape(shape)})`,
    );
  }
  if (!hardLabels && targets.dtype === "int32") {
    throw new ShapeError(
      op,
      `targets ${formatShape(targets.shape)} are int32 rows: int32 targets are class labels ${formatShape(leading)} (pass one-hot or probability rows as float32)`,
    );
  }
  const labels = targets.data;
  if (hardLabels) {
    for (let i = 0; i < rows; i++) {
      const label = labels[i]!;
      if (!Number.isInteger(label) || label < 0 || label >= classes) {
        throw new ValueError(op, `label ${i} is ${label}: labels must be integers in [0, ${classes - 1}]`);
      }
    }
  }
  const sampleWeights = new Float64Array(rows);
  let totalWeight = 0;
  for (let i = 0; i < rows; i++) {
    let weight = 1;
    if (classWeights) {
      if (hardLabels) weight = classWeights[labels[i]!]!;
      else {
        weight = 0;
        for (let c = 0; c < classes; c++) weight += labels[i * classes + c]! * classWeights[c]!;
      }
    }
    sampleWeights[i] = weight;
    totalWeight += weight;
  }
  if (!(totalWeight > 0))
    throw new ValueError(op, "the class weights of this batch sum to 0: no sample counts");
  const offTarget = smoothing / classes;
  const onTarget = 1 - smoothing;
  let probabilities: Float32Array | Float64Array | undefined;

  const fused = customOp({
    name: op,
    forward(z) {
      const data = z!.data;
      probabilities = allocate(z!.dtype, data.length);
      let total = 0;
      for (let i = 0, offset = 0; i < rows; i++, offset += classes) {
        let max = -Infinity;
        for (let c = 0; c < classes; c++) max = Math.max(max, data[offset + c]!);
        let sum = 0;
        for (let c = 0; c < classes; c++) {
          const e = Math.exp(data[offset + c]! - max);
          probabilities[offset + c] = e;
          sum += e;
        }
        const logSumExp = max + Math.log(sum);
        const inverse = 1 / sum;
        for (let c = 0; c < classes; c++) probabilities[offset + c]! *= inverse;
        let targetDot = 0;
        if (hardLabels) {
          targetDot = data[offset + labels[i]!]!;
          if (smoothing > 0) {
            let rowSum = 0;
            for (let c = 0; c < classes; c++) rowSum += data[offset + c]!;
            targetDot = onTarget * targetDot + offTarget * rowSum;
          }
        } else {
          for (let c = 0; c < classes; c++) {
            targetDot += (onTarget * labels[offset + c]! + offTarget) * data[offset + c]!;
          }
        }
        const weight = sampleWeights[i]!;
        if (weight !== 0) total += weight * (logSumExp - targetDot);
      }
      const result = allocate(z!.dtype, 1);
      result[0] = total / totalWeight;
      return new Tensor(result, []);
    },
    backward(cotangent, _output, [z]) {
      const scale = cotangent.data[0]! / totalWeight;
      const gradient = allocate(cotangent.dtype, z!.data.length);
      const p = probabilities!;
      for (let i = 0, offset = 0; i < rows; i++, offset += classes) {
        const weight = sampleWeights[i]! * scale;
        if (weight === 0) continue;
        if (hardLabels) {
          for (let c = 0; c < classes; c++) gradient[offset + c] = weight * (p[offset + c]! - offTarget);
          gradient[offset + labels[i]!]! -= weight * onTarget;
        } else {
          for (let c = 0; c < classes; c++) {
            gradient[offset + c] = weight * (p[offset + c]! - onTarget * labels[offset + c]! - offTarget);
          }
        }
      }
      return [new Tensor(gradient, z!.shape)];
    },
  });
  return fused(logits);
}

/** Options of {@link binaryCrossEntropyFromLogits}. */
export interface BinaryCrossEntropyOptions {
  /** Smooths targets toward ½: `y ← y(1 − ε) + ε/2`. Default 0. */
  readonly labelSmoothing?: number;
  /**
   * `[w₀, w₁]`: weight of negative and positive samples (imbalanced data); the loss is the weighted mean
   * `Σ wᵢ ℓᵢ / Σ wᵢ` with `wᵢ = yᵢ w₁ + (1 − yᵢ) w₀`.
   */
  readonly classWeights?: readonly number[] | TensorLike;
}

/**
 * Binary cross-entropy from logits (one score per sample, or per output for multi-label), averaged,
 * in the stable form that never takes the log of 0 or exp of a large number:
 *
 * `ℓ = max(z, 0) − z·y + log(1 + e^{−|z|})`  (= `−y log σ(z) − (1 − y) log(1 − σ(z))`)
 *
 * Fused: the VJP is `∂L/∂z = w (σ(z) − y) / Σ w` (exact at `z = 0`, where a composition of
 * `relu` and `abs` subgradients would be wrong). Targets in `[0, 1]` (int32 labels 0/1, or floats), of the
 * logits' shape (or `[N]` labels for `[N, 1]` logits: the loss is element by element, never broadcast).
 *
 * @example
 * binaryCrossEntropyFromLogits(logits, labels)
 */
export function binaryCrossEntropyFromLogits(
  logits: Operand,
  targets: TensorLike<DType>,
  options: BinaryCrossEntropyOptions = {},
): Traced {
  const op = "binaryCrossEntropyFromLogits";
  const shape = operandTensor(op, "logits", logits).shape;
  checkAnyTensor(op, "targets", targets);
  checkOptionKeys(op, options, ["labelSmoothing", "classWeights"]);
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  // Element by element on the flat data (no broadcast), so one score per sample [N, 1] may take labels [N].
  const oneColumn =
    (shape.length === 2 && shape[1] === 1 && sameShape(targets.shape, shape.slice(0, 1))) ||
    (targets.shape.length === 2 && targets.shape[1] === 1 && sameShape(shape, targets.shape.slice(0, 1)));
  if (!sameShape(shape, targets.shape) && !oneColumn) {
    throw new ShapeError(
      op,
      `logits ${formatShape(shape)} and targets ${formatShape(targets.shape)} do not match: ${
        targets.data.length === size
          ? `reshape targets to ${formatShape(shape)}`
          : "pass one target per logit"
      }`,
    );
  }
  if (size === 0) throw new ValueError(op, "logits are empty");
  const smoothing = options.labelSmoothing ?? 0;
  if (typeof smoothing !== "number" || !(smoothing >= 0 && smoothing <= 1))
    throw new ValueError(op, `labelSmoothing is ${describe(smoothing)}: use a value in [0, 1]`);
  const classWeights = readClassWeights(op, options.classWeights, 2);
  const y = new Float64Array(size);
  const weights = new Float64Array(size);
  let totalWeight = 0;
  for (let i = 0; i < size; i++) {
    const target = targets.data[i]!;
    if (!(target >= 0 && target <= 1))
      throw new ValueError(op, `target ${i} is ${target}: targets must be in [0, 1]`);
    y[i] = target * (1 - smoothing) + smoothing / 2;
    const weight = classWeights ? target * classWeights[1]! + (1 - target) * classWeights[0]! : 1;
    weights[i] = weight;
    totalWeight += weight;
  }
  if (!(totalWeight > 0))
    throw new ValueError(op, "the class weights of this batch sum to 0: no sample counts");
  const fused = customOp({
    name: op,
    forward(z) {
      const data = z!.data;
      let total = 0;
      for (let i = 0; i < size; i++) {
        const value = data[i]!;
        total += weights[i]! * (Math.max(value, 0) - value * y[i]! + Math.log1p(Math.exp(-Math.abs(value))));
      }
      const result = allocate(z!.dtype, 1);
      result[0] = total / totalWeight;
      return new Tensor(result, []);
    },
    backward(cotangent, _output, [z]) {
      const scale = cotangent.data[0]! / totalWeight;
      const data = z!.data;
      const gradient = allocate(cotangent.dtype, size);
      for (let i = 0; i < size; i++) {
        const value = data[i]!;
        const sigmoid = value >= 0 ? 1 / (1 + Math.exp(-value)) : Math.exp(value) / (1 + Math.exp(value));
        gradient[i] = scale * weights[i]! * (sigmoid - y[i]!);
      }
      return [new Tensor(gradient, z!.shape)];
    },
  });
  return fused(logits);
}

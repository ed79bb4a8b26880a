export {
  type BinaryCrossEntropyOptions,
  binaryCrossEntropyFromLogits,
  type SoftmaxCrossEntropyOptions,
  softmaxCrossEntropyFromLogits,
} from "./cross-entropy.js";
export { hinge, klDivergence, squaredHinge } from "./margin.js";
export { huber, meanAbsoluteError, meanSquaredError } from "./regression.js";

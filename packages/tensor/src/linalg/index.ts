export { averagePool, averagePoolBackward } from "./average-pool.js";
export {
  type Convolution2dBackwardOptions,
  type Convolution2dGradients,
  type Convolution2dOptions,
  convolution2d,
  convolution2dBackward,
} from "./convolution.js";
export {
  allocated,
  type GradientAllocator,
  type LinearActivation,
  type LinearBackwardOptions,
  type LinearGradients,
  type LinearOptions,
  linear,
  linearBackward,
} from "./linear.js";
export { type MatmulOptions, matmul } from "./matmul.js";
export { dot, outer } from "./products.js";
export {
  columnsToImage,
  imageToColumns,
  type MaxPoolResult,
  maxPool,
  maxPoolBackward,
  type Padding,
  type PoolOptions,
  type WindowGeometry,
  windowAxis,
  windowGeometry,
} from "./windows.js";

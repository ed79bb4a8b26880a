export { cast } from "./cast.js";
export { full, fullLike, ones, onesLike, zeros, zerosLike } from "./fill.js";
export { arange, eye, linspace } from "./ranges.js";
export { type NestedValues, scalar, type TensorValues, tensor } from "./tensor.js";

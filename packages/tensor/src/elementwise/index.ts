export { type ArithmeticOptions, add, div, maximum, minimum, mul, pow, sub } from "./arithmetic.js";
export { equal, greater, greaterEqual, less, lessEqual, notEqual } from "./comparison.js";
export { clip, relu, sigmoid, softplus } from "./unary-activation.js";
export {
  abs,
  floor,
  isFinite,
  neg,
  reciprocal,
  round,
  rsqrt,
  sign,
  sqrt,
  square,
} from "./unary-arithmetic.js";
export { cos, erf, exp, expm1, log, log1p, sin, tanh } from "./unary-transcendental.js";
export { where } from "./where.js";

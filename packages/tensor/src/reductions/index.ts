export { cumsum } from "./cumsum.js";
export { argmax, argmin, max, min } from "./extrema.js";
export type { ReductionAxes } from "./layout.js";
export { logSumExp } from "./log-sum-exp.js";
export { standardDeviation, type VarianceOptions, variance } from "./moments.js";
export { type NormOptions, norm } from "./norm.js";
export { mean, prod, sum } from "./sum.js";

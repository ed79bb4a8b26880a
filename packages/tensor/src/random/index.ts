export {
  bernoulli,
  type NormalOptions,
  normal,
  truncatedNormal,
  type UniformOptions,
  uniform,
} from "./distributions.js";
export { createRandom, type Random } from "./generator.js";
export { permutation, randomInteger, shuffle } from "./sampling.js";

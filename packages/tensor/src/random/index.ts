export {
  bernoulli,
  type NormalOptions,
  normal,
  truncatedNormal,
  type UniformOptions,
  uniform,
} from "./distributions.js";
export { createRandom, Random } from "./generator.js";
export { permutation, randomInteger, shuffle } from "./sampling.js";

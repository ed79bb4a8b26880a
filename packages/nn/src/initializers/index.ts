export { computeFans, type Fans } from "./fans.js";
export { calculateGain } from "./gain.js";
export {
  constant,
  type FanMode,
  glorotNormal,
  glorotUniform,
  type HeOptions,
  heNormal,
  heUniform,
  type Initializer,
  lecunNormal,
  lecunUniform,
  normal,
  ones,
  orthogonal,
  type ScalingOptions,
  truncatedNormal,
  uniform,
  zeros,
} from "./initializers.js";

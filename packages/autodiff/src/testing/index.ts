/**
 * `@descent/autodiff/testing`: check gradients against finite differences.
 *
 * @packageDocumentation
 */
export {
  type CheckGradientOptions,
  checkGradient,
  type GradientCheck,
  type GradientCheckElement,
} from "./check-gradient.js";

import type { ParamTree } from "@descent/spec";
import type { GradientAllocator } from "@descent/tensor";

/** Makes an array that its user fills completely (contents arbitrary): how a step hands out buffers. */
export type ArrayAllocator = GradientAllocator;

/** What one optimizer step of `fit` produced. */
export interface StepResult {
  /** `constraints(params + scale·updates)`: the parameters of the next step. */
  readonly params: ParamTree;
  /** The optimizer's next state. */
  readonly optimizerState: unknown;
  /**
   * False when a gradient, or a new parameter the step checks in passing, is NaN or ±∞; true promises every
   * gradient finite (a plain step made without `checkFinite` does not look and says true). A plain step
   * skips the update of a non-finite step: the loop throws before using the result.
   */
  readonly finite: boolean;
}

/**
 * One optimizer step of `fit`, chosen once per run (see `chooseTrainingStep`):
 * `params ← constraints(params + scale·optimizer.update(gradients))`. Each kind gives the plain step's bits
 * (the contract `step-contract.test.ts` checks) and differs only in the passes and arrays it uses.
 *
 * A step never writes an array its caller can still see: the parameters passed to {@link apply}, those
 * handed out through {@link expose}, and gradients the optimizer kept. It may reuse parameters the loop
 * gave up with {@link retire} and gradients the optimizer released.
 */
export interface TrainingStep {
  /** Where the model's backward takes its parameter-gradient arrays (`ApplyOptions.allocateGradient`); undefined: new arrays. */
  readonly allocateGradient: ArrayAllocator | undefined;
  /** One update: the loop checks `finite` and the loss right after, at the same point for every kind. */
  apply(gradients: ParamTree, optimizerState: unknown, params: ParamTree, scale: number): StepResult;
  /** Parameters the loop no longer refers to (the step's arrays in them may be reused). */
  retire(params: ParamTree): void;
  /** The tree to hand out of the loop in place of `params` (never written afterwards; plain arrays). */
  expose(params: ParamTree): ParamTree;
  /**
   * The optimizer state to hand out of the loop (and keep in its place) instead of `state`: the same
   * object, or a copy with plain arrays where the step's own arrays were, which it may then reuse.
   */
  exposeState(state: unknown): unknown;
}

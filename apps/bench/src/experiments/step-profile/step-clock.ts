import { customOp, type Operand, type Traced } from "@descent/autodiff";
import type { LossFunction } from "@descent/nn";
import type { GradientTransformation } from "@descent/spec";
import type { Kernels } from "@descent/tensor/kernels";

/** Where a step's time can go, besides the overhead (the step's time minus all of these). */
export type StepPart =
  | "gemm"
  | "convolution"
  | "pooling"
  | "elementWise"
  | "loss"
  | "optimizer"
  | "otherKernels";

/** The parts of a step, in report order. */
export const stepParts: readonly StepPart[] = [
  "gemm",
  "convolution",
  "pooling",
  "elementWise",
  "loss",
  "optimizer",
  "otherKernels",
];

/** Which part each kernel member's time goes to; a member not listed here counts as `otherKernels`. */
const kernelParts: { readonly [member: string]: StepPart } = {
  gemm: "gemm",
  denseForward: "gemm",
  // Implicit GEMMs whose panels are packed from the images, and g·Wᵀ with the col2im that adds it back.
  convolutionForward: "convolution",
  convolutionWeightsGradient: "convolution",
  convolutionInputGradient: "convolution",
  imageToColumns: "convolution",
  columnsToImage: "convolution",
  maxPoolForward: "pooling",
  maxPoolBackward: "pooling",
  averagePoolForward: "pooling",
  averagePoolBackward: "pooling",
  binary: "elementWise",
  unary: "elementWise",
  scaledAdd: "elementWise",
  reluBackward: "elementWise",
  zero: "elementWise",
};

// Allocation, not arithmetic: left unwrapped so their time stays in the overhead.
const memoryMembers = new Set(["residentFloat32", "releaseResident"]);

/**
 * Milliseconds spent in each {@link StepPart}, measured by wrappers around the kernels, the loss and the
 * optimizer. One part runs at a time: time inside a part (a kernel the optimizer calls, say) is that part's
 * only, so the parts never overlap and `step − Σ parts` is the overhead.
 *
 * @example
 * const clock = new StepClock();
 * setKernels(clock.kernels(getKernels()));
 * fit(model, params, data, { ...options, loss: clock.loss(loss), optimizer: clock.optimizer(optimizer) });
 */
export class StepClock {
  readonly milliseconds: Record<StepPart, number> = {
    gemm: 0,
    convolution: 0,
    pooling: 0,
    elementWise: 0,
    loss: 0,
    optimizer: 0,
    otherKernels: 0,
  };
  /** Kernel calls timed, for the timer's own cost (two `performance.now()` per call). */
  kernelCalls = 0;
  private active: StepPart | null = null;
  private startedAt = 0;

  private start(part: StepPart): boolean {
    if (this.active !== null) return false;
    this.active = part;
    this.startedAt = performance.now();
    return true;
  }

  private stop(part: StepPart): void {
    if (this.active !== part) return;
    this.milliseconds[this.active] += performance.now() - this.startedAt;
    this.active = null;
  }

  private timed<T>(part: StepPart, run: () => T): T {
    if (!this.start(part)) return run();
    try {
      return run();
    } finally {
      this.stop(part);
    }
  }

  /** `base` with every arithmetic member timed into its part (`setKernels` it; the numbers are the same). */
  kernels(base: Kernels): Kernels {
    const wrapped: Record<string, unknown> = { ...base };
    for (const [member, original] of Object.entries(base)) {
      if (typeof original !== "function" || memoryMembers.has(member)) continue;
      const part = kernelParts[member] ?? "otherKernels";
      wrapped[member] = (...args: unknown[]) => {
        this.kernelCalls++;
        return this.timed(part, () => (original as (...a: unknown[]) => unknown).apply(base, args));
      };
    }
    return wrapped as unknown as Kernels;
  }

  /**
   * `loss` with its forward and its backward timed. The backward runs inside the tape's backward pass, so two
   * identity ops (no copy) bracket it: the one on the loss value starts the clock when the tape reaches it,
   * the one on the predictions stops it once the loss's own backward has run.
   */
  loss(loss: LossFunction): LossFunction {
    const backwardStarts = customOp({
      name: "stepClockLossBackwardStarts",
      forward: (value) => value!,
      backward: (cotangent) => {
        this.start("loss");
        return [cotangent];
      },
    });
    const backwardEnds = customOp({
      name: "stepClockLossBackwardEnds",
      forward: (predictions) => predictions!,
      backward: (cotangent) => {
        this.stop("loss");
        return [cotangent];
      },
    });
    return (predictions: Traced, targets) => {
      const marked = backwardEnds(predictions);
      return backwardStarts(this.timed("loss", () => loss(marked, targets) as Operand));
    };
  }

  /**
   * `optimizer` with `update` and `fusedApply` timed: a spread keeps every declared member, so `fit` takes the
   * same fused step as with `optimizer` itself.
   */
  optimizer<State>(optimizer: GradientTransformation<State>): GradientTransformation<State> {
    const { update, fusedApply } = optimizer;
    return {
      ...optimizer,
      update: (gradients, state, params, options) =>
        this.timed("optimizer", () => update.call(optimizer, gradients, state, params, options)),
      ...(fusedApply === undefined
        ? {}
        : {
            fusedApply: (gradients, state, params, options) =>
              this.timed("optimizer", () => fusedApply.call(optimizer, gradients, state, params, options)),
          }),
    };
  }
}

import {
  adadelta,
  adagrad,
  adam,
  adamax,
  adamw,
  amsgrad,
  constantSchedule,
  cosineDecay,
  exponentialDecay,
  lion,
  momentum,
  nadam,
  nesterov,
  oneCycle,
  piecewiseConstantSchedule,
  radam,
  rmsprop,
  sgd,
  warmupCosineDecay,
} from "@descent/optimizers";
import { type ElementwiseRegularizer, elasticNet, l1, l2 } from "@descent/regularizers";
import type { GradientTransformation, Schedule } from "@descent/spec";
import type { OptimizerName, RegularizerName, ScheduleName } from "../state/choices.js";

/**
 * The optimizer `name` with its package defaults, reading its learning rate from `learningRate` at every
 * step, so the rate and its schedule can change while training runs without resetting the optimizer.
 */
export function buildOptimizer(
  name: OptimizerName,
  learningRate: () => number,
): GradientTransformation<unknown> {
  const options = { learningRate: () => learningRate() };
  const factories: Record<OptimizerName, () => GradientTransformation<unknown>> = {
    sgd: () => sgd(options),
    momentum: () => momentum(options),
    nesterov: () => nesterov(options),
    adagrad: () => adagrad(options),
    rmsprop: () => rmsprop(options),
    adadelta: () => adadelta(options),
    adam: () => adam(options),
    adamw: () => adamw(options),
    adamax: () => adamax(options),
    amsgrad: () => amsgrad(options),
    nadam: () => nadam(options),
    radam: () => radam(options),
    lion: () => lion(options),
  };
  return factories[name]();
}

/** The schedule's factor of the chosen learning rate, as a function of (fractional) epochs. */
export function buildSchedule(name: ScheduleName): Schedule {
  switch (name) {
    case "constant":
      return constantSchedule(1);
    case "exponential":
      return exponentialDecay({ initialValue: 1, decayRate: 0.5, transitionSteps: 100 });
    case "step":
      return piecewiseConstantSchedule({ boundaries: [200, 400], values: [1, 0.1, 0.01] });
    case "cosine":
      return cosineDecay({ initialValue: 1, decaySteps: 500 });
    case "warmupCosine":
      return warmupCosineDecay({ initialValue: 0, peakValue: 1, warmupSteps: 20, decaySteps: 500 });
    case "oneCycle": {
      // oneCycle peaks at maxValue; its start is maxValue/25, so the factor starts small and peaks at 1.
      return oneCycle({ maxValue: 1, totalSteps: 500 });
    }
  }
}

/** The penalty added to the loss, or null for none and for dropout (which is a layer). */
export function buildRegularizer(name: RegularizerName, rate: number): ElementwiseRegularizer | null {
  if (rate === 0) return null;
  switch (name) {
    case "l1":
      return l1(rate);
    case "l2":
      return l2(rate);
    case "elasticNet":
      return elasticNet(rate, rate);
    case "none":
    case "dropout":
      return null;
  }
}

import type { GradientTransformation } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { run, vector } from "../test-helpers.js";
import { adam, adamax, adamw, amsgrad, lion, nadam, radam } from "./adam-family.js";
import { adadelta, adagrad, rmsprop } from "./adaptive.js";
import { momentum, nesterov, sgd } from "./sgd.js";

type Factory = (options: Record<string, unknown>) => GradientTransformation<unknown>;

const factories: [string, Factory][] = [
  ["sgd", sgd as Factory],
  ["momentum", momentum as Factory],
  ["nesterov", nesterov as Factory],
  ["adagrad", adagrad as Factory],
  ["rmsprop", rmsprop as Factory],
  ["adadelta", adadelta as Factory],
  ["adam", adam as Factory],
  ["adamw", adamw as Factory],
  ["amsgrad", amsgrad as Factory],
  ["adamax", adamax as Factory],
  ["nadam", nadam as Factory],
  ["radam", radam as Factory],
  ["lion", lion as Factory],
];

describe("options are validated with errors naming the optimizer, the option, the value and the range", () => {
  it.each(factories)("%s: learningRate", (name, make) => {
    expect(() => make({ learningRate: -0.1 })).toThrow(
      new ValueError(name, "learningRate = -0.1 is outside [0, ∞): pass a finite number ≥ 0"),
    );
    expect(() => make({ learningRate: Number.NaN })).toThrow(
      new ValueError(name, "learningRate = NaN is outside [0, ∞): pass a finite number ≥ 0"),
    );
    expect(() => make({ learningRate: Number.POSITIVE_INFINITY })).toThrow(ValueError);
  });

  it.each(factories)("%s: `lr` is refused with a hint", (name, make) => {
    expect(() => make({ lr: 0.1 })).toThrow(
      new RegExp(`^${name}: unknown option "lr" \\(use learningRate\\)`),
    );
  });

  it.each(factories)("%s: a scheduled learning rate is checked at every step", (name, make) => {
    const optimizer = make({ learningRate: (step: number) => (step < 2 ? 0.01 : -1) });
    expect(() => run(optimizer, { w: vector([1]) }, 3, () => ({ w: vector([1]) }))).toThrow(
      new ValueError(
        name,
        "the learningRate schedule returned -1 at step 2: a learningRate must be a finite number ≥ 0, fix the schedule",
      ),
    );
  });

  const betas: [string, Factory, string][] = [
    ["adam", adam as Factory, "beta1"],
    ["adam", adam as Factory, "beta2"],
    ["adamw", adamw as Factory, "beta1"],
    ["amsgrad", amsgrad as Factory, "beta2"],
    ["adamax", adamax as Factory, "beta2"],
    ["nadam", nadam as Factory, "beta1"],
    ["radam", radam as Factory, "beta2"],
    ["lion", lion as Factory, "beta1"],
    ["lion", lion as Factory, "beta2"],
    ["rmsprop", rmsprop as Factory, "decay"],
    ["adadelta", adadelta as Factory, "rho"],
    ["sgd", sgd as Factory, "momentum"],
  ];
  it.each(betas)("%s: %s outside [0, 1)", (name, make, option) => {
    for (const value of [1, 1.5, -0.1, Number.NaN]) {
      expect(() => make({ [option]: value })).toThrow(
        new ValueError(name, `${option} = ${value} is outside [0, 1): pass a number like 0.9`),
      );
    }
    expect(() => make({ [option]: 0 })).not.toThrow();
  });

  const epsilons: [string, Factory][] = [
    ["adam", adam as Factory],
    ["adamw", adamw as Factory],
    ["amsgrad", amsgrad as Factory],
    ["adamax", adamax as Factory],
    ["nadam", nadam as Factory],
    ["radam", radam as Factory],
    ["adagrad", adagrad as Factory],
    ["rmsprop", rmsprop as Factory],
    ["adadelta", adadelta as Factory],
  ];
  it.each(epsilons)("%s: epsilon ≤ 0", (name, make) => {
    for (const value of [0, -1e-8]) {
      expect(() => make({ epsilon: value })).toThrow(
        new ValueError(name, `epsilon = ${value} is outside (0, ∞): pass a finite number > 0`),
      );
    }
  });

  it.each(factories)("%s: options must be an object", (name, make) => {
    expect(() => make(null as never)).toThrow(new RegExp(`^${name}: options = null is not an object`));
  });

  it("weight decay, accumulator and nesterov checks", () => {
    expect(() => adamw({ weightDecay: -1 })).toThrow(
      new ValueError("adamw", "weightDecay = -1 is outside [0, ∞): pass a finite number ≥ 0"),
    );
    expect(() => adagrad({ initialAccumulatorValue: -0.1 })).toThrow(
      /adagrad: initialAccumulatorValue = -0.1 is outside \[0, ∞\)/,
    );
    expect(() => sgd({ nesterov: true })).toThrow(
      new ValueError("sgd", "nesterov needs momentum > 0 (got momentum = 0): pass a momentum like 0.9"),
    );
    expect(() => sgd({ nesterov: "yes" as never })).toThrow(/sgd: nesterov = "yes" is not a boolean/);
    expect(() => nesterov({ nesterov: false } as never)).toThrow(/unknown option "nesterov"/);
  });

  it("defaults follow PyTorch", () => {
    const params = { w: vector([1]) };
    const firstUpdate = (optimizer: GradientTransformation<unknown>) =>
      optimizer.update({ w: vector([1]) }, optimizer.init(params), params).updates.w;
    // with g = 1 the first step is −η·1/(1 + ε) for adam, adamax (ε in the max) and adagrad: it shows the default η and ε
    expect((firstUpdate(adam()) as { data: Float64Array }).data[0]).toBeCloseTo(-1e-3 / (1 + 1e-8), 15);
    expect((firstUpdate(adamax()) as { data: Float64Array }).data[0]).toBeCloseTo(-2e-3 / (1 + 1e-8), 15);
    expect((firstUpdate(sgd()) as { data: Float64Array }).data[0]).toBe(-1e-3);
    expect((firstUpdate(adagrad()) as { data: Float64Array }).data[0]).toBeCloseTo(-0.01 / (1 + 1e-10), 15);
    expect((firstUpdate(lion()) as { data: Float64Array }).data[0]).toBe(-1e-4);
  });
});

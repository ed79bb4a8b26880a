// Why this exists: every public function of @descent/activations, given random or adversarial input, must
// return a correct result or throw a typed descent error naming the argument (fuzz.shared.ts) — never a raw
// TypeError, never an activation built from an inherited name ("constructor", "toString", "__proto__") or an
// inherited option, never a NaN from options that were accepted. For finite inputs, every activation's
// value, derivative, vectorized forward/backward and autodiff gradient are finite (each is finite on the
// reals), and the vectorized kernels agree with the scalar formulas bit for bit. Fixed seeds; the suite
// prints how many cases it ran.

import { sum, type Traced, valueAndGrad } from "@descent/autodiff";
import { type Tensor, tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allFinite, expectDescentOutcome, fuzzSuite } from "../../../fuzz.shared";
import * as api from "./index.js";
import { type ActivationName, activations, getActivation } from "./index.js";

const { check } = fuzzSuite("activations");

const NAMES = Object.keys(activations) as ActivationName[];
const OPTION_KEYS = [
  "alpha",
  "subgradientAtZero",
  "approximate",
  "min",
  "max",
  "subgradientAtMin",
  "subgradientAtMax",
  "subgradientAtSix",
  "subgradientAtMinusThree",
  "subgradientAtThree",
  "beta",
  "threshold",
  "axis",
];
const PROTOTYPE_NAMES = [
  "constructor",
  "toString",
  "__proto__",
  "hasOwnProperty",
  "valueOf",
  "prototype",
  "__defineGetter__",
];

const badValue = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  -1,
  0,
  0.5,
  1,
  2,
  6,
  1e308,
  -1e308,
  "0.1",
  "tanh",
  "none",
  null,
  undefined,
  true,
  [],
  {},
  10n,
  () => 1,
  Object.create(null),
);
const optionValue = fc.oneof(fc.double({ min: -10, max: 10 }), badValue);
const options = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.dictionary(fc.constantFrom(...OPTION_KEYS), optionValue, {
      maxKeys: 3,
    }) as fc.Arbitrary<unknown>,
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      JSON.parse('{"__proto__": {"alpha": 5}}'),
      Object.create({ alpha: Number.NaN }),
      new Date(0),
      [0.2],
      null,
      0.2,
      "alpha",
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const finite = fc.double({ min: -30, max: 30, noNaN: true });
const floatArray = fc.oneof(
  fc
    .array(fc.oneof(finite, badValue.filter((v) => typeof v === "number") as fc.Arbitrary<number>), {
      maxLength: 8,
    })
    .map((v) => Float64Array.from(v)),
  fc.array(finite, { maxLength: 8 }).map((v) => Float32Array.from(v)),
);
const anyArray = fc.oneof(
  floatArray as fc.Arbitrary<unknown>,
  badValue,
  fc.constantFrom<unknown>(new Int32Array(3), [1, 2, 3]),
);

const ERROR_NAMES = [
  "options",
  "option",
  "valid",
  "must be",
  "subdifferential",
  "axis",
  "approximate",
  "x ",
  "x.",
  "x is",
  "y is",
  "input",
  "output",
  "gradient",
  "activation",
  "unknown",
  "tensor",
  "shape",
  "dtype",
  "plain object",
];

describe("activations fuzz: constructors and the registry", () => {
  it("getActivation: any name (prototype names included) and any options", () => {
    const name = fc.oneof(
      fc.constantFrom<unknown>(...NAMES, ...PROTOTYPE_NAMES),
      badValue,
      fc.string({ maxLength: 6 }),
    );
    check(
      fc.property(name, options, (n, o) => {
        const before = Object.keys(Object.prototype).length;
        const outcome = expectDescentOutcome(() => getActivation(n as ActivationName, o as object), {
          names: [...ERROR_NAMES, "valid names are"],
          check: (activation) =>
            (typeof n === "string" && Object.hasOwn(activations, n) && activation.name.length > 0) ||
            `built ${String(activation?.name)} from ${String(n)}`,
        });
        if (!outcome.ok && typeof n === "string" && !Object.hasOwn(activations, n)) {
          expect(outcome.error.message).toContain(`valid names are ${NAMES.join(", ")}`);
        }
        expect(Object.keys(Object.prototype).length).toBe(before);
      }),
      1500,
    );
  });

  it("refuses prototype names, listing the valid ones", () => {
    for (const name of PROTOTYPE_NAMES) {
      expect(() => getActivation(name as ActivationName)).toThrow(
        `getActivation: unknown activation "${name}": valid names are relu`,
      );
    }
  });

  it("every constructor: any options give a consistent activation or a typed error", () => {
    const constructors: Record<string, (o: unknown) => unknown> = {};
    for (const name of NAMES) constructors[name] = (o) => (activations[name] as (o: unknown) => unknown)(o);
    for (const name of [
      "relu",
      "leakyRelu",
      "elu",
      "selu",
      "celu",
      "gelu",
      "silu",
      "swish",
      "mish",
      "sigmoid",
      "hardSigmoid",
      "tanh",
      "hardTanh",
      "relu6",
      "softplus",
      "softsign",
      "linear",
      "logSigmoid",
      "softmaxActivation",
      "logSoftmaxActivation",
    ]) {
      const factory = (api as unknown as Record<string, (o: unknown) => unknown>)[name]!;
      constructors[`${name} (direct)`] = factory;
    }
    for (const [label, build] of Object.entries(constructors)) {
      check(
        fc.property(options, (o) => {
          expectDescentOutcome(() => build(o), {
            names: ERROR_NAMES,
            check: (activation) => {
              const built = activation as { options: Record<string, unknown>; toJSON(): unknown };
              for (const value of Object.values(built.options)) {
                if (typeof value === "number" && !Number.isFinite(value))
                  return `${label}: option ${value} accepted`;
              }
              // The options it reports rebuild it.
              const again = getActivation(
                (built as unknown as { name: ActivationName }).name,
                built.options as object,
              );
              return (
                JSON.stringify(again.toJSON()) === JSON.stringify(built.toJSON()) ||
                "options do not round-trip"
              );
            },
          });
        }),
        60,
      );
    }
  });
});

describe("activations fuzz: scalar, vectorized and differentiable forms", () => {
  const elementwise = NAMES.filter((name) => name !== "softmax" && name !== "logSoftmax");

  it("value, derivative, forward, backward, compute and apply: adversarial arguments", () => {
    for (const name of [...elementwise, "softmax", "logSoftmax"] as ActivationName[]) {
      const activation = getActivation(name) as unknown as Record<string, (...args: unknown[]) => unknown>;
      const methods = ["value", "derivative", "forward", "backward", "compute", "apply"].filter(
        (m) => typeof activation[m] === "function",
      );
      check(
        fc.property(
          fc.constantFrom(...methods),
          fc.array(
            fc.oneof(
              anyArray,
              fc.constantFrom<unknown>(
                { shape: [-1], dtype: "float32", data: new Float32Array(0) },
                { shape: [3], dtype: "float32", data: new Float32Array(2) },
                tensor([1, 2]),
              ),
            ),
            { maxLength: 4 },
          ),
          (method, args) => {
            expectDescentOutcome(() => activation[method]!(...args), { names: ERROR_NAMES });
          },
        ),
        300,
      );
    }
  });

  it("erf, erfc, softmax, logSoftmax, applyActivation: adversarial arguments", () => {
    const calls: Record<string, (args: unknown[]) => unknown> = {
      erf: (args) => api.erf(args[0] as number),
      erfc: (args) => api.erfc(args[0] as number),
      softmax: (args) => api.softmax(args[0] as Tensor, args[1] as number),
      logSoftmax: (args) => api.logSoftmax(args[0] as Tensor, args[1] as number),
      applyActivation: (args) => api.applyActivation(args[0] as never, args[1] as Tensor),
      defineActivation: (args) =>
        api.defineActivation(args[0] as string, args[1] as object, args[2] as never).value(0),
    };
    const arg = fc.oneof(
      badValue,
      fc.constantFrom<unknown>(
        tensor([1, 2]),
        { shape: [-2], dtype: "float32", data: new Float32Array(2) },
        api.relu(),
        "relu",
        1,
        -1,
        0.5,
        100,
      ),
    );
    for (const [name, call] of Object.entries(calls)) {
      check(
        fc.property(fc.array(arg, { maxLength: 3 }), (args) => {
          expectDescentOutcome(() => call(args), {
            names: [
              ...ERROR_NAMES,
              "axis",
              "x",
              "activation",
              "definition",
              "name",
              "kernels",
              "forward",
              "backward",
              "argument",
            ],
            check: (result) =>
              name.startsWith("erf") ? typeof result === "number" || "erf gave a non-number" : true,
          });
        }),
        200,
      );
    }
  });

  it("finite inputs give finite values and derivatives, and the kernels match the scalar formulas", () => {
    for (const name of elementwise) {
      const activation = api.activations[name]() as api.ElementwiseActivation;
      check(
        fc.property(fc.array(finite, { minLength: 1, maxLength: 16 }), (values) => {
          const input = Float64Array.from(values);
          const output = new Float64Array(input.length);
          activation.forward(input, output);
          const gradient = new Float64Array(input.length);
          activation.backward(input, output, new Float64Array(input.length).fill(1), gradient);
          expect(allFinite(output), `${name} forward`).toBe(true);
          expect(allFinite(gradient), `${name} backward`).toBe(true);
          for (let i = 0; i < input.length; i++) {
            expect(Object.is(output[i], activation.value(input[i]!)), `${name} value at ${input[i]}`).toBe(
              true,
            );
            expect(
              Object.is(gradient[i], activation.derivative(input[i]!, output[i]!)),
              `${name} derivative`,
            ).toBe(true);
          }
        }),
        60,
      );
    }
  });

  it("any accepted options with finite inputs give finite values and derivatives", () => {
    const numericOptions = fc.dictionary(
      fc.constantFrom(...OPTION_KEYS.filter((key) => key !== "approximate" && key !== "axis")),
      fc.double({ min: -10, max: 10, noNaN: true }),
      { maxKeys: 3 },
    );
    for (const name of elementwise) {
      check(
        fc.property(numericOptions, fc.array(finite, { minLength: 1, maxLength: 8 }), (o, values) => {
          let activation: api.ElementwiseActivation;
          try {
            activation = (activations[name] as (o: unknown) => api.ElementwiseActivation)(o);
          } catch {
            return; // rejected options: the outcome rule above covers the error's form
          }
          for (const x of values) {
            const y = activation.value(x);
            expect(Number.isFinite(y), `${name}(${JSON.stringify(o)}) at ${x}`).toBe(true);
            expect(
              Number.isFinite(activation.derivative(x, y)),
              `${name}'(${JSON.stringify(o)}) at ${x}`,
            ).toBe(true);
          }
        }),
        60,
      );
    }
  });

  it("finite inputs give finite autodiff gradients, softmax included", () => {
    for (const name of NAMES) {
      const activation = getActivation(name);
      check(
        fc.property(
          fc.array(finite, { minLength: 1, maxLength: 12 }),
          fc.constantFrom("float32" as const, "float64" as const),
          (values, dtype) => {
            const x = tensor(values, [values.length], dtype);
            const { value, gradients } = valueAndGrad((input: Traced) => sum(activation.apply(input)))(x);
            expect(Number.isFinite((value as Tensor).item()), `${name} value`).toBe(true);
            expect(allFinite((gradients as Tensor).data), `${name} gradient`).toBe(true);
            expect(allFinite(activation.compute(x).data), `${name} compute`).toBe(true);
          },
        ),
        40,
      );
    }
  });
});

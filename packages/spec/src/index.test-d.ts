import { describe, expectTypeOf, it } from "vitest";
import type {
  Activation,
  ArrayAllocator,
  FusedStep,
  FusedStepOptions,
  FusedStepResult,
  GradientTransformation,
  Mask,
  ParamTree,
  Regularizer,
  Tensor,
  TreePath,
  UpdateOptions,
} from "./index.js";

describe("@descent/spec interfaces", () => {
  it("a plain object with shape, dtype and data is a Tensor (structural, no classes)", () => {
    const plain = { shape: [2] as const, dtype: "float32" as const, data: new Float32Array(2) };
    expectTypeOf(plain).toExtend<Tensor>();
    expectTypeOf({ shape: [2], dtype: "int8", data: new Int8Array(2) }).not.toExtend<Tensor>();
  });

  it("parameter trees nest by name", () => {
    const tensor: Tensor = { shape: [1], dtype: "float64", data: new Float64Array(1) };
    expectTypeOf({ layer1: { weights: tensor, bias: tensor } }).toExtend<ParamTree>();
    expectTypeOf({ layer1: 3 }).not.toExtend<ParamTree>();
  });

  it("a mask is a predicate on (path, tensor) or a tree of booleans; a path is a list of keys", () => {
    expectTypeOf<TreePath>().toEqualTypeOf<readonly string[]>();
    expectTypeOf(
      (path: TreePath, tensor: Tensor) => path.length > 0 && tensor.shape.length > 1,
    ).toExtend<Mask>();
    expectTypeOf({ encoder: false, decoder: { weights: true } }).toExtend<Mask>();
    expectTypeOf((name: string) => name === "bias").not.toExtend<Mask>();
    expectTypeOf({ encoder: 1 }).not.toExtend<Mask>();
  });

  it("gradient transformations keep their state type through update", () => {
    type Counter = { readonly count: number };
    const counter: GradientTransformation<Counter> = {
      init: () => ({ count: 0 }),
      update: (gradients, state) => ({ updates: gradients, state: { count: state.count + 1 } }),
    };
    expectTypeOf(counter.init({})).toEqualTypeOf<Counter>();
    expectTypeOf(counter.update({}, { count: 0 }, {}).state).toEqualTypeOf<Counter>();
  });

  it("a transformation may declare its one-pass step and pass-through, typed by its state", () => {
    type Counter = { readonly count: number };
    const step: GradientTransformation<Counter> = {
      init: () => ({ count: 0 }),
      update: (gradients, state) => ({ updates: gradients, state: { count: state.count + 1 } }),
      fusedApply: (_gradients, state, params, options) => ({
        params,
        state: { count: state.count + (options?.scale ?? 1) },
        finite: true,
        gradientsReleased: true,
      }),
    };
    expectTypeOf(step.fusedApply).toEqualTypeOf<FusedStep<Counter> | undefined>();
    expectTypeOf<FusedStepResult<Counter>["state"]>().toEqualTypeOf<Counter>();
    expectTypeOf<FusedStepOptions["allocate"]>().toEqualTypeOf<
      ((dtype: "float32" | "float64", length: number) => Float32Array | Float64Array) | undefined
    >();
    // The caller's arrays for the next state and the updates: the same allocator type in both options.
    expectTypeOf<Parameters<GradientTransformation<Counter>["update"]>[3]>().toEqualTypeOf<
      UpdateOptions | undefined
    >();
    expectTypeOf<FusedStepOptions["allocateState"]>().toEqualTypeOf<ArrayAllocator | undefined>();
    expectTypeOf<UpdateOptions["allocateUpdates"]>().toEqualTypeOf<ArrayAllocator | undefined>();
    expectTypeOf<GradientTransformation["releasesGradients"]>().toEqualTypeOf<true | undefined>();
    // A declared step must return the transformation's own state type.
    expectTypeOf({
      init: () => ({ count: 0 }),
      update: (gradients: ParamTree, state: Counter) => ({ updates: gradients, state }),
      fusedApply: (_g: ParamTree, _s: Counter, params: ParamTree) => ({
        params,
        state: "wrong",
        finite: true,
        gradientsReleased: true,
      }),
    }).not.toExtend<GradientTransformation<Counter>>();
    expectTypeOf({ ...step, passesGradientsThrough: true as const }).toExtend<
      GradientTransformation<Counter>
    >();
    expectTypeOf({ ...step, passesGradientsThrough: false }).not.toExtend<GradientTransformation<Counter>>();
    // Declarations are `true` or absent: a `false` would read as a declaration to a truthiness check.
    expectTypeOf<GradientTransformation["propagatesNonFinite"]>().toEqualTypeOf<true | undefined>();
    expectTypeOf({ ...step, propagatesNonFinite: false }).not.toExtend<GradientTransformation<Counter>>();
  });

  it("activations and regularizers are plain values", () => {
    expectTypeOf<Activation["derivative"]>().parameters.toEqualTypeOf<[number, number]>();
    expectTypeOf<Regularizer["penalty"]>().returns.toEqualTypeOf<number>();
  });
});

// Consumer type test of @descent/spec (built declarations, strict, nodenext, skipLibCheck false).
import type { DType, GradientTransformation, Metric, ParamTree, Tensor } from "@descent/spec";

const leaf: Tensor = { shape: [2], dtype: "float32", data: new Float32Array(2) };
const tree: ParamTree = { dense_1: { weights: leaf, bias: leaf } };
expectAssignable<ParamTree>(tree);
expectTrue<Equal<"float32" | "float64" extends DType ? true : false, true>>();
// @ts-expect-error -- float16 is not a dtype of descent
const half: DType = "float16";

// @ts-expect-error -- a leaf of a parameter tree is a tensor, not a number
const notATree: ParamTree = { weights: 1 };

const halve: GradientTransformation<{ readonly step: number }> = {
  init: () => ({ step: 0 }),
  update: (gradients, state) => ({ updates: gradients, state: { step: state.step + 1 } }),
};
expectTrue<Equal<ReturnType<typeof halve.init>, { readonly step: number }>>();

// @ts-expect-error -- direction is "higher" or "lower"
const badMetric: Metric = { name: "m", direction: "up", compute: () => 0 };

export { badMetric, half, notATree };

// Consumer type test of @descent/autodiff and @descent/autodiff/testing (built declarations, strict, nodenext, skipLibCheck false).
import { sum, type Traced, valueAndGrad } from "@descent/autodiff";
import { checkGradient, type GradientCheck } from "@descent/autodiff/testing";
import { type Tensor, tensor } from "@descent/tensor";

const f = (x: Traced) => sum(x);
const { value, gradients } = valueAndGrad(f)(tensor([1, 2, 3]));
expectAssignable<Tensor>(value);
expectAssignable<Tensor>(gradients);
const check: GradientCheck = checkGradient(f, tensor([1, 2, 3], [3], "float64"));
expectTrue<Equal<typeof check.ok, boolean>>();

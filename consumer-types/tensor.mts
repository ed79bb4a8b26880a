// Consumer type test of @descent/tensor (built declarations, strict, nodenext, skipLibCheck false).
import type { Tensor as TensorLike } from "@descent/spec";
import {
  add,
  createRandom,
  type DescentError,
  matmul,
  normal,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from "@descent/tensor";

const a = tensor([
  [1, 2],
  [3, 4],
]);
expectTrue<Equal<typeof a, Tensor>>();
expectAssignable<TensorLike>(a);
const product: Tensor = matmul(a, add(a, normal(createRandom(0), [2, 2])));
expectTrue<Equal<typeof product.shape, readonly number[]>>();
expectAssignable<DescentError>(new ValueError("op", "message"));
expectAssignable<typeof DescentError>(ShapeError);

// @ts-expect-error -- float16 is not a dtype of descent
tensor([1], [1], "float16");

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
import { getKernels, jsKernels, type Kernels, scaledAddFloat32 } from "@descent/tensor/kernels";

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

// The kernel level is its own entry point: the active kernels implement the one Kernels interface.
expectAssignable<Kernels>(getKernels());
expectAssignable<Kernels>(jsKernels);
const finite: boolean = scaledAddFloat32(new Float32Array(4), new Float32Array(4), new Float32Array(4), -0.1);
expectTrue<Equal<typeof finite, boolean>>();

// @ts-expect-error -- float16 is not a dtype of descent
tensor([1], [1], "float16");

// Consumer type test of @descent/optimizers (built declarations, strict, nodenext, skipLibCheck false).
import {
  type AdamState,
  adam,
  chain,
  clipByGlobalNorm,
  createOptimizer,
  type GradientTransformation,
  type Optimizer,
  type StatefulOptimizer,
  sgd,
} from "@descent/optimizers";
import type { ParamTree } from "@descent/spec";

// Swapping: any optimizer is an Optimizer, whatever its state.
let optimizer: Optimizer = adam({ learningRate: 1e-3 });
optimizer = sgd({ learningRate: 0.1 });
optimizer = chain(clipByGlobalNorm(1), adam());
expectAssignable<GradientTransformation<unknown>>(optimizer);
// @ts-expect-error -- an Optimizer is a transformation value, not a function to call
optimizer({ learningRate: 1 });

// Typed state where it is known.
const typed = adam();
expectTrue<Equal<typeof typed, GradientTransformation<AdamState>>>();

// The stateful convenience keeps its state type.
declare const params: ParamTree;
const stateful: StatefulOptimizer<AdamState> = createOptimizer(adam(), params);
expectTrue<Equal<typeof stateful.state, AdamState>>();
const next: ParamTree = stateful.step(params);

export { next, optimizer };

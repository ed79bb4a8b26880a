// Consumer type test of @descent/regularizers (built declarations, strict, nodenext, skipLibCheck false).
import { type ElementwiseRegularizer, elasticNet, l1, l2, maxNorm } from "@descent/regularizers";
import type { Constraint, Regularizer } from "@descent/spec";

let penalty: Regularizer = l2(1e-4);
penalty = l1(1e-5); // swappable: every regularizer is a Regularizer
penalty = elasticNet(1e-5, 1e-4);
expectAssignable<ElementwiseRegularizer>(l2(1e-4));
expectAssignable<Constraint>(maxNorm(3));
// @ts-expect-error -- the strength is a number
l2("1e-4");

export { penalty };

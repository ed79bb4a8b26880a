// Consumer type test of @descent/activations (built declarations, strict, nodenext, skipLibCheck false).
import {
  type ActivationName,
  type activations,
  type ElementwiseActivation,
  type ElementwiseActivationName,
  gelu,
  getActivation,
  isActivationName,
  leakyRelu,
  relu,
} from "@descent/activations";

// Names are a union of the built-in names, not `string`: a typo is a compile error.
expectTrue<Equal<ActivationName, keyof typeof activations>>();
expectTrue<Equal<"relu" extends ActivationName ? true : false, true>>();
expectTrue<Equal<string extends ActivationName ? true : false, false>>();
getActivation("relu");
// @ts-expect-error -- "rleu" is not an activation name
getActivation("rleu");
// @ts-expect-error -- a name typed `string` must be checked first (isActivationName)
getActivation("relu" as string);
// Options are typed by name.
getActivation("leakyRelu", { alpha: 0.2 });
// @ts-expect-error -- relu has no option "alpha"
getActivation("relu", { alpha: 0.2 });

// Swapping: every element-wise activation is an ElementwiseActivation.
let hidden: ElementwiseActivation = relu();
hidden = gelu();
hidden = leakyRelu(0.1);
const fromUi = "swish" as ElementwiseActivationName;
hidden = getActivation(fromUi);
// A name from a file or a UI is narrowed by the guard.
const saved: string = JSON.parse('"tanh"');
if (isActivationName(saved)) expectTrue<Equal<typeof saved, ActivationName>>();

export { hidden };

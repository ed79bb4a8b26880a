import type { Experiment } from "../experiment.js";
import { activations } from "./activations.js";
import { batchSize } from "./batch-size.js";
import { complexity } from "./complexity/index.js";
import { depth } from "./depth/index.js";
import { domains } from "./domains/index.js";
import { fashionFull } from "./fashion-full/index.js";
import { gdVariants } from "./gd-variants.js";
import { history } from "./history.js";
import { learningRate } from "./learning-rate/index.js";
import { misconceptions } from "./misconceptions/index.js";
import { optimizers } from "./optimizers/index.js";
import { peers } from "./peers/index.js";
import { regularization } from "./regularization/index.js";
import { stepProfile } from "./step-profile/index.js";

/** Every experiment, in report order. Adding a table = one file and one line here. */
export const experiments: readonly Experiment<unknown>[] = [
  history,
  gdVariants,
  domains,
  optimizers,
  learningRate,
  complexity,
  batchSize,
  activations,
  depth,
  regularization,
  misconceptions,
  peers,
  stepProfile,
  fashionFull,
];

/** The ids accepted by `--only`. */
export const experimentIds: readonly string[] = experiments.map((experiment) => experiment.id);

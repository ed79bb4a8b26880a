/**
 * `@descent/nn/node`: the Node-only parts of `@descent/nn` — model files on disk (atomic writes), the
 * terminal progress bar, and `fit` with the progress bar on by default.
 *
 * @packageDocumentation
 */

import type { ParamTree } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import type { Model } from "./layers/index.js";
import { saveModel } from "./node/files.js";
import { progressBar } from "./node/progress-bar.js";
import type { TrainingData } from "./training/batches.js";
import { checkpoint } from "./training/callbacks.js";
import { fit as fitQuietly } from "./training/fit.js";
import type { Callback, FitOptions, FitResult } from "./training/types.js";

export type { ImportedSafetensors, ImportSafetensorsOptions } from "./io/import-safetensors.js";
export {
  type LoadedModel,
  type LoadModelOptions,
  loadModel,
  loadSnapshot,
  saveModel,
  writeFileAtomic,
} from "./node/files.js";
export { importSafetensors } from "./node/import-safetensors-file.js";
export { type ProgressBarOptions, progressBar } from "./node/progress-bar.js";

/**
 * `fit` from `@descent/nn` with a {@link progressBar} added (drawn only on a TTY). `verbose: false` turns
 * it off.
 *
 * @example
 * import { fit } from "@descent/nn/node";
 * const { params: trained } = fit(model, params, train, { optimizer, loss: "softmaxCrossEntropyFromLogits", epochs: 5 });
 */
export function fit(
  model: Model,
  params: ParamTree,
  data: TrainingData,
  options: FitOptions & { readonly verbose?: boolean },
): FitResult {
  if (options?.verbose !== undefined && typeof options.verbose !== "boolean") {
    throw new ValueError(
      "fit",
      `options.verbose is ${String(options.verbose)}: pass true (draw a progress bar) or false`,
    );
  }
  const callbacks =
    options.verbose === false ? options.callbacks : [...(options.callbacks ?? []), progressBar()];
  const { verbose: _verbose, ...fitOptions } = options;
  return fitQuietly(model, params, data, { ...fitOptions, callbacks });
}

/**
 * A checkpoint callback that saves the full training state into `directory` every `everySteps` steps
 * (see `saveModel`); resume with `fit(model, loaded.params, data, { …, state: loaded.state, resume: loaded.training })`.
 *
 * @example
 * fit(model, params, train, { …, callbacks: [checkpointToDirectory("checkpoints/run1", 500)] })
 */
export function checkpointToDirectory(directory: string, everySteps: number): Callback {
  return checkpoint({ everySteps, save: (snapshot) => saveModel(directory, snapshot) });
}

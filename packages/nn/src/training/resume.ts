import { checkOptimizerState } from "@descent/optimizers";
import type { GradientTransformation, ParamTree } from "@descent/spec";
import { DescentError, ValueError } from "@descent/tensor";
import type { TrainingCheckpoint } from "./types.js";

/** What a checkpoint must agree with to resume this run. */
interface ResumeContext {
  readonly seed: number;
  readonly count: number;
  readonly stepsPerEpoch: number;
  readonly optimizer: GradientTransformation<unknown>;
  readonly params: ParamTree;
}

/**
 * Checks a parsed checkpoint (see `parseTrainingCheckpoint`) against the run that resumes it: the same seed,
 * a position inside an epoch of this data, and an optimizer state this optimizer accepts — structure and
 * values (`checkOptimizerState`: Adam's `count: -5` or a negative second moment would turn the parameters
 * into NaN). Returns the checked optimizer state.
 *
 * @throws ValueError naming the field of `options.resume` and the fix.
 * @example
 * const optimizerState = checkResume("fit", resume, { seed, count, stepsPerEpoch, optimizer, params });
 */
export function checkResume(op: string, resume: TrainingCheckpoint, run: ResumeContext): unknown {
  if (resume.seed !== run.seed) {
    throw new ValueError(
      op,
      `the checkpoint was made with seed ${resume.seed} but options.seed is ${run.seed}: pass the same seed to resume`,
    );
  }
  // batchInEpoch = stepsPerEpoch is a checkpoint taken after an epoch's last step, its end-of-epoch work pending.
  if (resume.batchInEpoch > run.stepsPerEpoch) {
    throw new ValueError(
      op,
      `options.resume.batchInEpoch is ${resume.batchInEpoch} but an epoch of this data has ${run.stepsPerEpoch} batches: resume with the data and batch size the checkpoint was made with`,
    );
  }
  if (resume.epochSampleCount > run.count) {
    throw new ValueError(
      op,
      `options.resume.epochSampleCount is ${resume.epochSampleCount} but the data has ${run.count} samples: resume with the data the checkpoint was made with`,
    );
  }
  try {
    return checkOptimizerState(run.optimizer, resume.optimizerState, run.params);
  } catch (error) {
    if (!(error instanceof DescentError)) throw error;
    throw new ValueError(
      op,
      `options.resume.optimizerState does not fit this optimizer and these parameters (${error.message}): resume with the optimizer and parameters the checkpoint was made with`,
    );
  }
}

import { earlyStopping, type FitOptions } from "@descent/nn";
import { adam, adamw, chain, scaleByAdam, scaleByLearningRate } from "@descent/optimizers";
import { elasticNet, l1, l2, maxNorm, proximalL1 } from "@descent/regularizers";
import type { Dataset } from "@descent/spec";

/** Strengths of the regularizers (one value each; the table shows them). */
export interface Strengths {
  /** λ of the L1 penalty `λ Σ|w|`, added to the loss (subgradient 0 at w = 0). */
  readonly l1: number;
  /** λ of proximal L1 (soft-thresholding by η·λ after each Adam step: exact zeros). */
  readonly proximalL1: number;
  /** λ of the L2 penalty `½λ‖w‖²` (coupled: its gradient goes through Adam). */
  readonly l2: number;
  /** [λ₁, λ₂] of the elastic net `λ₁Σ|w| + ½λ₂‖w‖²`. */
  readonly elasticNet: readonly [number, number];
  /** Dropout rate after the hidden layer. */
  readonly dropout: number;
  /** λ of AdamW's decoupled decay `θ ← θ − η·λ·θ`. */
  readonly weightDecay: number;
  /** Largest norm of each unit's incoming weights, enforced after every step. */
  readonly maxNorm: number;
  /** Epochs without a lower validation loss before early stopping (best weights restored). */
  readonly patience: number;
}

/** What a method changes: the fit options (optimizer, penalties, constraints, callbacks) and the dropout rate. */
export interface Method {
  readonly name: string;
  readonly setting: string;
  readonly dropout: number;
  options(learningRate: number, validation: Dataset): Partial<FitOptions>;
}

/** The regularization methods compared, each on top of Adam with the same learning rate. Biases are never penalized. */
export function methods(strengths: Strengths): Method[] {
  const base = (learningRate: number) => ({ optimizer: adam({ learningRate }) });
  const method = (
    name: string,
    setting: string,
    options: (learningRate: number, validation: Dataset) => Partial<FitOptions>,
    dropout = 0,
  ): Method => ({ name, setting, dropout, options });
  const [elasticL1, elasticL2] = strengths.elasticNet;
  return [
    method("none", "Adam only", base),
    method("L1 penalty", `λ = ${strengths.l1}, λΣ|w| added to the loss`, (η) => ({
      ...base(η),
      regularizers: [l1(strengths.l1)],
    })),
    method("L1, proximal", `λ = ${strengths.proximalL1}, soft-threshold by η·λ after each step`, (η) => ({
      optimizer: chain(
        scaleByAdam(),
        scaleByLearningRate(η),
        proximalL1(strengths.proximalL1, { learningRate: η }),
      ),
    })),
    method("L2 penalty", `λ = ${strengths.l2}, ½λ‖w‖² added to the loss`, (η) => ({
      ...base(η),
      regularizers: [l2(strengths.l2)],
    })),
    method("elastic net", `λ₁ = ${elasticL1}, λ₂ = ${elasticL2}`, (η) => ({
      ...base(η),
      regularizers: [elasticNet(elasticL1, elasticL2)],
    })),
    method("dropout", `rate ${strengths.dropout} after the hidden layer`, base, strengths.dropout),
    method("decoupled weight decay (AdamW)", `λ = ${strengths.weightDecay}, θ ← θ − η·λ·θ`, (η) => ({
      optimizer: adamw({
        learningRate: η,
        weightDecay: strengths.weightDecay,
        mask: (path) => path.at(-1) !== "bias",
      }),
    })),
    method(
      "early stopping",
      `patience ${strengths.patience} on validation loss, best weights restored`,
      (η, validation) => ({
        ...base(η),
        validationData: validation,
        callbacks: [earlyStopping({ patience: strengths.patience, monitor: "validationLoss" })],
      }),
    ),
    method("max-norm", `‖w_unit‖ ≤ ${strengths.maxNorm} after each step`, (η) => ({
      ...base(η),
      constraints: [maxNorm(strengths.maxNorm)],
    })),
  ];
}

import type { Snapshot } from "../worker/protocol.js";

/** The dead neurons of one hidden layer. */
export interface DeadLayer {
  /** The column's name, e.g. "hidden 1". */
  readonly name: string;
  /** Labels of the dead neurons, e.g. "h1.3". */
  readonly dead: readonly string[];
  readonly size: number;
}

/**
 * The hidden layers that have dead neurons: neurons whose incoming weights and bias get a gradient of
 * norm exactly 0 over the whole training set (`snapshot.unitGradientNorms`), so no step can change them.
 * The output neuron is not counted (it has no activation that can die).
 *
 * @example
 * deadUnits(snapshot) // [{ name: "hidden 1", dead: ["h1.1"], size: 4 }]
 */
export function deadUnits(snapshot: Pick<Snapshot, "columns" | "unitGradientNorms">): DeadLayer[] {
  const layers: DeadLayer[] = [];
  // Column 0 holds the features and the last column the output: the hidden layers are in between.
  for (let column = 1; column < snapshot.columns.length - 1; column++) {
    const norms = snapshot.unitGradientNorms[column - 1];
    const { name, labels } = snapshot.columns[column]!;
    if (!norms) continue;
    const dead = labels.filter((_, unit) => norms[unit] === 0);
    if (dead.length > 0) layers.push({ name, dead, size: labels.length });
  }
  return layers;
}

/**
 * The warning shown for dead neurons, or null when there are none.
 *
 * @example
 * deadUnitsMessage([{ name: "hidden 1", dead: ["h1.1"], size: 4 }])
 * // "1 of 4 neurons in hidden 1 is dead (h1.1): …"
 */
export function deadUnitsMessage(layers: readonly DeadLayer[]): string | null {
  if (layers.length === 0) return null;
  const total = layers.reduce((sum, layer) => sum + layer.dead.length, 0);
  const parts = layers.map(
    (layer, k) =>
      `${layer.dead.length} of ${layer.size}${k === 0 ? " neurons" : ""} in ${layer.name} (${layer.dead.join(", ")})`,
  );
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `${list} ${total === 1 ? "is" : "are"} dead: ‖∇‖ = 0 on every training point, so training cannot change ${total === 1 ? "it" : "them"}. A smaller learning rate, leakyRelu or elu, or a reset can help.`;
}

import { ValueError } from "@descent/tensor";
import type { Layer } from "./types.js";
import { describe, isObject } from "./validate.js";

/*
 * Why this exists: `sequential` runs `[dense, relu]` as one op (`dense(…, { activation: "relu" })`: the same
 * bits, one pass fewer each way). It decides from declarations only — `fusedWithRelu` on the first layer,
 * `fusable: "relu"` on the second, set by `activation` for the built-in relu by name — never by running a
 * user's function, and records every rewrite in `model.config.fusions`, which a rebuild follows exactly.
 */

/** One rewrite of `sequential`, as `model.config.fusions` records it. */
export interface Fusion {
  /** The parameter-tree names of the two layers run as one op. */
  readonly layers: readonly [string, string];
  /** What they became, e.g. `"dense+relu"`. */
  readonly into: string;
}

/**
 * The rewrites of a layer list: every declared pair, left to right (`saved` undefined), or exactly those a
 * saved config lists (checked); and, at each pair's first index, the fused layer to run instead of both.
 */
export function planFusions(
  layers: readonly Layer[],
  layerNames: readonly string[],
  saved: unknown,
  isLayer: (value: unknown) => value is Layer,
): { readonly fusions: readonly Fusion[]; readonly fusedLayers: readonly (Layer | undefined)[] } {
  const fusedAt = saved === undefined ? declaredFusions(layers) : savedFusions(saved, layers, layerNames);
  const fusedLayers = layers.map((layer, i) => {
    if (!fusedAt.includes(i)) return undefined;
    const fused: unknown = layer.fusedWithRelu!();
    if (!isLayer(fused)) {
      throw new ValueError(
        "sequential",
        `layer "${layerNames[i]}".fusedWithRelu() returned ${describe(fused)}, not a layer: return the layer with relu fused in`,
      );
    }
    return fused;
  });
  const fusions = fusedAt.map(
    (i): Fusion => ({ layers: [layerNames[i]!, layerNames[i + 1]!], into: `${layers[i]!.type}+relu` }),
  );
  return { fusions, fusedLayers };
}

/** Whether `layers[i]` and the next run as one op: a layer with `fusedWithRelu`, then a declared relu. */
function canFuse(layers: readonly Layer[], i: number): boolean {
  return typeof layers[i]?.fusedWithRelu === "function" && layers[i + 1]?.fusable === "relu";
}

/** The indices of the first layer of every pair that can fuse, left to right, pairs not overlapping. */
function declaredFusions(layers: readonly Layer[]): number[] {
  const fusedAt: number[] = [];
  for (let i = 0; i < layers.length - 1; i++) {
    if (canFuse(layers, i)) fusedAt.push(i++);
  }
  return fusedAt;
}

/** The pairs a saved config's `fusions` names, each checked against the layers it was rebuilt with. */
function savedFusions(saved: unknown, layers: readonly Layer[], layerNames: readonly string[]): number[] {
  const op = "layerFromConfig";
  if (!Array.isArray(saved)) {
    throw new ValueError(
      op,
      `sequential config's "fusions" is ${describe(saved)}: expected an array such as [{ layers: ["dense_1", "activation_1"], into: "dense+relu" }]`,
    );
  }
  const fusedAt: number[] = [];
  saved.forEach((entry: unknown, k) => {
    const names = isObject(entry) ? entry.layers : undefined;
    const first = Array.isArray(names) && names.length === 2 ? layerNames.indexOf(names[0]) : -1;
    const valid =
      first !== -1 &&
      layerNames[first + 1] === (names as unknown[])[1] &&
      canFuse(layers, first) &&
      (entry as { into?: unknown }).into === `${layers[first]!.type}+relu` &&
      !fusedAt.some((i) => Math.abs(i - first) < 2);
    if (!valid) {
      throw new ValueError(
        op,
        `sequential config's fusions[${k}] (${Array.isArray(names) ? `layers [${names.map((name) => describe(name)).join(", ")}]` : describe(entry)}) cannot fuse: each entry names a dense layer and the built-in relu right after it, { layers: ["dense_1", "activation_1"], into: "dense+relu" }, once; drop the entry to run the layers apart`,
      );
    }
    fusedAt.push(first);
  });
  return fusedAt.sort((a, b) => a - b);
}

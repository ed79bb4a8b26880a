import type { FloatDType, ParamTree, Tensor as TensorLike, TreeLayout } from "@descent/spec";
import {
  allocate as allocateZeros,
  formatPath,
  layoutLeaves,
  ShapeError,
  Tensor,
  treeFlatten,
  treeLeavesLike,
  treeUnflatten,
} from "@descent/tensor";
import { scaledAddFloat32 } from "@descent/tensor/kernels";

type NumericArray = Float32Array | Float64Array;

/** The new parameters of a fused learning-rate step, and whether all of them are finite. */
export interface ScaledApplyResult {
  readonly params: ParamTree;
  readonly finite: boolean;
}

/**
 * `θ + s·(f·u)` leaf by leaf in one pass, rounding exactly as the two-pass path does: `f·u` is rounded to
 * the updates' dtype (the array `scaleByLearningRate` writes), then `·s` likewise (the caller's rescaling,
 * skipped when `s = 1`), then the sum to the parameters' dtype (`applyUpdates`). With `layout`
 * (`FusedStepOptions.layout`), both trees are read by it and only their leaves' sizes are compared.
 */
export function scaledApply(
  op: string,
  updates: ParamTree,
  params: ParamTree,
  factor: number,
  scale: number,
  allocate: (dtype: FloatDType, length: number) => NumericArray = allocateZeros,
  layout?: TreeLayout,
): ScaledApplyResult {
  const flat =
    layout === undefined
      ? treeFlatten(params, { op, name: "params" })
      : { ...layout, leaves: layoutLeaves(layout, params, { op, name: "params" }) };
  const deltas =
    layout === undefined
      ? treeLeavesLike(flat, updates, { op, names: ["params", "updates"] })
      : layoutLeaves(layout, updates, { op, name: "updates" });
  let finite = true;
  const leaves: TensorLike[] = new Array(flat.leaves.length);
  for (let k = 0; k < flat.leaves.length; k++) {
    const p = flat.leaves[k]!;
    const u = deltas[k]!.data;
    if (u.length !== p.data.length) {
      const name = formatPath(flat.paths[k]!);
      throw new ShapeError(
        op,
        `updates.${name} has ${u.length} elements but params.${name} has ${p.data.length}: both trees must hold tensors of the same shapes under the same names`,
      );
    }
    const out = allocate(p.dtype, p.data.length);
    const pData = p.data;
    const ok =
      scale === 1 && out instanceof Float32Array && pData instanceof Float32Array && u instanceof Float32Array
        ? scaledAddFloat32(out, pData, u, factor)
        : applyAny(out, pData, u, factor, scale);
    finite &&= ok;
    leaves[k] = new Tensor(out, p.shape);
  }
  return { params: treeUnflatten(flat.structure, leaves), finite };
}

function applyAny(
  out: NumericArray,
  p: NumericArray,
  u: NumericArray,
  factor: number,
  scale: number,
): boolean {
  const roundUpdate = u instanceof Float32Array;
  const rescale = scale !== 1;
  for (let i = 0; i < out.length; i++) {
    let delta = factor * u[i]!;
    if (roundUpdate) delta = Math.fround(delta);
    if (rescale) {
      delta *= scale;
      if (roundUpdate) delta = Math.fround(delta);
    }
    out[i] = p[i]! + delta;
  }
  for (let i = 0; i < out.length; i++) {
    const value = out[i]!;
    if (value - value !== 0) return false;
  }
  return true;
}

/** True when every element of every leaf is finite. */
export function treeFinite(tree: ParamTree): boolean {
  for (const leaf of treeFlatten(tree, { op: "treeFinite" }).leaves) {
    const data = leaf.data;
    for (let i = 0; i < data.length; i++) {
      const value = data[i]!;
      if (value - value !== 0) return false;
    }
  }
  return true;
}

import type { Tensor, TreeLayout, TreeOf, TreePath, TreeStructure } from "@descent/spec";
import { ValueError } from "../core/errors.js";
import { assertTensorLike } from "../core/tensor-like.js";
import { isPlainObject, isTensorLike } from "./leaf.js";
import { describeLocation, describeNode, MAX_TREE_DEPTH, setOwnProperty } from "./path.js";

/** A tree taken apart: its structure, and its leaves with their paths in depth-first, own-key order. */
export interface FlatTree<Leaf = Tensor> extends TreeLayout {
  /** The leaves, in the same order as {@link FlatTree.paths}. */
  readonly leaves: readonly Leaf[];
}

/** How a tree walk reads a tree and names it in errors. */
export interface TreeOptions {
  /** The operation named in errors (`"adam"`, `"valueAndGrad"`). Default: the tree function's name. */
  readonly op?: string;
  /** What the tree is called in errors when the root itself is wrong. Default `"the tree"`. */
  readonly name?: string;
  /** Arrays are nodes whose keys are their positions (autodiff's argument lists). Default `false`: an array is an error. */
  readonly arrays?: boolean;
  /** The root may itself be a leaf (a lone tensor, path `[]`). Default `false`: the root must be a node. */
  readonly leafRoot?: boolean;
  /**
   * A key `"__proto__"`: `"refuse"` (default) throws a {@link ValueError} naming the path; `"own"` keeps it
   * as an own key of every tree built from this one (never as a prototype).
   */
  readonly prototypeKey?: "refuse" | "own";
  /**
   * Called with every key and its path before the value under it is read (empty subtrees included): throw
   * to refuse a name, as nn refuses names a weights file cannot store.
   */
  readonly checkKey?: (key: string, path: TreePath) => void;
  /** Values taken as leaves as they are, before the tensor check (autodiff's traced values). */
  readonly isLeaf?: (value: unknown) => boolean;
  /** The fix named when a value is neither a tensor nor a node. Default: pass a tensor or an object of named tensors. */
  readonly hint?: string;
}

const LEAF: TreeStructure = { kind: "leaf", keys: [], children: [] };

/**
 * Takes `tree` apart into its structure and its leaves, depth-first in own-key order (`jax.tree_util.tree_flatten`).
 * Leaves are tensors (checked with `assertTensorLike`) and whatever `options.isLeaf` accepts; nodes are plain
 * objects (and arrays with `options.arrays`). Only own enumerable keys are read.
 *
 * @throws {@link ValueError} naming the path of a value that is neither a leaf nor a node, of a cycle, of nesting
 *   deeper than {@link MAX_TREE_DEPTH}, or of a refused `"__proto__"` key; the errors of `assertTensorLike`
 *   (`ShapeError`, `DTypeError`) for a tensor whose shape or dtype lies about its data.
 * @example
 * ```ts
 * const { structure, paths, leaves } = treeFlatten({ layer: { weights, bias } });
 * paths; // [["layer", "weights"], ["layer", "bias"]]
 * treeUnflatten(structure, leaves.map((t) => t.shape.length)); // { layer: { weights: 2, bias: 1 } }
 * ```
 */
export function treeFlatten<Leaf = Tensor>(
  tree: TreeOf<NoInfer<Leaf>> | NoInfer<Leaf>,
  options: TreeOptions = {},
): FlatTree<Leaf> {
  const paths: TreePath[] = [];
  const leaves: Leaf[] = [];
  const walk = new Walk(options, "treeFlatten", paths, leaves as unknown[]);
  if (walk.leaf(tree, [])) {
    if (options.leafRoot !== true) {
      throw new ValueError(
        walk.op,
        `${walk.name} is a tensor, not a tree: pass an object of named tensors, e.g. { weights }`,
      );
    }
    paths.push([]);
    leaves.push(tree as Leaf);
    return { structure: LEAF, paths, leaves };
  }
  return { structure: walk.node(tree, []), paths, leaves };
}

/**
 * Rebuilds a tree of `structure` with `leaves` in flat order (the inverse of {@link treeFlatten}). Keys are set
 * as own properties, so a `"__proto__"` key is an own key, never the result's prototype.
 *
 * @throws {@link ValueError} when the number of leaves is not the structure's.
 * @example
 * ```ts
 * const { structure, leaves } = treeFlatten(params);
 * const doubled = treeUnflatten(structure, leaves.map((t) => mul(t, 2)));
 * ```
 */
export function treeUnflatten<Leaf>(structure: TreeStructure, leaves: readonly Leaf[]): TreeOf<Leaf> {
  const cursor = { index: 0 };
  const result = build(structure, leaves, cursor);
  if (cursor.index !== leaves.length) {
    throw new ValueError(
      "treeUnflatten",
      `the structure has ${cursor.index} leaves but ${leaves.length} were given: pass one leaf per leaf of the structure`,
    );
  }
  return result as TreeOf<Leaf>;
}

function build(structure: TreeStructure, leaves: readonly unknown[], cursor: { index: number }): unknown {
  if (structure.kind === "leaf") {
    if (cursor.index >= leaves.length) {
      throw new ValueError(
        "treeUnflatten",
        `the structure has more leaves than the ${leaves.length} given: pass one leaf per leaf of the structure`,
      );
    }
    return leaves[cursor.index++];
  }
  const { keys, children } = structure;
  if (structure.kind === "array") {
    const items = new Array<unknown>(keys.length);
    for (let i = 0; i < keys.length; i++) items[i] = build(children[i]!, leaves, cursor);
    return items;
  }
  const node: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) setOwnProperty(node, keys[i]!, build(children[i]!, leaves, cursor));
  return node;
}

/** One depth-first walk: its options, and the ancestors on the current path (for cycles). */
class Walk {
  readonly op: string;
  readonly name: string;
  private readonly ancestors = new Set<object>();

  constructor(
    private readonly options: TreeOptions,
    defaultOp: string,
    private readonly paths: TreePath[],
    private readonly leaves: unknown[],
  ) {
    this.op = typeof options.op === "string" && options.op !== "" ? options.op : defaultOp;
    this.name = typeof options.name === "string" && options.name !== "" ? options.name : "the tree";
  }

  /** True when `value` is a leaf; a tensor leaf is checked to be consistent first. */
  leaf(value: unknown, path: TreePath): boolean {
    if (this.options.isLeaf?.(value) === true) return true;
    if (!isTensorLike(value)) return false;
    assertTensorLike(
      this.op,
      value,
      path.length === 0 ? this.name : `tensor ${describeLocation(this.name, path)}`,
    );
    return true;
  }

  node(value: unknown, path: TreePath): TreeStructure {
    const array = Array.isArray(value);
    if ((array && this.options.arrays !== true) || (!array && !isPlainObject(value))) {
      throw new ValueError(
        this.op,
        `${describeLocation(this.name, path)} is ${describeNode(value)}, not a tensor: ${this.options.hint ?? "pass a tensor or an object of named tensors"}`,
      );
    }
    const node = value as object;
    if (this.ancestors.has(node)) {
      throw new ValueError(
        this.op,
        `${describeLocation(this.name, path)} refers back to an enclosing object: a tree of tensors must not contain cycles`,
      );
    }
    if (this.ancestors.size >= MAX_TREE_DEPTH) {
      throw new ValueError(
        this.op,
        `${describeLocation(this.name, path)} is nested more than ${MAX_TREE_DEPTH} levels deep (MAX_TREE_DEPTH): flatten the tree of tensors`,
      );
    }
    this.ancestors.add(node);
    const keys = array ? Array.from((node as unknown[]).keys(), String) : Object.keys(node);
    const children = new Array<TreeStructure>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const childPath = [...path, key];
      this.options.checkKey?.(key, childPath);
      if (key === "__proto__" && this.options.prototypeKey !== "own") {
        throw new ValueError(
          this.op,
          `${describeLocation(this.name, childPath)}: "__proto__" cannot name a parameter (as a key it would set an object's prototype): rename it`,
        );
      }
      const child = (node as Record<string, unknown>)[key];
      if (this.leaf(child, childPath)) {
        children[i] = LEAF;
        this.paths.push(childPath);
        this.leaves.push(child);
      } else {
        children[i] = this.node(child, childPath);
      }
    }
    this.ancestors.delete(node);
    return { kind: array ? "array" : "object", keys, children };
  }
}

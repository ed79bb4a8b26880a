import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { assertTensorLike, formatShape, ShapeError, ValueError } from "@descent/tensor";

/** The names from the root of a tree to one of its leaves, e.g. `["layer1", "bias"]`. */
export type TreePath = readonly string[];

/** The shape of a tree without its leaves: the keys of each node, `null` where a tensor sits. */
export interface TreeStructure {
  readonly keys: readonly string[];
  readonly children: readonly (TreeStructure | null)[];
}

/** A tree taken apart: its structure, and its leaves with their paths in a fixed depth-first order. */
export interface FlatTree {
  readonly structure: TreeStructure;
  readonly paths: readonly TreePath[];
  readonly leaves: readonly TensorLike[];
}

/** True for anything shaped like a tensor (`shape` array + typed-array `data`); structural, never `instanceof`. */
export function isTensor(value: unknown): value is TensorLike {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { readonly shape?: unknown; readonly data?: unknown };
  return Array.isArray(candidate.shape) && ArrayBuffer.isView(candidate.data);
}

/** Dotted name of a path for messages: `layer1.bias` (`<root>` for the empty path). */
export function pathName(path: TreePath): string {
  if (!Array.isArray(path)) {
    throw new ValueError(
      "pathName",
      `path = ${describe(path)} is not an array of names: pass e.g. ["layer1", "bias"]`,
    );
  }
  return path.length === 0 ? "<root>" : path.map((key) => String(key)).join(".");
}

/** Deepest nesting a tree may have; deeper (or cyclic) trees are refused instead of overflowing the stack. */
export const MAX_TREE_DEPTH = 100;

/**
 * Sets `node[key] = value` as an own data property: for the key `"__proto__"` a plain assignment would
 * set the object's prototype instead, so names that come from outside go through here.
 */
export function setOwn(node: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    node[key] = value;
  }
}

/** Takes `tree` apart into its structure and leaves (depth-first, in the tree's own key order). */
export function flatten(tree: ParamTree, op = "flatten", what = "tree"): FlatTree {
  const paths: TreePath[] = [];
  const leaves: TensorLike[] = [];
  const structure = flattenInto(tree, [], paths, leaves, op, what);
  return { structure, paths, leaves };
}

function flattenInto(
  node: ParamTree,
  prefix: string[],
  paths: TreePath[],
  leaves: TensorLike[],
  op: string,
  what: string,
): TreeStructure {
  if (typeof node !== "object" || node === null || Array.isArray(node)) {
    throw new ValueError(
      op,
      `${what}${prefix.length ? `.${pathName(prefix)}` : ""} is ${describe(node)}: expected a tensor or an object of named tensors`,
    );
  }
  if (prefix.length >= MAX_TREE_DEPTH) {
    throw new ValueError(
      op,
      `${what}.${pathName(prefix.slice(0, 6))}… nests deeper than ${MAX_TREE_DEPTH} levels (is it cyclic?): pass a tree of named tensors`,
    );
  }
  const keys = Object.keys(node);
  const children: (TreeStructure | null)[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const child = node[key];
    const path = [...prefix, key];
    if (key === "__proto__") {
      throw new ValueError(
        op,
        `${what}.${pathName(path)}: "__proto__" cannot name a parameter (as a key it would set an object's prototype): rename it`,
      );
    }
    if (isTensor(child)) {
      checkLeaf(op, what, path, child);
      children[i] = null;
      paths.push(path);
      leaves.push(child);
    } else {
      children[i] = flattenInto(child as ParamTree, path, paths, leaves, op, what);
    }
  }
  return { keys, children };
}

/**
 * A leaf must be a consistent float tensor (`@descent/tensor`'s structural check): a home-made tensor whose
 * shape or dtype lies about its data would be read out of bounds (NaN).
 */
function checkLeaf(op: string, what: string, path: TreePath, leaf: TensorLike): void {
  assertTensorLike(op, leaf, `${what}.${pathName(path)}`);
}

/**
 * The leaves of `tree` in the order of `reference`, after checking that both have the same keys and
 * that each leaf has the reference leaf's shape.
 *
 * @throws {@link ShapeError} naming the first path where the trees differ.
 */
export function leavesLike(
  op: string,
  reference: FlatTree,
  referenceName: string,
  tree: ParamTree,
  treeName: string,
): TensorLike[] {
  const leaves: TensorLike[] = [];
  collectLike(op, reference.structure, tree, [], leaves, referenceName, treeName);
  for (let k = 0; k < leaves.length; k++) {
    const a = reference.leaves[k]!.shape;
    const b = leaves[k]!.shape;
    if (!sameShape(a, b)) {
      const name = pathName(reference.paths[k]!);
      throw new ShapeError(
        op,
        `${treeName}.${name} has shape ${formatShape(b)} but ${referenceName}.${name} has shape ${formatShape(a)}: both trees must hold tensors of the same shapes under the same names`,
      );
    }
  }
  return leaves;
}

function collectLike(
  op: string,
  structure: TreeStructure,
  node: unknown,
  prefix: string[],
  leaves: TensorLike[],
  referenceName: string,
  treeName: string,
): void {
  const where = prefix.length ? `.${pathName(prefix)}` : "";
  if (typeof node !== "object" || node === null || isTensor(node)) {
    throw new ShapeError(
      op,
      `${treeName}${where} is ${describe(node)} but ${referenceName}${where} is an object of named tensors: both trees need the same keys`,
    );
  }
  const record = node as Record<string, unknown>;
  const { keys, children } = structure;
  let count = 0;
  for (const key in record) if (Object.hasOwn(record, key)) count++;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const child = record[key];
    const path = [...prefix, key];
    if (child === undefined || !Object.hasOwn(record, key)) {
      throw new ShapeError(
        op,
        `${treeName} has no entry ${pathName(path)} but ${referenceName} has: both trees need the same keys`,
      );
    }
    const childStructure = children[i]!;
    if (childStructure === null) {
      if (!isTensor(child)) {
        throw new ShapeError(
          op,
          `${treeName}.${pathName(path)} is ${describe(child)} but ${referenceName}.${pathName(path)} is a tensor: both trees need the same keys`,
        );
      }
      leaves.push(child);
    } else {
      collectLike(op, childStructure, child, path, leaves, referenceName, treeName);
    }
  }
  if (count !== keys.length) {
    const extra = Object.keys(record).find((key) => !keys.includes(key));
    throw new ShapeError(
      op,
      `${treeName} has an entry ${pathName([...prefix, extra ?? "?"])} that ${referenceName} does not have: both trees need the same keys`,
    );
  }
}

/** Rebuilds a tree of `structure` from `leaves` given in flat order. */
export function unflatten<Leaf>(structure: TreeStructure, leaves: readonly Leaf[]): ParamTreeOf<Leaf> {
  const cursor = { index: 0 };
  return build(structure, leaves, cursor);
}

/** A tree with the structure of a parameter tree and `Leaf` at each tensor's place. */
export type ParamTreeOf<Leaf> = { readonly [name: string]: Leaf | ParamTreeOf<Leaf> };

function build<Leaf>(
  structure: TreeStructure,
  leaves: readonly Leaf[],
  cursor: { index: number },
): ParamTreeOf<Leaf> {
  const node: Record<string, Leaf | ParamTreeOf<Leaf>> = {};
  const { keys, children } = structure;
  for (let i = 0; i < keys.length; i++) {
    const child = children[i]!;
    setOwn(node, keys[i]!, child === null ? leaves[cursor.index++]! : build(child, leaves, cursor));
  }
  return node;
}

/** Element-wise equality of two shapes. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return "an array";
  if (isTensor(value)) return `a tensor of shape ${formatShape(value.shape)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

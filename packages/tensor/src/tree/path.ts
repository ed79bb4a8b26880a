import type { TreePath } from "@descent/spec";
import { ValueError } from "../core/errors.js";

/**
 * The deepest nesting of objects and arrays a tree may have. Parameter trees are a few levels deep; the
 * limit turns a runaway, cyclic or hostile structure into a {@link ValueError} instead of a stack overflow.
 */
export const MAX_TREE_DEPTH = 64;

/**
 * A path as a dotted name for messages and flat keys: `["layer1", "bias"]` → `"layer1.bias"`, `[]` → `"<root>"`.
 *
 * @throws `ValueError` when `path` is not an array.
 * @example
 * ```ts
 * formatPath(["dense1", "weights"]); // "dense1.weights"
 * formatPath([]); // "<root>"
 * ```
 */
export function formatPath(path: TreePath): string {
  if (!Array.isArray(path)) {
    throw new ValueError(
      "formatPath",
      `path = ${describeNode(path)} is not an array of names: pass e.g. ["layer1", "bias"]`,
    );
  }
  return path.length === 0 ? "<root>" : path.map((key) => String(key)).join(".");
}

/**
 * Sets `node[key] = value` as an own, enumerable data property. For the key `"__proto__"` a plain
 * assignment would replace the object's prototype instead, so keys that come from outside go through here.
 *
 * @example
 * ```ts
 * const node = {};
 * setOwnProperty(node, "__proto__", 1); // Object.hasOwn(node, "__proto__") === true; Object.prototype untouched
 * ```
 */
export function setOwnProperty(node: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    node[key] = value;
  }
}

/** Where in a tree an error is: `"layer1.bias"` (quoted), or the tree's name at its root. */
export function describeLocation(name: string, path: TreePath): string {
  if (path.length === 0) return name;
  const shown = path.length > 8 ? `${path.slice(0, 8).join(".")}…` : path.join(".");
  return `"${shown}"`;
}

/** A short description of a value that is neither a tensor nor a tree node. Total: never throws. */
export function describeNode(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    return `a ${Object.prototype.toString.call(value).slice(8, -1)} (wrap it in a Tensor)`;
  }
  if (typeof value === "object") {
    const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
    const name = prototype?.constructor?.name;
    return `an object (${typeof name === "string" ? name : "no prototype"})`;
  }
  if (typeof value === "symbol") return "a symbol";
  if (typeof value === "function") return "a function";
  if (typeof value === "string") {
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  }
  return `${typeof value} ${String(value)}`;
}

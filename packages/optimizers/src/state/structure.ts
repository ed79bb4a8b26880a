import { formatShape, isTensorLike, shapesEqual, ValueError } from "@descent/tensor";

/**
 * Checks that `value` has the structure of `template` (an optimizer's `init(params)`): the same own keys,
 * array lengths, kinds of value, tensor shapes and dtypes. Only own properties of `value` are read, and the
 * walk follows the template, so a hostile or cyclic `value` cannot lead it astray.
 *
 * @throws `ValueError` `op: <path>: <what differs>: …` at the first difference.
 * @example
 * ```ts
 * checkStructure("loadState", saved, optimizer.init(params), "state");
 * ```
 */
export function checkStructure(op: string, value: unknown, template: unknown, path: string): void {
  if (isTensorLike(template)) {
    if (!isTensorLike(value))
      throw mismatch(op, path, `${describe(value)} where the optimizer keeps a tensor`);
    if (value.dtype !== template.dtype || !shapesEqual(value.shape, template.shape)) {
      throw mismatch(
        op,
        path,
        `saved ${value.dtype} tensor of shape ${formatShape(value.shape)} but the optimizer keeps ${template.dtype} of shape ${formatShape(template.shape)}`,
      );
    }
    return;
  }
  if (Array.isArray(template)) {
    if (!Array.isArray(value) || value.length !== template.length) {
      throw mismatch(op, path, `${describe(value)} where the optimizer keeps an array of ${template.length}`);
    }
    for (const [i, item] of template.entries()) checkStructure(op, value[i], item, `${path}[${i}]`);
    return;
  }
  if (template !== null && typeof template === "object") {
    if (value === null || typeof value !== "object" || Array.isArray(value) || isTensorLike(value)) {
      throw mismatch(op, path, `${describe(value)} where the optimizer keeps an object`);
    }
    const expected = Object.keys(template);
    const missing = expected.find((key) => !Object.hasOwn(value, key));
    if (missing !== undefined) throw mismatch(op, `${path}.${missing}`, "missing");
    const extra = Object.keys(value).find((key) => !Object.hasOwn(template, key));
    if (extra !== undefined) throw mismatch(op, `${path}.${extra}`, "not part of this optimizer's state");
    for (const key of expected) {
      checkStructure(
        op,
        (value as Record<string, unknown>)[key],
        (template as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
    }
    return;
  }
  if (typeof value !== typeof template || (template === null) !== (value === null)) {
    throw mismatch(op, path, `${describe(value)} where the optimizer keeps ${describe(template)}`);
  }
}

function mismatch(op: string, path: string, problem: string): ValueError {
  return new ValueError(
    op,
    `${path}: ${problem}: the saved state belongs to a different optimizer or model (same optimizer options and parameter shapes needed)`,
  );
}

/** A short description of a value for messages: `a float32 tensor of shape [2]`, `an array of 3`, `a number`. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isTensorLike(value)) return `a ${value.dtype} tensor of shape ${formatShape(value.shape)}`;
  if (typeof value === "object") {
    const prototype = Object.getPrototypeOf(value);
    if (prototype === null) return "a null-prototype object";
    const name = Object.hasOwn(prototype, "constructor")
      ? (prototype.constructor as { name?: unknown }).name
      : "";
    return `a ${typeof name === "string" && name !== "" ? name : "plain"} object`;
  }
  return `a ${typeof value}`;
}

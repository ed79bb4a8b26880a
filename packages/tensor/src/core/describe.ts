/**
 * A short description of any value for an error message. Total: it never throws, whatever it is given
 * (objects without a prototype, symbols, BigInts, cyclic or hostile objects), so building an error cannot fail.
 * Exported for the other descent packages' error messages, so they need no copy of their own.
 *
 * @example
 * ```ts
 * describeValue(10n); // "10n"
 * describeValue([4, 4, 1]); // "an array of length 3"
 * ```
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case "boolean":
    case "undefined":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
  const keys = Object.keys(value as object).slice(0, 8);
  return `an object with keys [${keys.join(", ")}]`;
}

/** The name to show for an argument: `name` when it is a string, else `fallback`. */
export function argumentName(name: unknown, fallback: string): string {
  return typeof name === "string" ? name : fallback;
}

import { ValueError } from "@descent/tensor";

/**
 * Exact JSON for a work unit's part: numbers JSON cannot hold (NaN, ±Infinity, -0) become
 * `{ "$number": "NaN" }` and back, so a part read from a shard's partial report equals the part in memory.
 * Anything but plain data (numbers, strings, booleans, null, arrays, plain objects) is refused, since it would
 * not survive the trip between machines.
 *
 * @example
 * decodeUnitPart(JSON.parse(JSON.stringify(encodeUnitPart({ loss: Number.NaN })))); // { loss: NaN }
 */
export function encodeUnitPart(value: unknown, path = "part"): unknown {
  if (typeof value === "number") {
    if (Number.isNaN(value)) return { $number: "NaN" };
    if (value === Number.POSITIVE_INFINITY) return { $number: "Infinity" };
    if (value === Number.NEGATIVE_INFINITY) return { $number: "-Infinity" };
    if (Object.is(value, -0)) return { $number: "-0" };
    return value;
  }
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((item, index) => encodeUnitPart(item, `${path}[${index}]`));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const encoded: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === "$number") {
        throw new ValueError("encodeUnitPart", `${path} has the reserved key "$number"; rename it`);
      }
      if (item !== undefined) encoded[key] = encodeUnitPart(item, `${path}.${key}`);
    }
    return encoded;
  }
  const kind = typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
  throw new ValueError(
    "encodeUnitPart",
    `${path} is a ${kind}; a work unit's part must be plain data (numbers, strings, booleans, null, arrays, plain objects): convert it (e.g. Array.from for a typed array)`,
  );
}

const special: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
  "-0": -0,
};

/**
 * Reverses {@link encodeUnitPart}.
 *
 * @example
 * decodeUnitPart({ losses: [1, { $number: "Infinity" }] }); // { losses: [1, Infinity] }
 */
export function decodeUnitPart(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeUnitPart);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === "$number") {
      const number = special[String(entries[0]![1])];
      if (number === undefined)
        throw new ValueError(
          "decodeUnitPart",
          `unknown special number "${String(entries[0]![1])}"; expected NaN, Infinity, -Infinity or -0`,
        );
      return number;
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, decodeUnitPart(item)]));
  }
  return value;
}

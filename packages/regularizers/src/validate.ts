import { ValueError } from "@descent/tensor";

/** Throws a {@link ValueError} unless `value` is a finite number ≥ 0. */
export function assertNonNegative(op: string, label: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValueError(op, `${label} ${show(value)} must be a finite number ≥ 0`);
  }
}

/** Throws a {@link ValueError} unless `value` is a finite number > 0. */
export function assertPositive(op: string, label: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ValueError(op, `${label} ${show(value)} must be a finite number > 0`);
  }
}

/** Throws a {@link ValueError} unless `options` is `undefined` or an object whose keys are all in `known`. */
export function assertOptions(op: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValueError(
      op,
      `options ${show(options)} must be an object { ${known.join(", ")} } (all optional unless documented)`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(
        op,
        `unknown option ${JSON.stringify(key)}: known options are ${known.join(", ")}`,
      );
    }
  }
}

/** Throws a {@link ValueError} unless `value` is a function. */
export function assertFunction(op: string, label: string, value: unknown, expected: string): void {
  if (typeof value !== "function")
    throw new ValueError(op, `${label} ${show(value)} must be a function ${expected}`);
}

/** A value as a message shows it (never throws: BigInt, symbols and cycles included). */
export function show(value: unknown): string {
  if (typeof value === "function") return "(a function)";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol" || typeof value === "number" || typeof value === "boolean")
    return String(value);
  if (value === undefined) return "undefined";
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  } catch {
    return Array.isArray(value) ? "(an array)" : "(an object)";
  }
}

import { ValueError } from "@descent/tensor";

/** The starting point as a fresh Float64Array, after checking that every coordinate is a finite number. */
export function initialPoint(initial: ArrayLike<number>): Float64Array {
  if (initial === null || typeof initial !== "object" || typeof initial.length !== "number") {
    throw new ValueError("minimize", "the initial point must be an array or a Float64Array of numbers");
  }
  for (let i = 0; i < initial.length; i++) {
    if (typeof initial[i] !== "number" || !Number.isFinite(initial[i])) {
      throw new ValueError(
        "minimize",
        `initial[${i}] = ${initial[i]} is not a finite number: start from a finite point`,
      );
    }
  }
  return Float64Array.from(initial);
}

/** What a value-only objective returned, checked: a number (NaN counts as +∞ for the derivative-free methods). */
export function objectiveValue(op: string, result: unknown): number {
  if (typeof result !== "number") {
    throw new ValueError(
      op,
      `the objective returned ${result === null ? "null" : typeof result}: a derivative-free method needs f(x) as a number`,
    );
  }
  return Number.isNaN(result) ? Number.POSITIVE_INFINITY : result;
}

/** What a differentiable objective returned, checked: `{ value: number, gradient: n numbers }`. */
export function objectiveValueAndGradient(
  op: string,
  result: unknown,
  n: number,
): { readonly value: number; readonly gradient: Float64Array } {
  const record = result as { value?: unknown; gradient?: unknown } | null;
  const gradient = typeof record === "object" && record !== null ? record.gradient : undefined;
  if (
    typeof record !== "object" ||
    record === null ||
    typeof record.value !== "number" ||
    typeof gradient !== "object" ||
    gradient === null ||
    typeof (gradient as ArrayLike<unknown>).length !== "number"
  ) {
    throw new ValueError(
      op,
      "the objective must return { value: number, gradient: number[] } (one gradient entry per coordinate)",
    );
  }
  const values = gradient as ArrayLike<unknown>;
  if (values.length !== n) {
    throw new ValueError(
      op,
      `the objective returned a gradient of length ${values.length} for a point of length ${n}: return one entry per coordinate`,
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (typeof x !== "number") {
      throw new ValueError(op, `the objective's gradient[${i}] is ${typeof x}: return numbers`);
    }
    out[i] = x;
  }
  return { value: record.value, gradient: out };
}

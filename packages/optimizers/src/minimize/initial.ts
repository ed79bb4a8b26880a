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

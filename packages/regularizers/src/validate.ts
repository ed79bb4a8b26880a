import { ValueError } from "@descent/tensor";

/** Throws a {@link ValueError} unless `value` is a finite number ≥ 0. */
export function assertNonNegative(op: string, label: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValueError(op, `${label} ${String(value)} must be a finite number ≥ 0`);
  }
}

/** Throws a {@link ValueError} unless `value` is a finite number > 0. */
export function assertPositive(op: string, label: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ValueError(op, `${label} ${String(value)} must be a finite number > 0`);
  }
}

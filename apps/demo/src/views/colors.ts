/** The Playground's diverging scale: orange for −1 (class 0), light grey for 0, blue for +1 (class 1). */
const NEGATIVE: readonly [number, number, number] = [245, 147, 34];
const MIDDLE: readonly [number, number, number] = [232, 234, 235];
const POSITIVE: readonly [number, number, number] = [8, 119, 189];

export const NEGATIVE_COLOR = "#f59322";
export const POSITIVE_COLOR = "#0877bd";

const LEVELS = 256;

/** RGB triples for values −1 … 1 in {@link LEVELS} steps, computed once. */
const table = (() => {
  const colors = new Uint8ClampedArray(LEVELS * 3);
  for (let i = 0; i < LEVELS; i++) {
    const t = (i / (LEVELS - 1)) * 2 - 1;
    const [from, to, f] = t < 0 ? [MIDDLE, NEGATIVE, -t] : [MIDDLE, POSITIVE, t];
    for (let c = 0; c < 3; c++) colors[i * 3 + c] = from[c]! + (to[c]! - from[c]!) * f;
  }
  return colors;
})();

/** Index into the color table of a value, clamped to [−1, 1]; NaN maps to the middle. */
export function colorIndex(value: number): number {
  if (Number.isNaN(value)) return (LEVELS >> 1) * 3;
  const t = Math.max(-1, Math.min(value, 1));
  return Math.round(((t + 1) / 2) * (LEVELS - 1)) * 3;
}

/** Writes the color of `value` into `pixels` at pixel `index` (RGBA). */
export function writeColor(pixels: Uint8ClampedArray, index: number, value: number, alpha = 255): void {
  const c = colorIndex(value);
  pixels[index * 4] = table[c]!;
  pixels[index * 4 + 1] = table[c + 1]!;
  pixels[index * 4 + 2] = table[c + 2]!;
  pixels[index * 4 + 3] = alpha;
}

/** CSS color of a value (for links, points and legends). */
export function cssColor(value: number, alpha = 1): string {
  const c = colorIndex(value);
  return `rgba(${table[c]}, ${table[c + 1]}, ${table[c + 2]}, ${alpha})`;
}

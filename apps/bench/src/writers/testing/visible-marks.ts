import type { ReportPlot } from "@descent/spec";
import { expect } from "vitest";

/** One mark element as a browser laid it out: its Vega mark type (`rect`, `line`, `symbol`, …) and box. */
export interface DrawnMark {
  readonly type: string;
  readonly width: number;
  readonly height: number;
}

/** The marks of one rendered plot. */
export interface DrawnPlot {
  readonly marks: readonly DrawnMark[];
}

/** A point that an axis can place: on a log axis only positive values have a position. */
function drawable(plot: ReportPlot, [x, y]: readonly [number, number]): boolean {
  const xOnLog = plot.xScale === "log" && (plot.kind === "line" || plot.kind === "scatter");
  return (!xOnLog || x > 0) && (plot.yScale !== "log" || plot.kind === "heatmap" || y > 0);
}

const hasArea = (mark: DrawnMark) => mark.width > 0 && mark.height > 0;
const hasExtent = (mark: DrawnMark) => mark.width > 0 || mark.height > 0;

/**
 * Asserts that a rendered plot shows its data: at least one visible mark, one bar, cell or point per
 * drawable point (with an area whenever its value is not the bar's baseline 0), and for a line plot one
 * line per series that has a point, each with a non-empty box or, for a lone point, a visible symbol.
 */
export function expectVisibleMarks(name: string, plot: ReportPlot, drawn: DrawnPlot): void {
  const series = plot.series.map((entry) => entry.points.filter((point) => drawable(plot, point)));
  const points = series.flat();
  const marksOf = (type: string) => drawn.marks.filter((mark) => mark.type === type);
  expect(points.length, `${name}: the report holds a drawable point`).toBeGreaterThan(0);
  expect(
    drawn.marks.some(plot.kind === "line" ? hasExtent : hasArea),
    `${name}: at least one visible mark`,
  ).toBe(true);
  if (plot.kind === "bar") {
    const bars = marksOf("rect");
    const nonZero = points.filter(([, y]) => y !== 0).length;
    expect(bars, `${name}: one bar per point`).toHaveLength(points.length);
    expect(bars.filter(hasArea), `${name}: every bar whose value is not 0 has width and height`).toHaveLength(
      nonZero,
    );
  } else if (plot.kind === "heatmap") {
    const cells = marksOf("rect");
    expect(cells, `${name}: one cell per point`).toHaveLength(points.length);
    expect(cells.filter(hasArea), `${name}: every cell has width and height`).toHaveLength(points.length);
  } else if (plot.kind === "scatter") {
    const symbols = marksOf("symbol");
    expect(symbols, `${name}: one symbol per point`).toHaveLength(points.length);
    expect(symbols.filter(hasArea), `${name}: every symbol has width and height`).toHaveLength(points.length);
  } else {
    const lines = marksOf("line");
    const drawnSeries = series.filter((entry) => entry.length > 0);
    const lone = drawnSeries.filter((entry) => new Set(entry.map(([x, y]) => `${x},${y}`)).size === 1).length;
    expect(lines, `${name}: one line per series with a point`).toHaveLength(drawnSeries.length);
    expect(
      lines.filter(hasExtent),
      `${name}: every line through two points has a non-empty box`,
    ).toHaveLength(drawnSeries.length - lone);
    expect(marksOf("symbol").filter(hasArea).length, `${name}: a visible symbol per lone point`).toBe(lone);
  }
}

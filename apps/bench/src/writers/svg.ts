import type { ReportPlot } from "@descent/spec";
import * as vega from "vega";
import * as vegaLite from "vega-lite";

/**
 * Where bars start on a log axis: the largest power of ten strictly below the smallest positive value,
 * so the shortest bar is still visible and bar lengths compare as ratios.
 *
 * baseline = 10^(⌈log₁₀ min⌉ − 1), divided by 10 again if rounding put it at `min`; 1 when no value is positive.
 *
 * @example
 * logBarBaseline([3.2, 40]); // 1
 * logBarBaseline([1, 40]); // 0.1
 */
export function logBarBaseline(values: readonly number[]): number {
  const positive = values.filter((value) => value > 0);
  if (positive.length === 0) return 1;
  const smallest = Math.min(...positive);
  const baseline = 10 ** (Math.ceil(Math.log10(smallest)) - 1);
  return baseline < smallest ? baseline : baseline / 10;
}

/** The Vega-Lite specification of a report plot. */
export function plotSpecification(plot: ReportPlot): vegaLite.TopLevelSpec {
  const values = plot.series.flatMap((series) =>
    series.points.filter((point) => drawable(plot, point)).map(([x, y]) => ({ series: series.name, x, y })),
  );
  const base = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: plot.title,
    width: 520,
    height: 300,
    data: { values },
    config: { font: "sans-serif" },
  } as const;
  if (plot.kind === "heatmap") {
    return {
      ...base,
      mark: "rect",
      encoding: {
        x: { field: "x", type: "ordinal", title: plot.xLabel },
        y: { field: "series", type: "nominal", title: plot.yLabel, sort: null },
        color: {
          field: "y",
          type: "quantitative",
          title: "value",
          scale: { type: "symlog", scheme: "viridis" },
        },
      },
    } as vegaLite.TopLevelSpec;
  }
  if (plot.kind === "bar") {
    const logarithmic = plot.yScale === "log";
    return {
      ...base,
      mark: "bar",
      encoding: {
        x: { field: "x", type: "ordinal", title: plot.xLabel },
        xOffset: { field: "series" },
        y: {
          field: "y",
          type: "quantitative",
          title: plot.yLabel,
          scale: { type: logarithmic ? "log" : "linear" },
        },
        // An explicit baseline makes each bar a range (no stacking), and a log axis one it can draw:
        // Vega-Lite's default baseline 0 is -∞ there, which collapsed every bar to zero height.
        y2: { datum: logarithmic ? logBarBaseline(values.map((value) => value.y)) : 0 },
        color: { field: "series", type: "nominal", title: null },
      },
    } as vegaLite.TopLevelSpec;
  }
  const encoding = {
    x: { field: "x", type: "quantitative", title: plot.xLabel, scale: { type: plot.xScale ?? "linear" } },
    y: {
      field: "y",
      type: "quantitative",
      title: plot.yLabel,
      // A log scale has no zero; only a linear one is told not to force it into the domain.
      scale: plot.yScale === "log" ? { type: "log" } : { type: "linear", zero: false },
    },
    color: { field: "series", type: "nominal", title: null },
  } as const;
  if (plot.kind === "scatter") {
    return { ...base, mark: { type: "point", filled: true }, encoding } as vegaLite.TopLevelSpec;
  }
  const lone = loneSeries(values);
  if (lone.length === 0)
    return { ...base, mark: { type: "line", point: false }, encoding } as vegaLite.TopLevelSpec;
  // A line through one point has no length: such a series (a run that stopped after its first point) gets a dot.
  return {
    ...base,
    encoding,
    layer: [
      { mark: { type: "line", point: false } },
      { mark: { type: "point", filled: true }, transform: [{ filter: { field: "series", oneOf: lone } }] },
    ],
  } as vegaLite.TopLevelSpec;
}

/** A point has a place on the plot's axes: on a log axis only a positive value has one. */
function drawable(plot: ReportPlot, [x, y]: readonly [number, number]): boolean {
  const xOnLog = plot.xScale === "log" && (plot.kind === "line" || plot.kind === "scatter");
  const yOnLog = plot.yScale === "log" && plot.kind !== "heatmap";
  return (!xOnLog || x > 0) && (!yOnLog || y > 0);
}

/** The series whose points all fall on one spot, so a line through them would not show. */
function loneSeries(values: readonly { series: string; x: number; y: number }[]): string[] {
  const spots = new Map<string, Set<string>>();
  for (const { series, x, y } of values) {
    const seen = spots.get(series) ?? new Set<string>();
    spots.set(series, seen.add(`${x},${y}`));
  }
  return [...spots].filter(([, seen]) => seen.size === 1).map(([series]) => series);
}

/** Renders a report plot to a standalone SVG document with Vega-Lite (no browser, no canvas). */
export async function renderPlotSvg(plot: ReportPlot): Promise<string> {
  const compiled = vegaLite.compile(plotSpecification(plot)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

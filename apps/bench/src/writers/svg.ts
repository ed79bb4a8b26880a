import type { ReportPlot } from "@descent/spec";
import * as vega from "vega";
import * as vegaLite from "vega-lite";

/** The Vega-Lite specification of a report plot. */
export function plotSpecification(plot: ReportPlot): vegaLite.TopLevelSpec {
  const values = plot.series.flatMap((series) =>
    series.points.map(([x, y]) => ({ series: series.name, x, y })),
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
    return {
      ...base,
      mark: "bar",
      encoding: {
        x: { field: "x", type: "ordinal", title: plot.xLabel },
        xOffset: { field: "series" },
        y: { field: "y", type: "quantitative", title: plot.yLabel, scale: { type: plot.yScale ?? "linear" } },
        color: { field: "series", type: "nominal", title: null },
      },
    } as vegaLite.TopLevelSpec;
  }
  return {
    ...base,
    mark: plot.kind === "scatter" ? { type: "point", filled: true } : { type: "line", point: false },
    encoding: {
      x: { field: "x", type: "quantitative", title: plot.xLabel, scale: { type: plot.xScale ?? "linear" } },
      y: {
        field: "y",
        type: "quantitative",
        title: plot.yLabel,
        // A log scale has no zero; only a linear one is told not to force it into the domain.
        scale: plot.yScale === "log" ? { type: "log" } : { type: "linear", zero: false },
      },
      color: { field: "series", type: "nominal", title: null },
    },
  } as vegaLite.TopLevelSpec;
}

/** Renders a report plot to a standalone SVG document with Vega-Lite (no browser, no canvas). */
export async function renderPlotSvg(plot: ReportPlot): Promise<string> {
  const compiled = vegaLite.compile(plotSpecification(plot)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

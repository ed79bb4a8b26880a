import { describe, expect, test } from "vitest";
import { formatWeight } from "../app/network-pointer.js";
import { parseWeight } from "../controls/weight-editor.js";
import type { ColumnView } from "../worker/protocol.js";
import { deadUnits, deadUnitsMessage } from "./dead-units.js";
import { BIAS_BOX, biasBox, linkPoint, parameterAt } from "./network-hit.js";
import { networkLayout } from "./network-view.js";

describe("pointing at a link or a bias of the network picture", () => {
  const sizes = [3, 4, 2, 1];
  const layout = networkLayout(sizes);

  test("every link is found at points along it, and a bias square at its center", () => {
    for (let column = 1; column < sizes.length; column++) {
      for (let from = 0; from < sizes[column - 1]!; from++) {
        for (let to = 0; to < sizes[column]!; to++) {
          // Near the ends, links of one neuron run together, and halfway i→j crosses j→i: elsewhere each link is its own.
          for (const t of from === to ? [0.3, 0.7] : [0.4, 0.6]) {
            const { x, y } = linkPoint(layout, column, from, to, t);
            expect(parameterAt(layout, sizes, x, y), `${column}:${from}→${to} at ${t}`).toEqual({
              kind: "weight",
              layer: column - 1,
              from,
              to,
            });
          }
        }
        if (from < sizes[column]!) {
          const box = biasBox(layout, column, from);
          expect(parameterAt(layout, sizes, box.x + BIAS_BOX / 2, box.y + BIAS_BOX / 2)).toEqual({
            kind: "bias",
            layer: column - 1,
            unit: from,
          });
        }
      }
    }
  });

  test("the links start and end at the thumbnails; away from every link there is nothing", () => {
    expect(linkPoint(layout, 1, 0, 2, 0)).toEqual({ x: layout.columnX[0]! + layout.thumb, y: 6 + 19 });
    expect(linkPoint(layout, 1, 0, 2, 1)).toEqual({ x: layout.columnX[1]!, y: layout.neuronY(2) + 19 });
    expect(parameterAt(layout, sizes, 2, 2)).toBeNull();
    expect(parameterAt(layout, sizes, layout.columnX[1]! + 10, layout.neuronY(1) + 10)).toBeNull();
  });
});

describe("a weight typed by hand", () => {
  test("finite numbers are read, with the minus sign too", () => {
    expect(parseWeight(" -0.5 ")).toEqual({ value: -0.5 });
    expect(parseWeight("\u22122.25")).toEqual({ value: -2.25 });
    expect(parseWeight("1e3")).toEqual({ value: 1000 });
    expect(parseWeight("0")).toEqual({ value: 0 });
  });

  test("anything else gets a message saying what to type", () => {
    for (const text of ["", "  ", "abc", "1,5", "NaN", "--1"]) {
      expect(parseWeight(text), text).toEqual({
        error: expect.stringMatching(/is not a number: type a finite number/),
      });
    }
    for (const text of ["Infinity", "-Infinity", "1e39"]) {
      expect(parseWeight(text), text).toEqual({
        error: expect.stringMatching(/too large: .*finite number below 3.4e38/),
      });
    }
  });

  test("values are shown with four significant digits (a float32 0.1 as 0.1)", () => {
    expect(formatWeight(Math.fround(0.1))).toBe("0.1");
    expect(formatWeight(-1.23456)).toBe("-1.235");
    expect(formatWeight(-100)).toBe("-100");
  });
});

describe("the dead-neuron warning", () => {
  const column = (name: string, size: number): ColumnView => ({
    name,
    labels: Array.from({ length: size }, (_, k) => (name === "output" ? "ŷ" : `h${name.at(-1)}.${k + 1}`)),
    grids: [],
    weights: null,
    bias: null,
  });
  const columns = [column("features", 2), column("hidden 1", 4), column("hidden 2", 2), column("output", 1)];

  test("names how many neurons of which layer are dead; the output is not counted", () => {
    const snapshot = {
      columns,
      unitGradientNorms: [Float64Array.of(0, 0.3, 0, 1e-30), Float64Array.of(0.2, 0.1), Float64Array.of(0)],
    };
    expect(deadUnits(snapshot)).toEqual([{ name: "hidden 1", dead: ["h1.1", "h1.3"], size: 4 }]);
    expect(deadUnitsMessage(deadUnits(snapshot))).toMatch(
      /^2 of 4 neurons in hidden 1 \(h1\.1, h1\.3\) are dead: ‖∇‖ = 0 on every training point/,
    );
    const two = {
      columns,
      unitGradientNorms: [Float64Array.of(0, 1, 1, 1), Float64Array.of(1, 0), Float64Array.of(1)],
    };
    expect(deadUnitsMessage(deadUnits(two))).toMatch(
      /^1 of 4 neurons in hidden 1 \(h1\.1\) and 1 of 2 in hidden 2 \(h2\.2\) are dead/,
    );
  });

  test("no dead neuron, no warning", () => {
    const alive = {
      columns,
      unitGradientNorms: [Float64Array.of(1, 1, 1, 1), Float64Array.of(1, 1), Float64Array.of(0)],
    };
    expect(deadUnits(alive)).toEqual([]);
    expect(deadUnitsMessage([])).toBeNull();
  });
});

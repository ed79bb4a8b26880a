import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCsv } from "../node/load-csv.js";
import { parseCsv } from "./parse-csv.js";

function errorOf(action: () => unknown): Error & { line?: number; column?: number; file?: string } {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("parseCsv", () => {
  it("reads a header, numeric inputs and a numeric target", () => {
    const dataset = parseCsv("x,y,label\n1,2.5,0\n-3,4e2,1\n", { target: "label" });
    expect(dataset.inputs.shape).toEqual([2, 2]);
    expect(Array.from(dataset.inputs.data)).toEqual([1, 2.5, -3, 400]);
    expect(Array.from(dataset.targets.data)).toEqual([0, 1]);
    expect(dataset.columnNames).toEqual(["x", "y"]);
    expect(dataset.targetName).toBe("label");
    expect(dataset.classes).toBeUndefined();
  });

  it("selects and orders columns by name or index; no target gives [n, 0] targets", () => {
    const text = "a,b,c\n1,2,3\n4,5,6";
    expect(Array.from(parseCsv(text, { columns: ["c", 0] }).inputs.data)).toEqual([3, 1, 6, 4]);
    const dataset = parseCsv(text);
    expect(dataset.targets.shape).toEqual([2, 0]);
    expect(dataset.inputs.shape).toEqual([2, 3]);
  });

  it("without a header, names columns 0, 1, … and reads the first line as data", () => {
    const dataset = parseCsv("1,2\n3,4\n", { header: false, target: 1, dtype: "float64" });
    expect(Array.from(dataset.inputs.data)).toEqual([1, 3]);
    expect(Array.from(dataset.targets.data)).toEqual([2, 4]);
    expect(dataset.inputs.dtype).toBe("float64");
    expect(dataset.columnNames).toEqual(["0"]);
  });

  it("encodes a text target as sorted classes", () => {
    const dataset = parseCsv("length,species\n5.1,setosa\n7.0,versicolor\n4.9,setosa\n", {
      target: "species",
    });
    expect(dataset.classNames).toEqual(["setosa", "versicolor"]);
    expect(dataset.classes).toBe(2);
    expect(Array.from(dataset.targets.data)).toEqual([0, 1, 0]);
  });

  it("handles quotes, escaped quotes, CRLF, a BOM, spaces around numbers, blank lines and other delimiters", () => {
    const text = '\uFEFF"x","name, quoted",y\r\n 1 ,"say ""hi""",2\r\n\r\n3,"multi\nline",4\r\n';
    const dataset = parseCsv(text, { columns: ["x", "y"], target: "name, quoted", targetType: "category" });
    expect(Array.from(dataset.inputs.data)).toEqual([1, 2, 3, 4]);
    expect(dataset.classNames).toEqual(["multi\nline", 'say "hi"']);
    expect(Array.from(parseCsv("a;b\n1;2", { delimiter: ";" }).inputs.data)).toEqual([1, 2]);
  });

  it("names the line and column of a cell that is not a number", () => {
    const error = errorOf(() => parseCsv("x,y\n1,2\n3,abc\n", { name: "table.csv" }));
    expect(error.name).toBe("DataError");
    expect(error.message).toBe(
      'parseCsv: table.csv: line 3, column 2 ("y"): "abc" is not a number: fix the cell, or leave the column out with `columns`',
    );
    expect(error.line).toBe(3);
    expect(error.column).toBe(2);
  });

  it("counts lines inside quoted fields, and reports empty cells", () => {
    const error = errorOf(() => parseCsv('note,x\n"two\nlines",1\nok,\n', { columns: ["x"] }));
    expect(error.message).toMatch(/line 4, column 2 \("x"\): is empty/);
  });

  it("names the line of a ragged row and the first missing or extra column", () => {
    expect(errorOf(() => parseCsv("a,b,c\n1,2,3\n4,5\n")).message).toMatch(
      /line 3, column 3: row has 2 fields but the header has 3/,
    );
    expect(errorOf(() => parseCsv("a,b\n1,2,3\n")).message).toMatch(
      /line 2, column 3: row has 3 fields but the header has 2/,
    );
  });

  it("reports an unclosed quote where it opened, and text after a closing quote", () => {
    expect(errorOf(() => parseCsv('a,b\n1,"open\n2,3\n')).message).toMatch(
      /line 2, column 2: quoted field is never closed/,
    );
    expect(errorOf(() => parseCsv('a,b\n1,"x"y\n')).message).toMatch(
      /line 2, column 2: text after a closing quote/,
    );
  });

  it("rejects NaN, Infinity, hex and an unknown column", () => {
    for (const cell of ["NaN", "Infinity", "0x10", "1,5"]) {
      expect(() => parseCsv(`a\n"${cell}"`)).toThrow(/is not a number/);
    }
    expect(() => parseCsv("a,b\n1,2", { target: "c" })).toThrow(
      /no column named "c": the columns are "a", "b"/,
    );
    expect(() => parseCsv("")).toThrow(/no rows/);
  });
});

describe("loadCsv (Node)", () => {
  it("reads a file and puts its path in errors", () => {
    const directory = mkdtempSync(join(tmpdir(), "descent-csv-"));
    const good = join(directory, "good.csv");
    writeFileSync(good, "x,label\n1,a\n2,b\n");
    const dataset = loadCsv(good, { target: "label" });
    expect(dataset.name).toBe(good);
    expect(dataset.classNames).toEqual(["a", "b"]);
    const bad = join(directory, "bad.csv");
    writeFileSync(bad, "x\n1\n2x\n");
    expect(() => loadCsv(bad)).toThrow(`${bad}: line 3, column 1 ("x"): "2x" is not a number`);
    expect(() => loadCsv(join(directory, "missing.csv"))).toThrow(/missing\.csv does not exist/);
  });
});

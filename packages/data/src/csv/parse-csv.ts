import type { Dataset, FloatDType } from "@descent/spec";
import { allocate, Tensor, ValueError } from "@descent/tensor";
import { createDataset } from "../core/dataset.js";
import { DataError } from "../core/errors.js";
import {
  checkAllocation,
  checkBoolean,
  checkChoice,
  checkDType,
  checkString,
  describe,
  MAX_ELEMENTS,
  readOptions,
} from "../core/validate.js";
import { type CsvRecord, csvRecords } from "./csv-records.js";

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** The first non-empty line names the columns. Default true. Without a header, columns are named "0", "1", … */
  readonly header?: boolean;
  /** Input columns, by name or 0-based index, in the order wanted. Default: every column but the target. */
  readonly columns?: readonly (string | number)[];
  /** Target column, by name or 0-based index. Without it, targets are an empty `[n, 0]` tensor. */
  readonly target?: string | number;
  /**
   * How to read the target: `"number"` (values as they are), `"category"` (each distinct text is a
   * class; classes sorted by name), `"auto"` (number when every value is a number, else category). Default "auto".
   */
  readonly targetType?: "auto" | "number" | "category";
  /** Field separator, one character. Default ",". */
  readonly delimiter?: string;
  /** dtype of inputs and targets. Default "float32". */
  readonly dtype?: FloatDType;
  /** Dataset name, also used in error messages (`loadCsv` passes the file path). Default "csv". */
  readonly name?: string;
}

/** A dataset read from CSV, with the names of its columns. */
export interface CsvDataset extends Dataset {
  /** Names of the input columns, in the order of `inputs`' second axis. */
  readonly columnNames: readonly string[];
  /** Name of the target column, when there is one. */
  readonly targetName?: string;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The option names of {@link parseCsv}. */
export const CSV_OPTION_KEYS = [
  "header",
  "columns",
  "target",
  "targetType",
  "delimiter",
  "dtype",
  "name",
] as const;

// Header names that would reach Object.prototype if a caller turned the columns into object keys.
const FORBIDDEN_NAMES = new Set(["__proto__"]);

/**
 * Reads CSV text (RFC 4180: quoted fields, `""` escapes, CRLF or LF) into a dataset of numbers.
 *
 * Input cells must be finite decimal numbers that fit the dtype (spaces around them are ignored; `NaN`,
 * `Infinity` and values such as `1e400` that overflow are refused); empty lines are skipped.
 * `inputs` is `[rows, columns]`, `targets` `[rows]`. Header names must be distinct and not `__proto__`.
 *
 * @throws {@link DataError} naming the line and column of a cell that is not a finite number, of a row
 *   whose number of fields differs from the header's, of a duplicate or forbidden header name, or of an
 *   unclosed quote; {@link ValueError} for a bad or unknown option.
 * @example
 * ```ts
 * const ds = parseCsv("x,y,label\n1,2,0\n3,4,1\n", { target: "label" });
 * ds.inputs.shape; // [2, 2]
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  checkString("parseCsv", "text", text);
  const given = readOptions("parseCsv", options, CSV_OPTION_KEYS);
  const name = checkString("parseCsv", "options.name", given.name ?? "csv");
  const delimiter = checkString("parseCsv", "options.delimiter", given.delimiter ?? ",");
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new ValueError(
      "parseCsv",
      `options.delimiter = ${JSON.stringify(delimiter)}: pass one character other than a quote or newline`,
    );
  }
  const header = checkBoolean("parseCsv", "options.header", given.header ?? true);
  const dtype = checkDType("parseCsv", "options.dtype", given.dtype ?? "float32");
  const targetType = checkChoice("parseCsv", "options.targetType", given.targetType ?? "auto", [
    "auto",
    "number",
    "category",
  ] as const);
  const target = given.target;
  if (target !== undefined && typeof target !== "string" && typeof target !== "number") {
    throw new ValueError("parseCsv", `options.target = ${describe(target)}: pass a column name or index`);
  }
  const columns = given.columns;
  if (
    columns !== undefined &&
    (!Array.isArray(columns) || columns.some((c) => typeof c !== "string" && typeof c !== "number"))
  ) {
    throw new ValueError(
      "parseCsv",
      `options.columns = ${describe(columns)}: pass an array of column names or indices`,
    );
  }
  const finite =
    dtype === "float32" ? (value: number) => Number.isFinite(Math.fround(value)) : Number.isFinite;
  const records = csvRecords(text, delimiter, name);
  const first = records.next();
  if (first.done) {
    throw new DataError("parseCsv", `${name}: no rows: the text is empty`, { file: name });
  }
  const names = header
    ? first.value.fields.map((field) => field.trim())
    : first.value.fields.map((_, i) => `${i}`);
  if (header) checkHeaderNames(names, first.value.line, name);
  const targetIndex = target === undefined ? -1 : columnIndex(target, names, name);
  const inputIndices = (
    (columns as (string | number)[] | undefined) ?? names.map((_, i) => i).filter((i) => i !== targetIndex)
  ).map((column) => columnIndex(column, names, name));

  let values = new Float64Array(1024);
  let size = 0;
  const targetTexts: string[] = [];
  const targetLines: number[] = [];
  let rows = 0;
  const readRecord = (record: CsvRecord) => {
    const { fields, line } = record;
    if (fields.length === 1 && names.length > 1 && fields[0]!.trim() === "") return;
    if (fields.length !== names.length) {
      const column = Math.min(fields.length, names.length) + 1;
      throw new DataError(
        "parseCsv",
        `${name}: line ${line}, column ${column}: row has ${fields.length} fields but ${header ? "the header" : "the first row"} has ${names.length}: make every row the same length (quote fields that contain "${delimiter}")`,
        { file: name, line, column },
      );
    }
    if (size + inputIndices.length > values.length) {
      checkAllocation("parseCsv", `${name}: the inputs`, size + inputIndices.length);
      const grown = new Float64Array(
        Math.min(Math.max(values.length * 2, size + inputIndices.length), MAX_ELEMENTS),
      );
      grown.set(values);
      values = grown;
    }
    for (const column of inputIndices) {
      values[size++] = parseCell(fields[column]!, line, column, names, name, finite, dtype);
    }
    if (targetIndex >= 0) {
      targetTexts.push(fields[targetIndex]!);
      targetLines.push(line);
    }
    rows++;
  };
  if (!header) readRecord(first.value);
  for (const record of records) readRecord(record);

  const inputData = allocate(dtype, size);
  inputData.set(values.subarray(0, size));
  const inputs = new Tensor(inputData, [rows, inputIndices.length]);
  const columnNames = inputIndices.map((i) => names[i]!);
  if (targetIndex < 0) {
    return {
      ...createDataset({ name, inputs, targets: new Tensor(allocate(dtype, 0), [rows, 0]) }),
      columnNames,
    };
  }
  const targetName = names[targetIndex]!;
  const isNumeric =
    targetType === "number" || (targetType === "auto" && targetTexts.every((t) => NUMBER.test(t.trim())));
  const targetData = allocate(dtype, rows);
  if (isNumeric) {
    for (let i = 0; i < rows; i++) {
      targetData[i] = parseCell(targetTexts[i]!, targetLines[i]!, targetIndex, names, name, finite, dtype);
    }
    return {
      ...createDataset({ name, inputs, targets: new Tensor(targetData, [rows]) }),
      columnNames,
      targetName,
    };
  }
  const classNames = [...new Set(targetTexts.map((t) => t.trim()))].sort();
  const classOf = new Map(classNames.map((className, i) => [className, i]));
  for (let i = 0; i < rows; i++) targetData[i] = classOf.get(targetTexts[i]!.trim())!;
  const dataset = createDataset({
    name,
    inputs,
    targets: new Tensor(targetData, [rows]),
    classes: classNames.length,
    classNames,
  });
  return { ...dataset, columnNames, targetName };
}

function parseCell(
  cell: string,
  line: number,
  column: number,
  names: readonly string[],
  name: string,
  finite: (value: number) => boolean,
  dtype: FloatDType,
): number {
  const trimmed = cell.trim();
  let problem: string;
  if (NUMBER.test(trimmed)) {
    const value = Number(trimmed);
    if (finite(value)) return value;
    problem = `${JSON.stringify(cell)} overflows ${dtype} (it would be ${value < 0 ? "-" : ""}Infinity)`;
  } else {
    problem = trimmed === "" ? "is empty" : `${JSON.stringify(cell)} is not a number`;
  }
  throw new DataError(
    "parseCsv",
    `${name}: line ${line}, column ${column + 1} (${JSON.stringify(names[column])}): ${problem}: fix the cell, or leave the column out with \`columns\``,
    { file: name, line, column: column + 1 },
  );
}

function checkHeaderNames(names: readonly string[], line: number, name: string): void {
  const seen = new Map<string, number>();
  names.forEach((column, i) => {
    if (FORBIDDEN_NAMES.has(column)) {
      throw new DataError(
        "parseCsv",
        `${name}: line ${line}, column ${i + 1}: header name ${JSON.stringify(column)} is not allowed (it is JavaScript's prototype key): rename the column`,
        { file: name, line, column: i + 1 },
      );
    }
    const earlier = seen.get(column);
    if (earlier !== undefined) {
      throw new DataError(
        "parseCsv",
        `${name}: line ${line}, column ${i + 1}: header name ${JSON.stringify(column)} repeats column ${earlier + 1}: give every column its own name`,
        { file: name, line, column: i + 1 },
      );
    }
    seen.set(column, i);
  });
}

function columnIndex(column: string | number, names: readonly string[], name: string): number {
  if (typeof column === "number") {
    if (Number.isInteger(column) && column >= 0 && column < names.length) return column;
    throw new ValueError(
      "parseCsv",
      `${name}: column index ${describe(column)} is outside [0, ${names.length}): the table has ${names.length} columns`,
    );
  }
  const index = names.indexOf(column);
  if (index < 0) {
    throw new ValueError(
      "parseCsv",
      `${name}: no column named ${JSON.stringify(column)}: the columns are ${names.map((n) => JSON.stringify(n)).join(", ")}`,
    );
  }
  return index;
}

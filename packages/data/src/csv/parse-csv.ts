import type { Dataset, DType } from "@descent/spec";
import { allocate, Tensor, ValueError } from "@descent/tensor";
import { createDataset } from "../core/dataset.js";
import { DataError } from "../core/errors.js";
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
  readonly dtype?: DType;
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

/**
 * Reads CSV text (RFC 4180: quoted fields, `""` escapes, CRLF or LF) into a dataset of numbers.
 *
 * Input cells must be decimal numbers (spaces around them are ignored); empty lines are skipped.
 * `inputs` is `[rows, columns]`, `targets` `[rows]`.
 *
 * @throws {@link DataError} naming the line and column of a cell that is not a number, of a row whose
 *   number of fields differs from the header's, or of an unclosed quote.
 * @example
 * ```ts
 * const ds = parseCsv("x,y,label\n1,2,0\n3,4,1\n", { target: "label" });
 * ds.inputs.shape; // [2, 2]
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  const name = options.name ?? "csv";
  const delimiter = options.delimiter ?? ",";
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new ValueError(
      "parseCsv",
      `delimiter ${JSON.stringify(delimiter)}: pass one character other than a quote or newline`,
    );
  }
  const records = csvRecords(text, delimiter, name);
  const first = records.next();
  if (first.done) {
    throw new DataError("parseCsv", `${name}: no rows: the text is empty`, { file: name });
  }
  const header = options.header ?? true;
  const names = header
    ? first.value.fields.map((field) => field.trim())
    : first.value.fields.map((_, i) => `${i}`);
  const targetIndex = options.target === undefined ? -1 : columnIndex(options.target, names, name);
  const inputIndices = (options.columns ?? names.map((_, i) => i).filter((i) => i !== targetIndex)).map(
    (column) => columnIndex(column, names, name),
  );

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
      const grown = new Float64Array(Math.max(values.length * 2, size + inputIndices.length));
      grown.set(values);
      values = grown;
    }
    for (const column of inputIndices) values[size++] = parseCell(fields[column]!, line, column, names, name);
    if (targetIndex >= 0) {
      targetTexts.push(fields[targetIndex]!);
      targetLines.push(line);
    }
    rows++;
  };
  if (!header) readRecord(first.value);
  for (const record of records) readRecord(record);

  const dtype = options.dtype ?? "float32";
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
  const targetType = options.targetType ?? "auto";
  const isNumeric =
    targetType === "number" || (targetType === "auto" && targetTexts.every((t) => NUMBER.test(t.trim())));
  const targetData = allocate(dtype, rows);
  if (isNumeric) {
    for (let i = 0; i < rows; i++) {
      targetData[i] = parseCell(targetTexts[i]!, targetLines[i]!, targetIndex, names, name);
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
): number {
  const trimmed = cell.trim();
  if (NUMBER.test(trimmed)) return Number(trimmed);
  const problem = trimmed === "" ? "is empty" : `${JSON.stringify(cell)} is not a number`;
  throw new DataError(
    "parseCsv",
    `${name}: line ${line}, column ${column + 1} (${JSON.stringify(names[column])}): ${problem}: fix the cell, or leave the column out with \`columns\``,
    { file: name, line, column: column + 1 },
  );
}

function columnIndex(column: string | number, names: readonly string[], name: string): number {
  if (typeof column === "number") {
    if (Number.isInteger(column) && column >= 0 && column < names.length) return column;
    throw new ValueError(
      "parseCsv",
      `${name}: column index ${column} is outside [0, ${names.length}): the table has ${names.length} columns`,
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

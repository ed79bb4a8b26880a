import { DataError } from "../core/errors.js";
import { checkInteger, checkString, readOptions } from "../core/validate.js";
import { CSV_OPTION_KEYS, type CsvDataset, type CsvOptions, parseCsv } from "../csv/parse-csv.js";
import { readBytes } from "./files.js";

/** Options of {@link loadCsv}: those of `parseCsv`, and a size limit. */
export interface LoadCsvOptions extends CsvOptions {
  /** Largest file read, in bytes (checked before reading). Default 256 MiB (268,435,456). */
  readonly maxBytes?: number;
}

/** The default {@link LoadCsvOptions.maxBytes}: 256 MiB, well under the longest string JavaScript engines hold. */
export const DEFAULT_CSV_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Reads a CSV file (UTF-8) into a dataset: {@link parseCsv} on its text, with the path in every error.
 * A file larger than `maxBytes` is refused before it is read.
 *
 * @throws {@link @descent/data!DataError} when the file is missing or too large, or naming the line and column of a bad cell.
 * @example
 * ```ts
 * const ds = loadCsv("iris.csv", { target: "species" }); // ds.classNames = ["setosa", "versicolor", "virginica"]
 * ```
 */
export function loadCsv(path: string, options: LoadCsvOptions = {}): CsvDataset {
  checkString("loadCsv", "path", path);
  const given = readOptions("loadCsv", options, [...CSV_OPTION_KEYS, "maxBytes"] as const);
  const { maxBytes = DEFAULT_CSV_MAX_BYTES, ...csvOptions } = given;
  checkInteger("loadCsv", "options.maxBytes", maxBytes, 0, 2 ** 30);
  const bytes = readBytes(
    "loadCsv",
    path,
    "check the path (relative paths start at the current directory)",
    maxBytes as number,
  );
  let text: string;
  try {
    text = new TextDecoder().decode(bytes);
  } catch (error) {
    throw new DataError("loadCsv", `${path}: cannot decode as UTF-8 text (${(error as Error).message})`, {
      file: path,
    });
  }
  return parseCsv(text, { name: path, ...(csvOptions as CsvOptions) });
}

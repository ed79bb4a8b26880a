import { type CsvDataset, type CsvOptions, parseCsv } from "../csv/parse-csv.js";
import { readBytes } from "./files.js";

/**
 * Reads a CSV file (UTF-8) into a dataset: {@link parseCsv} on its text, with the path in every error.
 *
 * @throws {@link DataError} when the file is missing, or naming the line and column of a bad cell.
 * @example
 * ```ts
 * const ds = loadCsv("iris.csv", { target: "species" }); // ds.classNames = ["setosa", "versicolor", "virginica"]
 * ```
 */
export function loadCsv(path: string, options: CsvOptions = {}): CsvDataset {
  const bytes = readBytes("loadCsv", path, "check the path (relative paths start at the current directory)");
  return parseCsv(new TextDecoder().decode(bytes), { name: path, ...options });
}

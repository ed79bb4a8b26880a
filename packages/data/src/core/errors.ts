import { DescentError } from "@descent/tensor";
import { describe } from "./validate.js";

/** Where in a file a {@link DataError} was found. */
export interface DataErrorLocation {
  /** The file (path or name) that holds the problem. */
  readonly file?: string;
  /** 1-based line number, for text files. */
  readonly line?: number;
  /** 1-based column number, for tables. */
  readonly column?: number;
}

/**
 * A data file that is missing, truncated or malformed, or a table cell that cannot be read.
 *
 * The message names the op, the file (and line and column when they apply), what is wrong and how to
 * fix it. Check `error.name === "DataError"` rather than `instanceof` (duplicate installs still agree).
 *
 * @example
 * ```ts
 * try { parseCsv("x\nabc"); } catch (error) { error.name; error.line; } // "DataError", 2
 * ```
 */
export class DataError extends DescentError {
  /** The file (path or name) that holds the problem, when the data came from a file. */
  readonly file: string | undefined;
  /** 1-based line of the problem in a text file, when known. */
  readonly line: number | undefined;
  /** 1-based column of the problem in a table, when known. */
  readonly column: number | undefined;
  constructor(op: string, message: string, location: DataErrorLocation = {}) {
    // Coerced so that the error itself never fails while reporting a bad value.
    super(
      typeof op === "string" && op !== "" ? op : "DataError",
      typeof message === "string" ? message : String(describe(message)),
    );
    this.name = "DataError";
    const where = typeof location === "object" && location !== null ? location : {};
    this.file = typeof where.file === "string" ? where.file : undefined;
    this.line = typeof where.line === "number" ? where.line : undefined;
    this.column = typeof where.column === "number" ? where.column : undefined;
  }
}

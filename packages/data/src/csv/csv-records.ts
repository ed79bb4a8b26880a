import { DataError } from "../core/errors.js";

/** One CSV record: its fields (quotes removed) and the 1-based line it starts on. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

const QUOTE = 34;
const NEWLINE = 10;
const RETURN = 13;

/**
 * The records of CSV text, one at a time. Quoted fields may hold delimiters, newlines and `""`;
 * empty lines are skipped; a leading byte-order mark is ignored.
 *
 * @throws {@link DataError} on an unclosed quote or text right after a closing quote.
 */
export function* csvRecords(
  text: string,
  delimiter: string,
  name: string,
): Generator<CsvRecord, void, undefined> {
  const separator = delimiter.charCodeAt(0);
  const length = text.length;
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (position < length) {
    const code = text.charCodeAt(position);
    if (code === NEWLINE || code === RETURN) {
      if (code === RETURN && text.charCodeAt(position + 1) === NEWLINE) position++;
      position++;
      line++;
      continue;
    }
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(position) === QUOTE) {
        const quoteLine = line;
        let value = "";
        let from = ++position;
        for (;;) {
          if (position >= length) {
            throw new DataError(
              "parseCsv",
              `${name}: line ${quoteLine}, column ${fields.length + 1}: quoted field is never closed: add the closing '"' (write a quote inside a field as "")`,
              { file: name, line: quoteLine, column: fields.length + 1 },
            );
          }
          const c = text.charCodeAt(position);
          if (c === QUOTE) {
            value += text.slice(from, position);
            if (text.charCodeAt(position + 1) === QUOTE) {
              value += '"';
              position += 2;
              from = position;
              continue;
            }
            position++;
            break;
          }
          if (c === NEWLINE) line++;
          position++;
        }
        fields.push(value);
        const next = text.charCodeAt(position);
        if (position < length && next !== separator && next !== NEWLINE && next !== RETURN) {
          throw new DataError(
            "parseCsv",
            `${name}: line ${line}, column ${fields.length}: text after a closing quote: quote the whole field`,
            { file: name, line, column: fields.length },
          );
        }
      } else {
        const from = position;
        while (position < length) {
          const c = text.charCodeAt(position);
          if (c === separator || c === NEWLINE || c === RETURN) break;
          position++;
        }
        fields.push(text.slice(from, position));
      }
      if (position < length && text.charCodeAt(position) === separator) {
        position++;
        continue;
      }
      break;
    }
    yield { fields, line: startLine };
  }
}

import { checkBoolean, checkInteger, checkString, readOptions } from "../core/validate.js";

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /** Drop e-mail headers (everything before the first empty line), keeping the Subject line's text. Default true. */
  readonly stripHeaders?: boolean;
  /** Drop HTML tags, `<style>`/`<script>` blocks and `&entities;`. Default true. */
  readonly stripHtml?: boolean;
  /** Shortest token kept. Default 2. */
  readonly minLength?: number;
  /** Longest token kept (longer runs are mostly base64 or hashes). Default 24. */
  readonly maxLength?: number;
}

const HEADER_END = /\r?\n\r?\n/;
const SUBJECT = /^subject:(.*)$/im;
const BLOCK_OPENINGS = /<(style|script)\b/gi;
const BLOCK_CLOSINGS = { style: /<\/style\s*>/gi, script: /<\/script\s*>/gi } as const;
const TAGS = /<\/?[a-z!][^>]*>/gi;
const ENTITIES = /&(?:#\d+|#x[0-9a-f]+|[a-z]+);/gi;
const WORDS = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;

/**
 * Splits a text (an e-mail by default) into lowercase word tokens.
 *
 * Steps: drop headers (keeping the subject), drop HTML, lowercase, take runs of letters and digits
 * (Unicode; an inner apostrophe as in "don't" is kept), keep tokens of `minLength … maxLength` characters.
 * Runs in time linear in the text, also on hostile HTML (thousands of unclosed `<style` or `<a`).
 *
 * @throws `ValueError` (from `@descent/tensor`) when `text` is not a string or an option is bad or unknown.
 * @example
 * ```ts
 * tokenize("Subject: Hi\n\n<b>FREE</b> money, don't wait!"); // ["hi", "free", "money", "don't", "wait"]
 * ```
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  checkString("tokenize", "text", text);
  const { stripHeaders, stripHtml, minLength, maxLength } = tokenizeOptions(options);
  let body = text;
  if (stripHeaders) {
    const match = HEADER_END.exec(text);
    if (match) {
      const subject = SUBJECT.exec(text.slice(0, match.index))?.[1] ?? "";
      body = `${subject}\n${text.slice(match.index + match[0].length)}`;
    }
  }
  if (stripHtml) body = dropTags(dropBlocks(body)).replace(ENTITIES, " ");
  const tokens: string[] = [];
  for (const [word] of body.toLowerCase().matchAll(WORDS)) {
    if (word.length >= minLength && word.length <= maxLength) tokens.push(word);
  }
  return tokens;
}

/** The option names of {@link tokenize}. */
export const TOKENIZE_OPTION_KEYS = ["stripHeaders", "stripHtml", "minLength", "maxLength"] as const;

/** {@link TokenizeOptions} with defaults, checked (a `maxLength` below `minLength` would keep no token). */
export function tokenizeOptions(options: unknown, name = "options"): Required<TokenizeOptions> {
  const given = readOptions("tokenize", options, TOKENIZE_OPTION_KEYS, name);
  const minLength = checkInteger(
    "tokenize",
    `${name}.minLength`,
    given.minLength ?? 2,
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const maxLength = checkInteger(
    "tokenize",
    `${name}.maxLength`,
    given.maxLength ?? 24,
    Math.max(minLength, 1),
    Number.MAX_SAFE_INTEGER,
  );
  return {
    stripHeaders: checkBoolean("tokenize", `${name}.stripHeaders`, given.stripHeaders ?? true),
    stripHtml: checkBoolean("tokenize", `${name}.stripHtml`, given.stripHtml ?? true),
    minLength,
    maxLength,
  };
}

// The same as text.replace(/<(style|script)\b[\s\S]*?<\/\1\s*>/gi, " "), in linear time: that regex
// rescans to the end of the text from every unclosed opening (quadratic on "<style<style<style…").
// Once a closing tag is missing after some opening, it is missing after every later one too.
function dropBlocks(text: string): string {
  const opening = new RegExp(BLOCK_OPENINGS.source, BLOCK_OPENINGS.flags);
  const exhausted = { style: false, script: false };
  let result = "";
  let from = 0;
  for (let match = opening.exec(text); match !== null; match = opening.exec(text)) {
    const tag = match[1]!.toLowerCase() as keyof typeof BLOCK_CLOSINGS;
    if (exhausted[tag]) continue;
    const closing = new RegExp(BLOCK_CLOSINGS[tag].source, BLOCK_CLOSINGS[tag].flags);
    closing.lastIndex = match.index + match[0].length;
    const close = closing.exec(text);
    if (close === null) {
      exhausted[tag] = true;
      continue;
    }
    result += `${text.slice(from, match.index)} `;
    from = close.index + close[0].length;
    opening.lastIndex = from;
  }
  return from === 0 ? text : result + text.slice(from);
}

// The same as text.replace(TAGS, " "), in linear time: a tag needs a ">" after it, so the tail after the
// last ">" (where every "<a" would rescan to the end) is kept as it is.
function dropTags(text: string): string {
  const last = text.lastIndexOf(">");
  if (last < 0) return text;
  return text.slice(0, last + 1).replace(TAGS, " ") + text.slice(last + 1);
}

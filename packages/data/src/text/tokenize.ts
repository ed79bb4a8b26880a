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
const BLOCKS = /<(style|script)\b[\s\S]*?<\/\1\s*>/gi;
const TAGS = /<\/?[a-z!][^>]*>/gi;
const ENTITIES = /&(?:#\d+|#x[0-9a-f]+|[a-z]+);/gi;
const WORDS = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;

/**
 * Splits a text (an e-mail by default) into lowercase word tokens.
 *
 * Steps: drop headers (keeping the subject), drop HTML, lowercase, take runs of letters and digits
 * (Unicode; an inner apostrophe as in "don't" is kept), keep tokens of `minLength … maxLength` characters.
 *
 * @example
 * ```ts
 * tokenize("Subject: Hi\n\n<b>FREE</b> money, don't wait!"); // ["hi", "free", "money", "don't", "wait"]
 * ```
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  let body = text;
  if (options.stripHeaders ?? true) {
    const match = HEADER_END.exec(text);
    if (match) {
      const subject = SUBJECT.exec(text.slice(0, match.index))?.[1] ?? "";
      body = `${subject}\n${text.slice(match.index + match[0].length)}`;
    }
  }
  if (options.stripHtml ?? true) body = body.replace(BLOCKS, " ").replace(TAGS, " ").replace(ENTITIES, " ");
  const minLength = options.minLength ?? 2;
  const maxLength = options.maxLength ?? 24;
  const tokens: string[] = [];
  for (const [word] of body.toLowerCase().matchAll(WORDS)) {
    if (word.length >= minLength && word.length <= maxLength) tokens.push(word);
  }
  return tokens;
}

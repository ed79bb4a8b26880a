/** The end of a sentence: `.`, `!` or `?` (closing quotes or brackets may follow) before a space or the end. */
const SENTENCE_END = /[.!?]+["'”’)\]]*(?=\s|$)/gu;

/**
 * Counts the sentences of a finding, so the report can hold each finding to a short answer.
 *
 * A sentence ends at `.`, `!` or `?` followed by white space or the end of the text; a decimal point
 * (`1.5`) or a dot inside a name (`Long.fromString`) is not an end, and a last sentence without a full
 * stop still counts. An abbreviation such as "e.g." counts as an end: the count errs on the long side.
 *
 * @example
 * countSentences("Adam reached 0.98 in 1.5 s. SGD did not."); // 2
 */
export function countSentences(text: string): number {
  const ends = [...text.matchAll(SENTENCE_END)];
  const last = ends.at(-1);
  const tail = last === undefined ? text : text.slice(last.index + last[0].length);
  return ends.length + (tail.trim() === "" ? 0 : 1);
}

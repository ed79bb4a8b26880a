/**
 * Why this exists: the tokenizer once stripped HTML with `/<(style|script)\b[\s\S]*?<\/\1\s*>/gi` and
 * `/<\/?[a-z!][^>]*>/gi`, which rescan to the end of the text from every unclosed `<style` or `<a`
 * (quadratic: minutes on a hostile 1 MB e-mail). The linear rewrite must give exactly the old tokens.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokenize } from "./tokenize.js";

// The tokenizer as it was, kept here as the reference the rewrite must match.
function tokenizeBefore(text: string): string[] {
  let body = text;
  const match = /\r?\n\r?\n/.exec(text);
  if (match) {
    const subject = /^subject:(.*)$/im.exec(text.slice(0, match.index))?.[1] ?? "";
    body = `${subject}\n${text.slice(match.index + match[0].length)}`;
  }
  body = body
    .replace(/<(style|script)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<\/?[a-z!][^>]*>/gi, " ")
    .replace(/&(?:#\d+|#x[0-9a-f]+|[a-z]+);/gi, " ");
  const tokens: string[] = [];
  for (const [word] of body.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu)) {
    if (word.length >= 2 && word.length <= 24) tokens.push(word);
  }
  return tokens;
}

describe("tokenize strips HTML in linear time with the old regexes' result", () => {
  it("gives the same tokens as the regex version on random HTML-like text", () => {
    const piece = fc.constantFrom(
      "<style>",
      "<STYLE type=x>",
      "</style>",
      "</Style >",
      "<script>",
      "</script>",
      "</SCRIPT\n>",
      "<styles>",
      "<a href=1>",
      "<a",
      "<!--",
      ">",
      "<b>",
      "</b>",
      "&amp;",
      "&#65;",
      "&#x4a;",
      "word",
      "don't",
      "Wörter",
      " ",
      "\n",
      "\n\n",
      "Subject: hello",
      "x1",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join("");
        expect(tokenize(text)).toEqual(tokenizeBefore(text));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it("handles 40,000 unclosed <style and <a openings (the regex version takes seconds)", () => {
    const hostile = (repeats: number) => `${"<style <a ".repeat(repeats)}<b>free</b> money <a <a`;
    expect(tokenize(hostile(2000))).toEqual(tokenizeBefore(hostile(2000)));
    expect(tokenize(hostile(20000))).toEqual(["free", "money"]);
  });
});

import { describe, expect, it } from "vitest";
import { countSentences } from "./sentences.js";

describe("countSentences", () => {
  it("counts full stops, question and exclamation marks before a space or the end", () => {
    expect(countSentences("One. Two? Three!")).toBe(3);
    expect(countSentences("Adam reached 0.98 in 1.5 s. SGD did not.")).toBe(2);
    expect(countSentences('The article says "it converges." It does.')).toBe(2);
  });

  it("does not end a sentence at a decimal point, a dotted name, an ellipsis or a semicolon", () => {
    expect(
      countSentences("η from 1e-4 … 10; tfjs-wasm failed: Long.fromString is not a function (3.2× slower)"),
    ).toBe(1);
  });

  it("counts a last sentence without a full stop, and nothing in empty text", () => {
    expect(countSentences("Done. and then some")).toBe(2);
    expect(countSentences("")).toBe(0);
    expect(countSentences("   ")).toBe(0);
  });

  it("errs on the long side at abbreviations", () => {
    expect(countSentences("Fast, e.g. here.")).toBe(2);
  });
});

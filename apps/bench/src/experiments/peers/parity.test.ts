import { describe, expect, it } from "vitest";
import { CNN_FLATTEN_HWC, cnnModel, initialWeights, peerModel } from "./descent.js";
import { parityDemand, paritySentence, trainingFlopsPerSample } from "./parity.js";

describe("trainingFlopsPerSample", () => {
  it("counts the 784-128-10 MLP's products: forward and weight gradient of both layers, input gradient of the second", () => {
    const model = peerModel(784, 128, 10);
    const { layers } = initialWeights(model, model.init(1));
    // 2·784·128·2 (first layer: no input gradient) + 2·128·10·3
    expect(trainingFlopsPerSample([784], layers)).toBe(401_408 + 7_680);
  });

  it("walks the compared CNN's geometry, 28 → 26 → 13 → 11 → 5, to 15.4 MFLOP a sample", () => {
    const model = cnnModel(10);
    const { layers } = initialWeights(model, model.init(1), CNN_FLATTEN_HWC);
    // conv1 26·26 places × 9 × 32, two passes; conv2 11·11 × 288 × 64, three; dense 1600·128 and 128·10, three.
    const expected = 2 * 676 * 9 * 32 * 2 + 2 * 121 * 288 * 64 * 3 + 2 * 1600 * 128 * 3 + 2 * 128 * 10 * 3;
    expect(expected).toBe(15_396_864);
    expect(trainingFlopsPerSample([28, 28, 1], layers)).toBe(expected);
  });

  it("refuses a geometry that does not reach the map the first dense layer reads", () => {
    const model = cnnModel(10);
    const { layers } = initialWeights(model, model.init(1), CNN_FLATTEN_HWC);
    // Without pooling the walk reaches 24×24, not the recorded 5×5×64.
    expect(() => trainingFlopsPerSample([28, 28, 1], layers, 1)).toThrow(
      /reads a 5×5×64 map, the walk reached 24×24/,
    );
  });
});

describe("parityDemand and its sentence", () => {
  it("turns a peer's samples/s into the GFLOP/s a step would need and its share of descent's GEMM rate", () => {
    const demand = parityDemand(15_396_864, 5_000, 2_500, 80);
    expect(demand.neededGflops).toBeCloseTo(76.98432, 10);
    expect(demand.shareOfGemm).toBeCloseTo(76.98432 / 80, 12);
    expect(demand.descentGflops).toBeCloseTo(38.49216, 10);
  });

  it("says out of reach when the peer's speed needs more than descent's fastest product", () => {
    const over = parityDemand(15_396_864, 7_000, 3_000, 90);
    const text = paritySentence("CNN", "torch", over, "1024³");
    expect(text).toContain(
      "107.8 GFLOP/s for the whole step, 120 % of descent's 1024³ GEMM rate in this run (90.0 GFLOP/s",
    );
    expect(text).toContain("out of reach even with every other part of the step free");
    expect(text).toContain("descent's step ran 46.2 GFLOP/s (51 % of it)");
    const under = parityDemand(409_088, 100_000, 80_000, 90);
    const within = paritySentence("MLP", "torch", under, "1024³");
    expect(within).toContain("40.9 GFLOP/s for the whole step, 45 % of");
    expect(within).toContain("would have 55 % of torch's step time");
    expect(within).not.toContain("out of reach");
  });
});

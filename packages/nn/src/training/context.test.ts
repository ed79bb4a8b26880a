import { sgd } from "@descent/optimizers";
import type { ParamTree } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { fit } from "./index.js";
import { leaves, makeModel, train } from "./test-fixtures.js";

// Why this exists: a step reads the parameters by the layout `fit` checked when it started, so a callback
// that replaces them must keep their names (a tree with a name more would lose it silently otherwise).

const options = {
  optimizer: sgd({ learningRate: 0.1 }),
  loss: "softmaxCrossEntropyFromLogits",
  epochs: 2,
  batchSize: 8,
} as const;

describe("context.params", () => {
  it("takes a tree of the same names (restoring weights kept earlier) and trains on from it", () => {
    const model = makeModel();
    let kept: ParamTree | undefined;
    const result = fit(model, model.init(0), train, {
      ...options,
      callbacks: [
        {
          name: "restore",
          onStepEnd: (context) => {
            if (context.step === 2) kept = context.params;
            if (context.step === 4) context.params = kept!;
          },
        },
      ],
    });
    expect(leaves(result.params).flat().every(Number.isFinite)).toBe(true);
  });

  it("refuses a tree of other names with a ValueError naming the fix", () => {
    const model = makeModel();
    const run = () =>
      fit(model, model.init(0), train, {
        ...options,
        callbacks: [
          {
            name: "rename",
            onStepEnd: (context) => {
              context.params = { ...context.params, extra: {} };
            },
          },
        ],
      });
    expect(run).toThrow(ValueError);
    expect(run).toThrow(/context\.params must have the names of the parameters training started with/);
  });
});

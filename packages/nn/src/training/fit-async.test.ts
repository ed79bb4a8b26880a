import { adam, chain, clipByGlobalNorm, momentum, rmsprop, sgd } from "@descent/optimizers";
import { l2 } from "@descent/regularizers";
import type { GradientTransformation } from "@descent/spec";
import { DescentError, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { batchNorm, dense, dropout, sequential } from "../layers/index.js";
import { earlyStopping, learningRateScheduler, reduceOnPlateau } from "./callbacks.js";
import { fit } from "./fit.js";
import { type FitAsyncOptions, type FitProgress, fitAsync, TrainingAbortedError } from "./fit-async.js";
import { counting, makeModel, test, train } from "./test-fixtures.js";
import type { Callback, FitOptions, FitResult } from "./types.js";

/** Every number of a value as its bytes in hex (typed arrays) or its float64 bits, so equality is bit equality. */
function bits(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
    return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("hex");
  }
  if (typeof value === "number") return Buffer.from(new Float64Array([value]).buffer).toString("hex");
  if (Array.isArray(value)) return value.map(bits);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, bits(entry)]));
  }
  return value;
}

const resultBits = (result: FitResult) =>
  bits({
    params: result.params,
    state: result.state,
    optimizerState: result.optimizerState,
    history: result.history,
    step: result.step,
  });

/** A model with batch-norm state and dropout (which draws from the layers' generator). */
const richModel = () => sequential([dense(2, 16), batchNorm(16), "relu", dropout(0.25), dense(16, 3)]);

/** Options that exercise the whole loop: shuffling, validation, metrics, callbacks changing the learning rate. */
function richOptions(optimizer: GradientTransformation<unknown>): FitOptions {
  return {
    optimizer,
    loss: "softmaxCrossEntropyFromLogits",
    epochs: 5,
    batchSize: 8,
    seed: 5,
    shuffle: true,
    validationData: test,
    metrics: ["accuracy"],
    stepMetrics: true,
    trainingMetrics: true,
    callbacks: [
      learningRateScheduler((epoch) => (epoch < 2 ? 1 : 0.5)),
      reduceOnPlateau({ patience: 1, factor: 0.5 }),
      earlyStopping({ patience: 10 }),
    ],
  };
}

const OPTIMIZERS: readonly [string, () => GradientTransformation<unknown>][] = [
  ["sgd", () => sgd({ learningRate: 0.1 })],
  ["momentum", () => momentum({ learningRate: 0.05, momentum: 0.9 })],
  ["adam", () => adam({ learningRate: 0.01 })],
  ["rmsprop", () => rmsprop({ learningRate: 0.01 })],
  ["a chain with clipping", () => chain(clipByGlobalNorm(1), adam({ learningRate: 0.01 }))],
  ["a custom optimizer (plain path)", () => counting(adam({ learningRate: 0.01 })).optimizer],
];

describe("fitAsync gives fit's numbers", () => {
  for (const [name, make] of OPTIMIZERS) {
    it(`bit-identical params, state, optimizer state and history (${name})`, async () => {
      const model = richModel();
      const expected = resultBits(fit(model, model.init(3), train, richOptions(make())));
      for (const yieldEveryMs of [0, 16]) {
        const result = await fitAsync(model, model.init(3), train, { ...richOptions(make()), yieldEveryMs });
        expect(resultBits(result), `yieldEveryMs ${yieldEveryMs}`).toEqual(expected);
      }
    });
  }

  it("with regularizers (the plain path) and an early stop, bit-identical", async () => {
    const model = makeModel();
    // Callbacks keep state: each run gets its own.
    const options = (): FitOptions => ({
      ...richOptions(sgd({ learningRate: 0.2 })),
      regularizers: [l2(1e-3)],
      callbacks: [earlyStopping({ patience: 0, monitor: "validationAccuracy" })],
      epochs: 30,
    });
    const expected = fit(model, model.init(1), train, options());
    expect(expected.history.stopReason).toBe("earlyStopping");
    const result = await fitAsync(model, model.init(1), train, { ...options(), yieldEveryMs: 0 });
    expect(resultBits(result)).toEqual(resultBits(expected));
  });

  it("two runs interleaved on one thread give the bits of two runs one after the other", async () => {
    const model = richModel();
    const order: string[] = [];
    const tracing = (run: string): Callback => ({ name: "trace", onStepEnd: () => order.push(run) });
    const options = (run: string): FitOptions => ({
      ...richOptions(adam({ learningRate: 0.01 })),
      callbacks: [tracing(run)],
    });
    const [first, second] = await Promise.all([
      fitAsync(model, model.init(1), train, { ...options("a"), yieldEveryMs: 0 }),
      fitAsync(model, model.init(2), train, { ...options("b"), yieldEveryMs: 0 }),
    ]);
    // They really took turns (each step is followed by a pause in which the other run steps).
    expect(order.slice(0, 4)).toEqual(["a", "b", "a", "b"]);
    expect(resultBits(first)).toEqual(resultBits(fit(model, model.init(1), train, options("a"))));
    expect(resultBits(second)).toEqual(resultBits(fit(model, model.init(2), train, options("b"))));
  });
});

describe("fitAsync hands the thread back", () => {
  it("lets other tasks run between steps (yieldEveryMs 0: after every step)", async () => {
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: number[] = [];
    const model = makeModel();
    await fitAsync(model, model.init(0), train, {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 2,
      batchSize: 10,
      yieldEveryMs: 0,
      callbacks: [{ name: "ticks", onStepEnd: () => seen.push(ticks) }],
    });
    running = false;
    expect(seen).toHaveLength(12);
    // Between every two steps the other task ran at least once.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
  });

  it("runs straight through, like fit, while a slice lasts (a budget longer than the training)", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const model = makeModel();
    const promise = fitAsync(model, model.init(0), train, {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 2,
      yieldEveryMs: 1e9,
      callbacks: [{ name: "ticks", onStepEnd: () => expect(ticks).toBe(0) }],
    });
    // Training already ended inside the call: nothing else could run.
    expect(ticks).toBe(0);
    await promise;
    clearInterval(timer);
  });

  it("reports every step through onProgress", async () => {
    const progress: FitProgress[] = [];
    const model = makeModel();
    const result = await fitAsync(model, model.init(0), train, {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 3,
      batchSize: 16,
      onProgress: (report) => progress.push(report),
    });
    // 60 samples in batches of 16: 4 steps per epoch.
    expect(progress).toHaveLength(12);
    progress.forEach((report, index) => {
      expect(report).toEqual({
        epoch: Math.floor(index / 4),
        epochs: 3,
        step: index + 1,
        batchInEpoch: (index % 4) + 1,
        stepsPerEpoch: 4,
        loss: result.history.steps.loss[index],
      });
    });
  });
});

describe("aborting fitAsync", () => {
  const options = (signal: AbortSignal, extra: Partial<FitAsyncOptions> = {}): FitAsyncOptions => ({
    ...richOptions(adam({ learningRate: 0.01 })),
    signal,
    ...extra,
  });

  async function aborted(promise: Promise<unknown>): Promise<TrainingAbortedError> {
    const error = await promise.then(
      () => expect.unreachable("fitAsync resolved although its signal aborted"),
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(TrainingAbortedError);
    return error as TrainingAbortedError;
  }

  it("rejects after the current step, and a resume from the error's checkpoint ends bit-identical", async () => {
    const model = richModel();
    const full = fit(model, model.init(3), train, richOptions(adam({ learningRate: 0.01 })));
    // 8 steps per epoch: 13 is mid-epoch, 16 an epoch's last step, 39 the last step but one.
    for (const stopAt of [1, 13, 16, 39]) {
      const controller = new AbortController();
      let stepsRun = 0;
      const error = await aborted(
        fitAsync(
          model,
          model.init(3),
          train,
          options(controller.signal, {
            onProgress: ({ step }) => {
              stepsRun = step;
              if (step === stopAt) controller.abort("stop button");
            },
          }),
        ),
      );
      expect(stepsRun, "no step ran after the abort").toBe(stopAt);
      expect(error).toBeInstanceOf(DescentError);
      expect(error.name).toBe("AbortError");
      expect(error.reason).toBe("stop button");
      expect(error.message).toMatch(new RegExp(`^fitAsync: training aborted after step ${stopAt}`));
      expect(error.checkpoint!.step).toBe(stopAt);
      const resumed = await fitAsync(model, error.params!, train, {
        ...richOptions(adam({ learningRate: 0.01 })),
        state: error.state!,
        resume: error.checkpoint!,
      });
      expect(resultBits(resumed), `resumed after step ${stopAt}`).toEqual(resultBits(full));
    }
  });

  it("stops at an epoch's end when aborted there, and resumes at the next epoch", async () => {
    const model = richModel();
    const full = fit(model, model.init(3), train, richOptions(adam({ learningRate: 0.01 })));
    const controller = new AbortController();
    const stopper: Callback = {
      name: "stopper",
      onEpochEnd: (_context, logs) => {
        if (logs.epoch === 1) controller.abort();
      },
    };
    const base = richOptions(adam({ learningRate: 0.01 }));
    const error = await aborted(
      fitAsync(model, model.init(3), train, {
        ...base,
        callbacks: [...base.callbacks!, stopper],
        signal: controller.signal,
      }),
    );
    expect(error.checkpoint).toMatchObject({ epoch: 2, batchInEpoch: 0, step: 16 });
    expect(error.checkpoint!.history.epochs).toHaveLength(2);
    const resumed = fit(model, error.params!, train, {
      ...base,
      state: error.state!,
      resume: error.checkpoint!,
    });
    expect(resultBits(resumed)).toEqual(resultBits(full));
  });

  it("stops at the first pause when aborted from another task", async () => {
    const model = richModel();
    const controller = new AbortController();
    setImmediate(() => controller.abort());
    const error = await aborted(
      fitAsync(model, model.init(3), train, options(controller.signal, { yieldEveryMs: 0 })),
    );
    // The abort task ran in the first pause, after step 1.
    expect(error.checkpoint!.step).toBe(1);
  });

  it("rejects before training when the signal is already aborted", async () => {
    const { optimizer, calls } = counting(sgd({ learningRate: 0.1 }));
    const hooks: string[] = [];
    const watcher: Callback = {
      name: "watcher",
      onTrainBegin: () => hooks.push("onTrainBegin"),
      onStepEnd: () => hooks.push("onStepEnd"),
    };
    const model = makeModel();
    const error = await aborted(
      fitAsync(model, model.init(0), train, {
        optimizer,
        loss: "softmaxCrossEntropyFromLogits",
        callbacks: [watcher],
        signal: AbortSignal.abort("too late"),
      }),
    );
    expect(error.reason).toBe("too late");
    expect(error.checkpoint).toBeNull();
    expect(error.params).toBeNull();
    expect(error.message).toMatch(/^fitAsync: training aborted before it began/);
    expect(calls()).toBe(0);
    expect(hooks).toEqual([]);
  });

  it("does not run onTrainEnd once aborted (the parameters stay those of the checkpoint)", async () => {
    const controller = new AbortController();
    let ended = false;
    const model = makeModel();
    await aborted(
      fitAsync(model, model.init(0), train, {
        optimizer: sgd({ learningRate: 0.1 }),
        loss: "softmaxCrossEntropyFromLogits",
        signal: controller.signal,
        callbacks: [{ name: "end", onStepEnd: () => controller.abort(), onTrainEnd: () => (ended = true) }],
      }),
    );
    expect(ended).toBe(false);
  });
});

describe("fitAsync rejects bad options with a ValueError naming them", () => {
  const base = { optimizer: sgd({ learningRate: 0.1 }), loss: "softmaxCrossEntropyFromLogits" as const };
  const model = makeModel();
  const cases: [string, unknown, RegExp][] = [
    ["signal", { signal: { aborted: "yes" } }, /fitAsync: options\.signal is .*AbortSignal/],
    ["onProgress", { onProgress: 3 }, /fitAsync: options\.onProgress is 3: pass a function/],
    ["yieldEveryMs", { yieldEveryMs: -1 }, /fitAsync: options\.yieldEveryMs is -1/],
    ["yieldEveryMs NaN", { yieldEveryMs: Number.NaN }, /fitAsync: options\.yieldEveryMs is NaN/],
    ["a misspelt key", { yieldEvery: 5 }, /fitAsync: options has an unknown key "yieldEvery".*yieldEveryMs/],
    ["a fit option", { epochs: -1 }, /fitAsync: options\.epochs/],
  ];
  for (const [name, extra, message] of cases) {
    it(name, async () => {
      const promise = fitAsync(model, model.init(0), train, { ...base, ...(extra as object) });
      await expect(promise).rejects.toThrow(ValueError);
      await expect(promise).rejects.toThrow(message);
    });
  }

  it("options that are not an object", async () => {
    await expect(fitAsync(model, model.init(0), train, null as never)).rejects.toThrow(
      /fitAsync: options is null/,
    );
  });
});

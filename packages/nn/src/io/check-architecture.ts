import type { ParamTree, RandomGenerator, Tensor as TensorLike } from "@descent/spec";
import { createRandom, DescentError, formatShape, ValueError } from "@descent/tensor";
import type { Model } from "../layers/sequential.js";
import { flattenTree } from "./parameter-names.js";

// Why this exists: a manifest lists the tensors of its own weights file, so a file and manifest that agree
// with each other can still hold weights of another model — a `dense(3, 5)` kernel under an architecture
// that says `dense(3, 4)` loaded silently and read past its rows later. The architecture decides the
// shapes: the model is built and initialized once, and every tensor is compared with what it expects.

/**
 * Throws unless `params` and `state` hold exactly the tensors `model` expects, with its shapes: none
 * missing, none extra, none of another shape. The expected shapes come from `model.init` and
 * `model.initState`. A hostile architecture could ask for far more parameters than the file holds, so the
 * random draws of `init` are capped at a few per saved element: initializing stops there with an error,
 * having touched (and so committed) only that much memory.
 *
 * @throws ValueError naming the tensor, both shapes and the fix.
 * @example checkAgainstArchitecture("loadModel", model, params, state, "model.3.safetensors")
 */
export function checkAgainstArchitecture(
  op: string,
  model: Model,
  params: ParamTree,
  state: ParamTree,
  weightsFile: string,
): void {
  const saved = flattenTree(params);
  const savedState = flattenTree(state);
  const savedElements = [...saved, ...savedState].reduce((sum, [, tensor]) => sum + tensor.data.length, 0);
  const dtype = saved[0]?.[1].dtype === "float64" ? "float64" : "float32";
  const tooLarge = () =>
    new ValueError(
      op,
      `the saved architecture has more parameters than ${weightsFile} holds (${savedElements} elements): the weights were not saved with this architecture`,
    );
  let expectedParams: ParamTree;
  let expectedState: ParamTree;
  try {
    expectedParams = model.init(cappedRandom(8 * savedElements + 4096, tooLarge), dtype);
    expectedState = model.initState(dtype);
  } catch (error) {
    if (error instanceof DescentError) throw error;
    throw new ValueError(op, `the saved architecture cannot be initialized (${(error as Error)?.message})`);
  }
  const fix = `re-save the weights with saveModel(directory, { architecture: model.config, params, state }) using the model that made them`;
  compare(op, "parameter", flattenTree(expectedParams), saved, weightsFile, fix);
  compare(op, "state tensor", flattenTree(expectedState), savedState, weightsFile, fix);
}

function compare(
  op: string,
  kind: string,
  expected: readonly [string, TensorLike][],
  saved: readonly [string, TensorLike][],
  weightsFile: string,
  fix: string,
): void {
  const savedByPath = new Map(saved);
  for (const [path, tensor] of expected) {
    const found = savedByPath.get(path);
    if (found === undefined) {
      throw new ValueError(
        op,
        `the saved architecture has ${kind} "${path}" (shape ${formatShape(tensor.shape)}) but ${weightsFile} does not: ${fix}`,
      );
    }
    const same =
      found.shape.length === tensor.shape.length && found.shape.every((n, i) => n === tensor.shape[i]);
    if (!same) {
      throw new ValueError(
        op,
        `${kind} "${path}" has shape ${formatShape(found.shape)} in ${weightsFile} but the saved architecture expects ${formatShape(tensor.shape)}: ${fix}`,
      );
    }
    savedByPath.delete(path);
  }
  for (const [path, tensor] of savedByPath) {
    throw new ValueError(
      op,
      `${weightsFile} has ${kind} "${path}" (shape ${formatShape(tensor.shape)}) which the saved architecture does not have: ${fix}`,
    );
  }
}

/** A seeded generator that throws `error()` after `budget` draws. */
function cappedRandom(budget: number, error: () => Error): RandomGenerator {
  const inner = createRandom(0);
  let left = budget;
  const spend = () => {
    if (--left < 0) throw error();
  };
  return {
    seed: inner.seed,
    next: () => {
      spend();
      return inner.next();
    },
    nextUint32: () => {
      spend();
      return inner.nextUint32();
    },
    getState: () => inner.getState(),
    setState: (state) => inner.setState(state),
  };
}

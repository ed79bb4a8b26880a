import type { Tensor as TensorLike } from "@descent/spec";
import * as T from "@descent/tensor";
import { formatShape, ShapeError, shapesEqual, type Tensor, ValueError } from "@descent/tensor";
import { cast } from "../ops/cast.js";
import { add } from "../ops/elementwise-binary.js";
import { asTensor, constant, isTraced, isTracked, type Operand, type Traced } from "./traced.js";

/** A gradient during the backward pass: plain for first-order gradients, traced for grad of grad. */
type Gradient = Traced | Tensor;

/**
 * Every tracked value `output` depends on, inputs before the values computed from them (reverse
 * post-order of a depth-first search). Iterative, with an explicit stack, so a chain of 100,000 ops
 * does not overflow the call stack. The search stops at `leaves`: what they were computed from (an
 * enclosing differentiation) is not part of this backward pass.
 */
export function topologicalOrder(output: Traced, leaves: ReadonlySet<Traced>): Traced[] {
  const order: Traced[] = [];
  const visited = new Set<Traced>([output]);
  const stack: Traced[] = [output];
  const cursors: number[] = [0];
  while (stack.length > 0) {
    const top = stack.length - 1;
    const node = stack[top]!;
    const inputs = leaves.has(node) ? null : node.inputs;
    const cursor = cursors[top]!;
    if (inputs !== null && cursor < inputs.length) {
      cursors[top] = cursor + 1;
      const input = inputs[cursor];
      if (isTracked(input) && !visited.has(input)) {
        visited.add(input);
        stack.push(input);
        cursors.push(0);
      }
    } else {
      stack.pop();
      cursors.pop();
      order.push(node);
    }
  }
  return order;
}

/**
 * Reverse-mode differentiation: the gradient of the one-element `output` with respect to each of
 * `leaves`, or `undefined` for a leaf `output` does not depend on.
 *
 * With `traced = false` the rules run on plain tensors (first-order gradients, no graph is built).
 * With `traced = true` they run on the traced values, so the gradients are themselves traced and
 * can be differentiated again.
 *
 * @throws {@link ValueError} when `traced` is false but `output` depends on values traced by another
 *   (enclosing) differentiation: plain gradients would silently drop that dependency.
 */
export function backpropagate(
  caller: string,
  output: Traced,
  leaves: readonly Traced[],
  traced: boolean,
): (Gradient | undefined)[] {
  const leafSet = new Set(leaves);
  const order = topologicalOrder(output, leafSet);
  const position = new Map<Traced, number>();
  // relevant[i]: node i depends on a leaf, so gradients flow through it.
  const relevant = new Uint8Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const node = order[i]!;
    position.set(node, i);
    if (leafSet.has(node)) {
      relevant[i] = 1;
      continue;
    }
    const inputs = node.inputs;
    if (inputs === null) {
      if (!traced) throw foreignValueError(caller, node);
      continue;
    }
    for (const input of inputs) {
      if (isTracked(input) && relevant[position.get(input)!] === 1) {
        relevant[i] = 1;
        break;
      }
    }
  }

  const cotangents: (Gradient | undefined)[] = new Array(order.length);
  const seed = T.onesLike(output.value);
  cotangents[order.length - 1] = traced ? constant(seed) : seed;
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const cotangent = cotangents[i];
    if (cotangent === undefined || relevant[i] === 0 || leafSet.has(node)) continue;
    cotangents[i] = undefined;
    const inputs = node.inputs!;
    const needsGradient = inputs.map((input) => isTracked(input) && relevant[position.get(input)!] === 1);
    const gradients = node.backward!(
      cotangent,
      traced ? inputs : inputs.map(plainValue),
      traced ? node : node.value,
      needsGradient,
    );
    if (gradients.length !== inputs.length) {
      throw new ValueError(
        node.op,
        `backward rule returned ${gradients.length} gradients for ${inputs.length} inputs: return one per input (null for none)`,
      );
    }
    for (let j = 0; j < inputs.length; j++) {
      const gradient = gradients[j];
      if (!needsGradient[j] || gradient === null || gradient === undefined) continue;
      const input = inputs[j] as Traced;
      const contribution = conform(node.op, j, gradient, input, traced);
      const at = position.get(input)!;
      const previous = cotangents[at];
      cotangents[at] =
        previous === undefined
          ? contribution
          : traced
            ? add(previous, contribution)
            : T.add(previous as Tensor, contribution as Tensor);
    }
  }
  return leaves.map((leaf) => cotangents[position.get(leaf) ?? -1]);
}

function plainValue(input: Operand): Operand {
  return isTraced(input) ? input.value : input;
}

/** Checks a rule's gradient against its input's shape (naming the op) and brings it to the input's dtype. */
function conform(
  op: string,
  index: number,
  gradient: Traced | TensorLike,
  input: Traced,
  traced: boolean,
): Gradient {
  if (!shapesEqual(gradient.shape, input.shape)) {
    throw new ShapeError(
      op,
      `backward rule returned a gradient of shape ${formatShape(gradient.shape)} for input ${index} of shape ${formatShape(input.shape)}: a gradient must have its input's shape`,
    );
  }
  if (traced) {
    const value = isTraced(gradient) ? gradient : constant(gradient);
    return value.dtype === input.dtype ? value : cast(value, input.dtype);
  }
  const value = isTraced(gradient) ? gradient.value : asTensor(gradient);
  return value.dtype === input.dtype ? value : T.cast(value, input.dtype);
}

function foreignValueError(caller: string, node: Traced): ValueError {
  return new ValueError(
    caller,
    `the function uses a value (shape ${formatShape(node.shape)}) traced by another differentiation — an enclosing valueAndGrad, or a traced value kept from an earlier call — while its own inputs are plain tensors, so plain gradients would drop that dependency: keep .value (a plain tensor) of values you store between calls, or, inside an enclosing valueAndGrad, pass the inputs traced (e.g. grad(f)(stopGradient(x))) to get traced gradients`,
  );
}

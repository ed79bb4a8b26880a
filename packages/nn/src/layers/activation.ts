import { type ActivationName, applyActivation, getActivation } from "@descent/activations";
import type { Operand, Traced } from "@descent/autodiff";
import type { Activation } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import type { Layer } from "./types.js";
import { checkOptionKeys, isObject, nameOption } from "./validate.js";

/** A registry activation of `@descent/activations` (element-wise or along an axis, like softmax). */
interface NamedActivation {
  readonly name: string;
  apply(x: Operand): Traced;
  toJSON?(): { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
}

/**
 * What the activation layer accepts: an activation object, or the name of a built-in one (`"relu"`). Names
 * are the union `ActivationName` of `@descent/activations`, so a typo (`"rleu"`) is a compile error; your own
 * activations are passed as objects.
 */
export type ActivationLike = Activation | NamedActivation | ActivationName;

/** True for values `activation()` accepts that are not layers themselves. */
export function isActivationLike(value: unknown): value is ActivationLike {
  if (typeof value === "string") return true;
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Layer> & Partial<Activation> & Partial<NamedActivation>;
  if (typeof candidate.init === "function") return false;
  return (
    typeof candidate.apply === "function" ||
    (typeof candidate.forward === "function" && typeof candidate.backward === "function")
  );
}

/** Resolves an activation name or object to a differentiable function and its saved description. */
export function resolveActivation(fn: ActivationLike): {
  readonly run: (x: Operand) => Traced;
  readonly description: { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
} {
  const resolved = typeof fn === "string" ? (getActivation(fn) as unknown as NamedActivation) : fn;
  if (!isActivationLike(resolved) || typeof resolved === "string") {
    throw new ValueError(
      "activation",
      'expected an activation (relu(), leakyRelu({ alpha: 0.2 }), any Activation with forward/backward) or its name ("relu")',
    );
  }
  const described = (resolved as NamedActivation).toJSON?.() ?? { name: resolved.name, options: {} };
  if (
    typeof described?.name !== "string" ||
    (described.options !== undefined && !isObject(described.options))
  ) {
    throw new ValueError(
      "activation",
      "the activation needs a string name (and toJSON() must return { name, options }) so the layer can be saved",
    );
  }
  const description = { name: described.name, options: described.options ?? {} };
  const named = resolved as NamedActivation;
  const run =
    typeof named.apply === "function"
      ? (x: Operand) => named.apply(x)
      : (x: Operand) => applyActivation(resolved as Activation, x);
  return { run, description };
}

/**
 * A layer applying an activation: any of `@descent/activations` (`relu()`, `leakyRelu({ alpha: 0.2 })`,
 * `gelu()`, `softmax`-style axis activations, each with its documented subgradient at kinks), your own
 * `Activation` (forward/backward kernels), or a registry name (`"relu"`). No parameters.
 * `sequential` wraps activations given directly in its list with this.
 *
 * @example
 * sequential([dense(784, 128), activation(relu({ subgradientAtZero: 0 })), dense(128, 10)])
 */
export function activation(fn: ActivationLike, options: { readonly name?: string } = {}): Layer {
  checkOptionKeys("activation", options, ["name"]);
  nameOption("activation", "options.name", options.name);
  const { run, description } = resolveActivation(fn);
  const layer: Layer = {
    type: "activation",
    name: options.name,
    hasParams: false,
    hasState: false,
    config: { type: "activation", name: options.name, activation: description },
    init: () => ({}),
    initState: () => ({}),
    apply: (_params, input) => run(input),
    outputShape: (inputShape) => [...inputShape],
  };
  if (behavesAsDefaultRelu(fn, description)) defaultRelus.add(layer);
  return layer;
}

/** Activation layers computing `max(x, 0)` with relu'(0) = 0, which a preceding dense layer may fuse. */
const defaultRelus = new WeakSet<Layer>();

/** True for an activation layer of the built-in relu with the default subgradient relu'(0) = 0. */
export function isDefaultReluLayer(layer: Layer): boolean {
  return defaultRelus.has(layer);
}

function behavesAsDefaultRelu(
  fn: ActivationLike,
  description: { readonly name: string; readonly options: Readonly<Record<string, unknown>> },
): boolean {
  const keys = Object.keys(description.options);
  if (description.name !== "relu" || keys.some((key) => key !== "subgradientAtZero")) return false;
  if ((description.options.subgradientAtZero ?? 0) !== 0) return false;
  // A same-named user activation must also compute relu to be replaced by the fused kernel.
  const resolved = (typeof fn === "string" ? getActivation(fn) : fn) as Partial<Activation>;
  if (typeof resolved.value !== "function" || typeof resolved.derivative !== "function") return false;
  const points: readonly [number, number, number][] = [
    [-1.5, 0, 0],
    [0, 0, 0],
    [2.5, 2.5, 1],
  ];
  return points.every(([x, y, slope]) => resolved.value!(x) === y && resolved.derivative!(x, y) === slope);
}

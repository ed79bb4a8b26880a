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
 * By the name `"relu"`, or given an activation that declares `fusable: "relu"` (`@descent/activations`'
 * `relu()` with relu'(0) = 0 does), the layer declares `fusable: "relu"` too, so `sequential` may run a `dense`
 * before it as one fused op. Nothing is inferred from what an activation computes: an object without the
 * declaration is never fused.
 *
 * @example
 * sequential([dense(784, 128), activation(relu({ subgradientAtZero: 0 })), dense(128, 10)])
 */
export function activation(fn: ActivationLike, options: { readonly name?: string } = {}): Layer {
  checkOptionKeys("activation", options, ["name"]);
  nameOption("activation", "options.name", options.name);
  const declared = typeof fn === "object" && fn !== null && (fn as { fusable?: unknown }).fusable === "relu";
  return activationLayer(fn, options.name, fn === "relu" || declared);
}

/**
 * The activation layer of the built-in activation `name` with `activationOptions`, as a saved config names it:
 * declared fusable when it is relu with relu'(0) = 0. Internal: `layerFromConfig` uses it.
 */
export function builtInActivation(
  name: ActivationName,
  activationOptions: Readonly<Record<string, unknown>>,
  layerName: string | undefined,
): Layer {
  nameOption("activation", "options.name", layerName);
  const fusable =
    name === "relu" &&
    Object.keys(activationOptions).every((key) => key === "subgradientAtZero") &&
    (activationOptions.subgradientAtZero ?? 0) === 0;
  return activationLayer(getActivation(name, activationOptions) as ActivationLike, layerName, fusable);
}

function activationLayer(fn: ActivationLike, name: string | undefined, fusable: boolean): Layer {
  const { run, description } = resolveActivation(fn);
  return {
    type: "activation",
    name,
    hasParams: false,
    hasState: false,
    config: { type: "activation", name, activation: description },
    init: () => ({}),
    initState: () => ({}),
    apply: (_params, input) => run(input),
    outputShape: (inputShape) => [...inputShape],
    ...(fusable ? { fusable: "relu" as const } : {}),
  };
}

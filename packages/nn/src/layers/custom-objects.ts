import { activations as builtInActivations } from "@descent/activations";
import { DescentError, ValueError } from "@descent/tensor";
import type { ActivationLike } from "./activation.js";
import type { Layer, LayerConfig } from "./types.js";
import { checkOptionKeys, describe, isObject } from "./validate.js";

// Why this exists: a saved config names its pieces ("dense", activation "relu"), and a model made of your
// own pieces must load too — as Keras's `custom_objects`. The names come from a file, so they are looked
// up in Maps built once from the caller's registry (own keys only), and a custom name may not shadow a
// built-in one: a saved "dense" always means descent's dense, whoever loads the file.

/**
 * Builds a layer of a custom type from its saved `config` (what the layer's `config` wrote, with its
 * `type` and `name`); `build` rebuilds nested layer configs with the same custom pieces.
 * The config comes from a file: check its fields before use.
 *
 * @example
 * const layers = { scaleShift: (config) => scaleShift(config.features as number, { name: config.name }) };
 */
export type LayerFactory = (config: LayerConfig, build: (config: LayerConfig) => Layer) => Layer;

/** What an activation factory returns: an `Activation` (forward/backward kernels) or an activation with `apply`. */
export type CustomActivation = Exclude<ActivationLike, string>;

/**
 * Builds a custom activation from the options saved with it (`activation.toJSON().options`, `{}` when it has
 * none), like the factories of `@descent/activations`. The parameter is typed `never` so that a factory
 * of any options type fits; the options come from a file, so the factory must check them.
 *
 * @example
 * const activations = { swishBeta }; // swishBeta(options?: { beta?: number }) => ElementwiseActivation
 */
export type ActivationFactory = (options: never) => CustomActivation;

/** Named factories: a `Map`, or an object whose own enumerable keys are the names. */
export type CustomRegistry<Factory> = ReadonlyMap<string, Factory> | { readonly [name: string]: Factory };

/**
 * Your own pieces, by the name a saved config uses for them (as Keras's `custom_objects`): layers by
 * their `type`, activations by their `name`. Names of built-in pieces cannot be reused.
 *
 * @example
 * loadModel("models/custom", { custom: { layers: { scaleShift: scaleShiftFromConfig }, activations: { swishBeta } } })
 */
export interface CustomObjects {
  /** Factories of custom layers, by the `type` their config saved. */
  readonly layers?: CustomRegistry<LayerFactory>;
  /** Factories of custom activations, by the `name` they saved. */
  readonly activations?: CustomRegistry<ActivationFactory>;
}

/** Options of `layerFromConfig` and `modelFromConfig`. */
export interface FromConfigOptions {
  /** Factories of the custom layers and activations the config uses (see {@link CustomObjects}). */
  readonly custom?: CustomObjects;
}

/** A checked {@link CustomObjects}: names to factories, in Maps. */
export interface ResolvedCustomObjects {
  readonly layers: ReadonlyMap<string, LayerFactory>;
  readonly activations: ReadonlyMap<string, (options: Readonly<Record<string, unknown>>) => unknown>;
}

/** Where the guide explains each kind of custom piece (named in the errors). */
export const GUIDE = {
  layers: "docs/extending.md#layers",
  activations: "docs/extending.md#activations",
} as const;

/**
 * Checks `options.custom` and returns its factories in Maps: `custom` is undefined or a plain object with
 * `layers` and `activations`, each a Map or an object of functions keyed by non-empty names that are not
 * built-in names.
 *
 * @throws ValueError naming `options.custom.<kind>["name"]`, what it is and the fix.
 * @example resolveCustomObjects("loadModel", options.custom, builtInLayerTypes)
 */
export function resolveCustomObjects(
  op: string,
  custom: unknown,
  builtInLayerTypes: readonly string[],
): ResolvedCustomObjects {
  if (custom === undefined) return { layers: new Map(), activations: new Map() };
  checkOptionKeys(op, custom, ["layers", "activations"], "options.custom");
  const record = custom as Record<string, unknown>;
  return {
    layers: registry<LayerFactory>(
      op,
      "layers",
      record.layers,
      builtInLayerTypes,
      "(config, build) => layer",
    ),
    activations: registry<(options: Readonly<Record<string, unknown>>) => unknown>(
      op,
      "activations",
      record.activations,
      Object.keys(builtInActivations),
      "(options) => activation",
    ),
  };
}

function registry<Factory>(
  op: string,
  kind: "layers" | "activations",
  value: unknown,
  builtIns: readonly string[],
  signature: string,
): Map<string, Factory> {
  const label = `options.custom.${kind}`;
  const entries: [unknown, unknown][] =
    value === undefined
      ? []
      : value instanceof Map
        ? [...value.entries()]
        : isObject(value)
          ? Object.keys(value).map((key) => [key, value[key]])
          : invalid(op, `${label} is ${describe(value)}: pass a Map or an object { name: ${signature} }`);
  const resolved = new Map<string, Factory>();
  for (const [name, factory] of entries) {
    if (typeof name !== "string" || name === "")
      invalid(op, `${label} has the key ${describe(name)}: names are non-empty strings`);
    const entry = `${label}[${JSON.stringify(name)}]`;
    if (builtIns.includes(name)) {
      const what = kind === "layers" ? "layer type" : "activation";
      invalid(
        op,
        `${entry}: "${name}" is a built-in ${what}, and a saved "${name}" always means the built-in one (so a file loads the same everywhere): give yours another name (see ${GUIDE[kind]})`,
      );
    }
    if (typeof factory !== "function")
      invalid(op, `${entry} is ${describe(factory)}: pass a factory ${signature}`);
    resolved.set(name, factory as Factory);
  }
  return resolved;
}

function invalid(op: string, message: string): never {
  throw new ValueError(op, message);
}

/**
 * Runs a custom factory: an error that is not a descent error (a bug or a failed check in user code) is
 * wrapped in a ValueError naming the registry entry, with the original as `cause`.
 */
export function callFactory<Result>(op: string, entry: string, run: () => Result): Result {
  try {
    return run();
  } catch (error) {
    if (error instanceof DescentError) throw error;
    const wrapped = new ValueError(
      op,
      `${entry} threw while rebuilding from its config: ${(error as Error)?.message ?? String(error)}`,
    );
    Object.assign(wrapped, { cause: error });
    throw wrapped;
  }
}

/** Throws unless `layer` is a layer of type `type` (a factory must rebuild its own type, so saving again gives the same config). */
export function checkBuiltLayer(op: string, entry: string, type: string, layer: unknown): Layer {
  const candidate = layer as Partial<Layer> | null;
  const isLayer =
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.type === "string" &&
    typeof candidate.apply === "function" &&
    typeof candidate.init === "function" &&
    typeof candidate.initState === "function" &&
    typeof candidate.outputShape === "function";
  if (!isLayer) {
    throw new ValueError(
      op,
      `${entry} returned ${describe(layer)}: a factory returns a layer { type, config, init, initState, apply, outputShape }`,
    );
  }
  if (candidate.type !== type) {
    throw new ValueError(
      op,
      `${entry} returned a layer of type ${describe(candidate.type)}: it must rebuild a layer of type "${type}" (so the model saves the same config again)`,
    );
  }
  return layer as Layer;
}

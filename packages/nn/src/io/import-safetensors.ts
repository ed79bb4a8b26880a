import type { FloatDType, ParamTree } from "@descent/spec";
import { formatShape, ShapeError, ValueError } from "@descent/tensor";
import type { Layer, Model } from "../layers/index.js";
import { checkOptionKeys, checkShapeArgument, describe, isObject } from "../layers/validate.js";
import { type ModelFileLimits, resolveLimits } from "./limits.js";
import { decodeSafetensors } from "./safetensors.js";
import { type FlattenedImages, TORCH_MAPPINGS, type TorchMapping } from "./torch-layouts.js";
import {
  groupByModule,
  isIgnoredTorchTensor,
  orderModules,
  type TorchModule,
  withoutTensors,
} from "./torch-state-dict.js";

/** Options of {@link importSafetensors}. */
export interface ImportSafetensorsOptions {
  /**
   * Which PyTorch module each descent layer with parameters takes its tensors from, by layer name:
   * `{ conv2d_1: "features.0", batchNorm_1: "features.1", dense_1: "classifier" }`. Default: the modules
   * in the order their numbered names give (`0`, `1`, `3` of an `nn.Sequential`; `fc1`, `fc2`), one per
   * layer with parameters, in the model's order.
   */
  readonly names?: Readonly<Record<string, string>>;
  /**
   * The per-sample input shape (`[28, 28, 1]`, NHWC). Required when the model flattens images before a layer
   * with parameters: PyTorch flattens `[C, H, W]`, descent `[H, W, C]`, so that layer's tensors are reordered.
   */
  readonly inputShape?: readonly number[];
  /** The dtype of the imported tensors. Default `"float32"`. */
  readonly dtype?: FloatDType;
  /** Bounds on what the file may make the reader allocate (see {@link ModelFileLimits}). */
  readonly limits?: ModelFileLimits;
}

/** What {@link importSafetensors} returns: descent parameters and state, and the module each layer took. */
export interface ImportedSafetensors {
  /** The parameters, shaped like `model.init()`'s: `{ dense_1: { weights, bias }, … }`. */
  readonly params: ParamTree;
  /** The non-trainable state, shaped like `model.initState()`'s (batch-norm running statistics). */
  readonly state: ParamTree;
  /** The PyTorch module path each layer with parameters took its tensors from: `{ dense_1: "0", … }`. */
  readonly names: Readonly<Record<string, string>>;
}

interface TargetLayer {
  readonly name: string;
  readonly layer: Layer;
  readonly mapping: TorchMapping;
  readonly flattened: FlattenedImages | undefined;
}

/**
 * Imports a PyTorch `state_dict` saved in safetensors format (`safetensors.torch.save_file(model.state_dict(),
 * path)`) as parameters and state for a descent `model` of the same architecture: `Linear` → `dense`
 * (`weight [out, in]` transposed to `weights [in, out]`), `Conv2d` → `conv2d` (`[out, in, kh, kw]` to
 * NHWC's `[kh, kw, in, out]`), `BatchNorm1d/2d` → `batchNorm` (`weight`, `bias` → `gamma`, `beta`;
 * `running_mean`, `running_var` → state `runningMean`, `runningVariance`; `num_batches_tracked` ignored),
 * `LayerNorm` → `layerNorm`. See docs/interop.md for the whole mapping.
 *
 * Each layer with parameters takes one module: by `options.names`, or else in the order of the modules'
 * numbered names. A `dense` (or norm) after a `flatten` of images has its features reordered from PyTorch's
 * `[C, H, W]` to descent's `[H, W, C]` (give `options.inputShape`). The file is validated by nn's safetensors
 * reader (limits, offsets, dtypes F32/F64).
 *
 * @throws ValueError naming a missing or extra tensor or module, or a layer type PyTorch has no module for;
 *   ShapeError naming a tensor whose shape does not fit its layer.
 * @example
 * const model = sequential([dense(4, 8), "relu", dense(8, 3)]);
 * const { params } = importSafetensors(bytes, model); // bytes: torch nn.Sequential(Linear(4,8), ReLU(), Linear(8,3))
 * const logits = predict(model, params, inputs);
 */
export function importSafetensors(
  bytes: Uint8Array,
  model: Model,
  options: ImportSafetensorsOptions = {},
): ImportedSafetensors {
  const op = "importSafetensors";
  checkOptionKeys(op, options, ["names", "inputShape", "dtype", "limits"]);
  if (!isObject(model) || !Array.isArray(model.layers) || !Array.isArray(model.layerNames)) {
    throw new ValueError(op, `model is ${describe(model)}: pass a model made by sequential([...])`);
  }
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64") {
    throw new ValueError(op, `options.dtype is ${describe(dtype)}: use "float32" or "float64"`);
  }
  const limits = resolveLimits(op, options.limits);
  const targets = targetLayers(op, model, options.inputShape);
  const { tensors } = decodeSafetensors(withoutTensors(op, bytes, limits, isIgnoredTorchTensor), { limits });
  const modules = groupByModule(tensors);
  const assigned = assignModules(op, targets, modules, options.names);
  const params: Record<string, ParamTree> = {};
  const state: Record<string, ParamTree> = {};
  const names: Record<string, string> = {};
  for (const target of targets) {
    const module = assigned.get(target.name)!;
    checkModuleTensors(op, target, module);
    const converted = target.mapping.convert(module.tensors, target.layer.config, target.flattened, dtype);
    params[target.name] = converted.params;
    if (converted.state) state[target.name] = converted.state;
    names[target.name] = module.path;
  }
  return { params, state, names };
}

/** The model's layers with parameters, each with its PyTorch mapping and how its input was flattened. */
function targetLayers(op: string, model: Model, inputShape: readonly number[] | undefined): TargetLayer[] {
  if (inputShape !== undefined) checkShapeArgument(op, "options.inputShape", inputShape);
  let shape = inputShape === undefined ? undefined : [...inputShape];
  let flattened: FlattenedImages | undefined;
  let flattenLayer: string | undefined;
  const targets: TargetLayer[] = [];
  model.layers.forEach((layer, i) => {
    const name = model.layerNames[i]!;
    if (layer.type === "flatten") {
      flattenLayer = name;
      flattened =
        shape?.length === 3 && shape[2]! > 1 && shape[0]! * shape[1]! > 1
          ? { channels: shape[2]!, spatial: shape[0]! * shape[1]! }
          : undefined;
    }
    if (layer.hasParams) {
      const mapping = Object.hasOwn(TORCH_MAPPINGS, layer.type) ? TORCH_MAPPINGS[layer.type] : undefined;
      if (mapping === undefined) {
        throw new ValueError(
          op,
          `layer "${name}" is a ${layer.type}, which has no PyTorch module importSafetensors maps (dense, conv2d, batchNorm, layerNorm): import its tensors with decodeSafetensors and add them to params yourself`,
        );
      }
      if (flattenLayer !== undefined && shape === undefined) {
        throw new ValueError(
          op,
          `layer "${name}" follows "${flattenLayer}": PyTorch flattens images as [C, H, W] and descent as [H, W, C], so its tensors may need reordering: pass options.inputShape, the per-sample input shape (e.g. [28, 28, 1])`,
        );
      }
      targets.push({ name, layer, mapping, flattened });
      if (layer.type === "dense") flattened = undefined;
    }
    if (shape !== undefined) shape = layer.outputShape(shape);
  });
  return targets;
}

/** The module of each target layer: by `names`, or else in the modules' numbered order. */
function assignModules(
  op: string,
  targets: readonly TargetLayer[],
  modules: readonly TorchModule[],
  names: Readonly<Record<string, string>> | undefined,
): Map<string, TorchModule> {
  const listModules = (list: readonly TorchModule[]) => list.map((module) => `"${module.path}"`).join(", ");
  const assigned = new Map<string, TorchModule>();
  if (names === undefined) {
    const ordered = orderModules(op, modules);
    if (ordered.length !== targets.length) {
      throw new ValueError(
        op,
        `the file holds ${ordered.length} modules with tensors (${listModules(ordered) || "none"}) but the model has ${targets.length} layers with parameters (${targets.map((t) => t.name).join(", ") || "none"}): ${
          ordered.length > targets.length
            ? `modules ${listModules(ordered.slice(targets.length))} have no layer`
            : `layers ${targets
                .slice(ordered.length)
                .map((t) => t.name)
                .join(", ")} have no module`
        }; build the same architecture, or pass options.names`,
      );
    }
    for (const [i, target] of targets.entries()) assigned.set(target.name, ordered[i]!);
    return assigned;
  }
  if (!isObject(names))
    throw new ValueError(op, `options.names is ${describe(names)}: pass { dense_1: "0", … }`);
  const byPath = new Map(modules.map((module) => [module.path, module]));
  for (const key of Object.keys(names)) {
    if (!targets.some((target) => target.name === key)) {
      throw new ValueError(
        op,
        `options.names has "${key}", which is not a layer with parameters of the model (${targets.map((t) => t.name).join(", ")})`,
      );
    }
  }
  for (const target of targets) {
    const path = Object.hasOwn(names, target.name) ? names[target.name] : undefined;
    if (typeof path !== "string") {
      throw new ValueError(
        op,
        `options.names has no module for layer "${target.name}": add ${target.name}: "<module path>"`,
      );
    }
    const module = byPath.get(path);
    if (module === undefined) {
      throw new ValueError(
        op,
        `options.names maps layer "${target.name}" to module "${path}", which the file does not have (modules: ${listModules(modules)})`,
      );
    }
    const other = [...assigned].find(([, taken]) => taken === module);
    if (other)
      throw new ValueError(
        op,
        `options.names maps both "${other[0]}" and "${target.name}" to module "${path}"`,
      );
    assigned.set(target.name, module);
  }
  const unused = modules.filter((module) => ![...assigned.values()].includes(module));
  if (unused.length > 0) {
    const tensorNames = unused.flatMap((module) =>
      [...module.tensors.keys()].map((key) => qualified(module.path, key)),
    );
    throw new ValueError(
      op,
      `the file holds tensors no layer takes (${tensorNames.join(", ")}): map their module in options.names or remove them from the state_dict`,
    );
  }
  return assigned;
}

/** Throws unless the module holds exactly the tensors its layer needs, each in the PyTorch shape. */
function checkModuleTensors(op: string, target: TargetLayer, module: TorchModule): void {
  const expected = target.mapping.shapes(target.layer.config);
  const where = `layer "${target.name}" (${target.layer.type}, PyTorch ${target.mapping.module}) from module "${module.path}"`;
  const found = [...module.tensors].map(
    ([key, tensor]) => `${qualified(module.path, key)} ${formatShape(tensor.shape)}`,
  );
  for (const [key, shape] of Object.entries(expected)) {
    const tensor = module.tensors.get(key);
    if (tensor === undefined) {
      throw new ValueError(
        op,
        `${where} needs tensor "${qualified(module.path, key)}" ${formatShape(shape)}, missing from the file (the module holds ${found.join(", ")})${key === "bias" ? `; for a layer without bias use { useBias: false }` : ""}`,
      );
    }
    if (tensor.shape.length !== shape.length || tensor.shape.some((size, axis) => size !== shape[axis])) {
      throw new ShapeError(
        op,
        `${where}: tensor "${qualified(module.path, key)}" is ${formatShape(tensor.shape)} but the layer needs ${formatShape(shape)} (PyTorch layout): build the descent layer with the module's sizes`,
      );
    }
  }
  for (const key of module.tensors.keys()) {
    if (!Object.hasOwn(expected, key)) {
      throw new ValueError(
        op,
        `${where}: tensor "${qualified(module.path, key)}" is not one of a ${target.mapping.module}'s (${Object.keys(expected).join(", ")})${key === "bias" ? `: the layer was built with { useBias: false }` : ""}`,
      );
    }
  }
}

const qualified = (path: string, key: string) => (path === "" ? key : `${path}.${key}`);

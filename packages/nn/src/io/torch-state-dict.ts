import type { Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import type { ModelFileLimits } from "./limits.js";
import { isSize, METADATA_KEY, readHeaderLength, rejectDuplicateNames } from "./safetensors-header.js";

// Why this exists: a PyTorch state_dict names tensors `<module path>.<tensor>` ("features.0.weight") and
// holds one tensor descent has no use for, BatchNorm's int64 `num_batches_tracked`, which nn's safetensors
// reader (float32/float64 only) would refuse. This file removes those entries from the bytes before the
// reader validates the rest, and groups and orders what is left by module.

/** The state_dict entries a descent model has no counterpart for: BatchNorm's step counter. */
export function isIgnoredTorchTensor(name: string): boolean {
  return name === "num_batches_tracked" || name.endsWith(".num_batches_tracked");
}

/**
 * The safetensors bytes without the tensors `isIgnored` selects (their data cut out, the other offsets
 * shifted), so `decodeSafetensors` validates and reads only the rest. The bytes themselves when nothing is
 * ignored or the header is not one this function can read (the reader then reports what is wrong).
 *
 * @example withoutTensors("importSafetensors", bytes, limits, isIgnoredTorchTensor)
 */
export function withoutTensors(
  op: string,
  bytes: Uint8Array,
  limits: Required<ModelFileLimits>,
  isIgnored: (name: string) => boolean,
): Uint8Array {
  const headerLength = readHeaderLength(op, bytes, limits);
  let text: string;
  let header: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    header = JSON.parse(text);
  } catch {
    return bytes;
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return bytes;
  const entries = header as Record<string, unknown>;
  const names = Object.keys(entries);
  const ignored = names.filter((name) => name !== METADATA_KEY && isIgnored(name));
  if (ignored.length === 0) return bytes;
  rejectDuplicateNames(op, text, names.length);
  const dataLength = bytes.length - 8 - headerLength;
  const cuts = ignored
    .map((name) => {
      const offsets = (entries[name] as { data_offsets?: unknown } | null)?.data_offsets;
      const [begin, end] = Array.isArray(offsets) && offsets.length === 2 ? offsets : [];
      if (!isSize(begin) || !isSize(end) || begin > end || end > dataLength) {
        throw new ValueError(
          op,
          `tensor "${name}": data_offsets ${JSON.stringify(offsets)?.slice(0, 100)} are not [begin, end] within the ${dataLength}-byte data section`,
        );
      }
      return { name, begin, end };
    })
    .sort((a, b) => a.begin - b.begin);
  const removedBefore = (offset: number) =>
    cuts.reduce((sum, cut) => (cut.end <= offset ? sum + cut.end - cut.begin : sum), 0);
  const kept: Record<string, unknown> = Object.create(null);
  for (const name of names) {
    if (ignored.includes(name)) continue;
    const entry = entries[name] as { data_offsets?: unknown } | null;
    const offsets = name === METADATA_KEY ? undefined : entry?.data_offsets;
    if (Array.isArray(offsets) && offsets.length === 2 && offsets.every(isSize)) {
      const [begin, end] = offsets as [number, number];
      const overlapped = cuts.find((cut) => begin < cut.end && cut.begin < end);
      if (overlapped !== undefined) {
        throw new ValueError(
          op,
          `tensor "${name}": data_offsets [${begin}, ${end}] overlap those of "${overlapped.name}"`,
        );
      }
      const shift = removedBefore(begin);
      kept[name] = { ...entry, data_offsets: [begin - shift, end - shift] };
    } else {
      kept[name] = entry;
    }
  }
  const keptHeader = new TextEncoder().encode(JSON.stringify(kept));
  const removed = cuts.reduce((sum, cut) => sum + cut.end - cut.begin, 0);
  const output = new Uint8Array(8 + keptHeader.length + dataLength - removed);
  const view = new DataView(output.buffer);
  view.setUint32(0, keptHeader.length % 2 ** 32, true);
  view.setUint32(4, Math.floor(keptHeader.length / 2 ** 32), true);
  output.set(keptHeader, 8);
  const data = bytes.subarray(8 + headerLength);
  let from = 0;
  let to = 8 + keptHeader.length;
  for (const cut of cuts) {
    output.set(data.subarray(from, cut.begin), to);
    to += cut.begin - from;
    from = Math.max(from, cut.end);
  }
  output.set(data.subarray(from), to);
  return output;
}

/** The tensors of one PyTorch module: its path (`"features.0"`, `""` for the top level) and tensors by name. */
export interface TorchModule {
  readonly path: string;
  readonly tensors: Map<string, TensorLike>;
}

/**
 * The state_dict's tensors grouped by module path (`"3.running_mean"` → module `"3"`, tensor
 * `running_mean`), in the order {@link orderModules} finds.
 *
 * @example groupByModule({ "0.weight": w, "0.bias": b }) // [{ path: "0", tensors: Map { weight, bias } }]
 */
export function groupByModule(tensors: Readonly<Record<string, TensorLike>>): TorchModule[] {
  const modules = new Map<string, Map<string, TensorLike>>();
  for (const [name, tensor] of Object.entries(tensors)) {
    const cut = name.lastIndexOf(".");
    const path = cut === -1 ? "" : name.slice(0, cut);
    if (!modules.has(path)) modules.set(path, new Map());
    modules.get(path)!.set(name.slice(cut + 1), tensor);
  }
  return [...modules].map(([path, moduleTensors]) => ({ path, tensors: moduleTensors }));
}

/** A path segment as a name stem and its trailing number: `"fc12"` → `["fc", 12]`, `"0"` → `["", 0]`. */
function numbered(segment: string): [string, number | undefined] {
  const match = /^(.*?)(\d+)$/.exec(segment);
  return match ? [match[1]!, Number(match[2])] : [segment, undefined];
}

/**
 * Compares two module paths segment by segment. `decided` is true when the first differing segment has the
 * same stem and differs by its number (`0` < `3` < `10`, `fc1` < `fc2`, `layer2.0` < `layer10.0`): the
 * order nn.Sequential and numbered names give. Anything else (`bn` vs `conv`) says nothing about the order
 * the modules run in.
 */
function comparePaths(a: string, b: string): { order: number; decided: boolean } {
  const left = a === "" ? [] : a.split(".");
  const right = b === "" ? [] : b.split(".");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] === right[i]) continue;
    const [stemA, numberA] = numbered(left[i]!);
    const [stemB, numberB] = numbered(right[i]!);
    if (stemA === stemB && numberA !== undefined && numberB !== undefined && numberA !== numberB) {
      return { order: numberA - numberB, decided: true };
    }
    return { order: left[i]! < right[i]! ? -1 : 1, decided: false };
  }
  return { order: left.length - right.length, decided: false };
}

/**
 * The modules in the order they run, read from their numbered paths (`0`, `1`, `3` of nn.Sequential;
 * `fc1`, `fc2`). The file's own order is no guide: `safetensors.torch.save_file` sorts names as strings
 * (`10.weight` before `2.weight`).
 *
 * @throws ValueError naming two modules whose order the names do not tell (`bn` and `conv`), with the fix:
 *   an explicit `options.names`.
 * @example orderModules(groupByModule(tensors)).map((m) => m.path) // ["0", "2", "10"]
 */
export function orderModules(op: string, modules: readonly TorchModule[]): TorchModule[] {
  const sorted = [...modules].sort((a, b) => comparePaths(a.path, b.path).order);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1]!.path, sorted[i]!.path];
    if (!comparePaths(a, b).decided) {
      throw new ValueError(
        op,
        `the state_dict's modules "${a}" and "${b}" are not numbered, so their order cannot be read from their names: pass options.names, a map from each descent layer to its module, e.g. { dense_1: "${a}" }`,
      );
    }
  }
  return sorted;
}

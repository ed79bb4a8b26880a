import { readFileSync } from "node:fs";
import { DescentError, ValueError } from "@descent/tensor";
import {
  type ImportedSafetensors,
  type ImportSafetensorsOptions,
  importSafetensors as importBytes,
} from "../io/import-safetensors.js";
import type { Model } from "../layers/index.js";

/**
 * `importSafetensors` of `@descent/nn`, also reading the file when given a path: imports a PyTorch
 * `state_dict` saved with `safetensors.torch.save_file` as parameters and state for `model` (see
 * docs/interop.md for the layouts and names).
 *
 * @throws DescentError naming the file when it cannot be read; the errors of `importSafetensors` otherwise.
 * @example
 * import { importSafetensors } from "@descent/nn/node";
 * const { params, state } = importSafetensors("torch/model.safetensors", model, { inputShape: [28, 28, 1] });
 */
export function importSafetensors(
  source: string | Uint8Array,
  model: Model,
  options: ImportSafetensorsOptions = {},
): ImportedSafetensors {
  const op = "importSafetensors";
  if (typeof source !== "string") return importBytes(source, model, options);
  if (source.length === 0) throw new ValueError(op, "path must be a non-empty string (or pass the bytes)");
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(source); // a Buffer is a Uint8Array: no copy
  } catch (error) {
    const failure = new DescentError(
      op,
      `cannot read ${source} (${(error as Error)?.message ?? String(error)})`,
    );
    throw Object.assign(failure, { cause: error, code: (error as NodeJS.ErrnoException)?.code });
  }
  return importBytes(bytes, model, options);
}

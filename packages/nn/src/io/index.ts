export { DEFAULT_MODEL_FILE_LIMITS, type ModelFileLimits } from "./limits.js";
export {
  checksum,
  type DeserializeOptions,
  deserializeModel,
  MANIFEST_FILE,
  type ModelManifest,
  type ModelSnapshot,
  packageVersions,
  type SerializedModel,
  type SerializeOptions,
  serializeModel,
  WEIGHTS_FILE,
} from "./model-files.js";
export {
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsMetadata,
} from "./safetensors.js";

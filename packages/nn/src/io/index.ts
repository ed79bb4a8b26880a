export {
  checksum,
  deserializeModel,
  MANIFEST_FILE,
  type ModelManifest,
  type ModelSnapshot,
  packageVersions,
  type SerializedModel,
  serializeModel,
  WEIGHTS_FILE,
} from "./model-files.js";
export {
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsMetadata,
} from "./safetensors.js";

// Why this exists: optimizer state (`serializeState`) and model manifests (nn's saved training state) are
// the same kind of data — plain objects, numbers JSON cannot hold, tensors — and used to have two codecs
// with different escaping. This is the one codec; each caller only names itself and where tensors go.

export { decodeJson, type JsonDecodeOptions } from "./json-decode.js";
export { encodeJson, type JsonEncodeOptions } from "./json-encode.js";
export { type JsonValue, MAX_JSON_DEPTH } from "./json-values.js";

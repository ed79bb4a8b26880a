export { broadcastTo } from "./broadcast.js";
export { concat, split, stack, unstack } from "./concat.js";
export { gather, type Indices, oneHot } from "./gather.js";
export { expandDims, flatten, reshape, squeeze } from "./reshape.js";
export { pad, slice } from "./slice.js";
export { tile } from "./tile.js";
export { permute, transpose } from "./transpose.js";

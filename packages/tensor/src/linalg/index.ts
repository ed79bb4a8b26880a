export { type MatmulOptions, matmul } from "./matmul.js";
export { dot, outer } from "./products.js";

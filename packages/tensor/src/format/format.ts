import type { Tensor } from "@descent/spec";

/**
 * Formats a tensor as NumPy-like text. Placeholder replaced by the full formatter (summarized
 * large tensors, aligned columns).
 */
export function formatTensor(tensor: Tensor): string {
  return `tensor([${Array.from(tensor.data).join(", ")}], shape=[${tensor.shape.join(",")}], dtype=${tensor.dtype})`;
}

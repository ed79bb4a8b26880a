import type { Kernels } from "./kernels.js";

/** Pure-JavaScript reference kernels: the last fallback, and the reference every faster kernel is tested against. */
export const jsKernels: Kernels = {
  name: "js",
  gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let total = 0;
        for (let p = 0; p < k; p++) {
          const aValue = transposeA ? a[p * m + i]! : a[i * k + p]!;
          const bValue = transposeB ? b[j * k + p]! : b[p * n + j]!;
          total += aValue * bValue;
        }
        c[i * n + j] = beta === 0 ? alpha * total : alpha * total + beta * c[i * n + j]!;
      }
    }
  },
};

import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", kernels: "src/kernels/index.ts" },
  format: ["esm", "cjs"],
  // Both entries share one chunk of kernel state (the active kernels), in CommonJS too.
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
});

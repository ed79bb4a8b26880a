import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  // Shared chunks in both formats, so `@descent/nn/node` and `@descent/nn` share one copy of every
  // class and cache (e.g. `NonFiniteError` thrown by the Node `fit` is the one the main entry exports).
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
});

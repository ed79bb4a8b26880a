import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  // `import.meta.url` (used to find the installed data packages) needs a shim in the CommonJS build.
  shims: true,
});

import { defineConfig } from "tsup";

export default defineConfig({
  // peer-child: the process each JavaScript library of `peers` runs in (experiments/peers/isolated.ts).
  entry: { cli: "src/cli.ts", index: "src/index.ts", "peer-child": "src/experiments/peers/child.ts" },
  format: ["esm"],
  dts: false,
  clean: true,
  sourcemap: true,
  target: "node20",
  banner: { js: "#!/usr/bin/env node" },
});

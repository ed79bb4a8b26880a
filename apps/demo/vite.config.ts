import { defaultClientConditions, defineConfig } from "vite";

// "source" first: the workspace packages resolve to their TypeScript sources, so the demo needs no package build.
const demoConditions = ["source", ...defaultClientConditions];

export default defineConfig({
  base: "./",
  resolve: { conditions: demoConditions },
  worker: { format: "es" },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
  preview: { host: "127.0.0.1" },
});

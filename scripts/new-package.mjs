#!/usr/bin/env node
// Creates packages/<name> with the project's standard files. Usage: node scripts/new-package.mjs <name> "<description>" [dep ...]
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [name, description, ...dependencies] = process.argv.slice(2);
if (!name || !description) {
  console.error('usage: node scripts/new-package.mjs <name> "<description>" [@descent/dep ...]');
  process.exit(1);
}
const directory = join("packages", name);
if (existsSync(directory)) {
  console.error(`${directory} exists already`);
  process.exit(1);
}
mkdirSync(join(directory, "src"), { recursive: true });
const packageJson = {
  name: `@descent/${name}`,
  version: "0.0.0",
  description,
  license: "MIT",
  type: "module",
  sideEffects: false,
  exports: {
    ".": {
      source: "./src/index.ts",
      import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
      require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
    },
    "./package.json": "./package.json",
  },
  main: "./dist/index.cjs",
  module: "./dist/index.js",
  types: "./dist/index.d.cts",
  files: ["dist", "src", "!src/**/*.test.ts", "!src/**/*.test-d.ts", "!src/**/__fixtures__"],
  repository: { type: "git", url: "git+https://github.com/descent-ml/descent.git", directory },
  keywords: ["machine-learning", "deep-learning", "gradient-descent", "backpropagation"],
  engines: { node: ">=20" },
  scripts: {
    build: "tsup",
    test: "vitest run",
    typecheck: "tsc --noEmit",
  },
  dependencies: Object.fromEntries(dependencies.map((dependency) => [dependency, "workspace:*"])),
};
writeFileSync(join(directory, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
writeFileSync(
  join(directory, "tsup.config.ts"),
  `import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
});
`,
);
writeFileSync(
  join(directory, "tsconfig.json"),
  `${JSON.stringify({ extends: "../../tsconfig.base.json", include: ["src"] }, null, 2)}\n`,
);
writeFileSync(
  join(directory, "vitest.config.ts"),
  `import { sharedConfig } from "../../vitest.shared";

export default sharedConfig;
`,
);
console.log(`created ${directory}`);

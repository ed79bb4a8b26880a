import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared";

export default mergeConfig(
  sharedConfig,
  defineConfig({ test: { typecheck: { include: ["src/**/*.test-d.ts"] } } }),
);

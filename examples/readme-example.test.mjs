// Checks that the root README's example is exactly examples/mlp-gradients.mjs, runs it on the built
// packages, and asserts that it printed a loss and that checkGradient confirmed the gradients.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";

test("the root README example is examples/mlp-gradients.mjs and its gradients are confirmed", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const block = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  const file = readFileSync(new URL("./mlp-gradients.mjs", import.meta.url), "utf8");
  assert.equal(block, file, "README.md's first ```js block must equal examples/mlp-gradients.mjs");
  const output = execFileSync(process.execPath, ["mlp-gradients.mjs"], { encoding: "utf8" });
  assert.match(output, /^loss: \d+\.\d{6}$/m);
  assert.match(output, /checkGradient: gradients confirmed \(67 elements\)/);
});

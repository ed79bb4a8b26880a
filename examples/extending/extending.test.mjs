// Why this exists: docs/extending.md (and the spec README's optimizer) promise working extension points.
// Each code block there is an example file of this folder, byte for byte; each file runs (on the
// packages' sources, no build needed) and asserts its own claim — the optimizer lowers the loss, the
// activation's gradient passes checkGradient, the layer's model loads with `custom` and predicts the
// same bits — so a guide that drifts from the code, or code that stops working, fails here.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { DOCUMENTS, examplesOf, exampleText } from "./sync-guide.mjs";

const folder = new URL("./", import.meta.url);
const shown = DOCUMENTS.flatMap((document) =>
  examplesOf(document).map((example) => ({ document, ...example })),
);

test("every code block of the guide and the spec README is its example file, byte for byte", () => {
  assert.ok(shown.length >= 7, `expected the 7 examples, found ${shown.length}`);
  for (const { document, path, body } of shown) {
    assert.equal(
      body,
      exampleText(path),
      `${document}'s block for ${path} differs from the file: run node examples/extending/sync-guide.mjs`,
    );
  }
});

test("every example file is shown, and each extension point has its section and example", () => {
  const files = readdirSync(folder).filter(
    (name) => /\.(ts|mjs)$/.test(name) && !["extending.test.mjs", "sync-guide.mjs"].includes(name),
  );
  const paths = new Set(shown.map(({ path }) => path));
  for (const name of files)
    assert.ok(paths.has(`examples/extending/${name}`), `${name} is not shown in any document`);
  const guide = readFileSync(new URL("../../docs/extending.md", import.meta.url), "utf8");
  // The anchors the error messages of @descent/nn point to (docs/extending.md#layers, #activations).
  for (const [heading, file] of [
    ["Optimizers", "optimizer.ts"],
    ["Activations", "activation.ts"],
    ["Regularizers", "regularizer.ts"],
    ["Layers", "layer.ts"],
    ["Losses", "loss.ts"],
    ["Metrics", "metric.ts"],
  ]) {
    const section = guide.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
    assert.ok(section, `docs/extending.md has no "## ${heading}" section`);
    assert.ok(
      section.includes(`<!-- example: examples/extending/${file} -->`),
      `## ${heading} does not show ${file}`,
    );
  }
});

for (const { document, path } of shown) {
  test(`${path} (shown in ${document}) runs and its assertions hold`, () => {
    const output = execFileSync(
      process.execPath,
      ["--conditions=source", "--import", "tsx", path.replace("examples/", "")],
      {
        cwd: new URL("../", import.meta.url),
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    assert.notEqual(output.trim(), "", `${path} printed nothing`);
  });
}

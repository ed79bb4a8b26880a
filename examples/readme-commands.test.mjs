// Checks the root README's two newcomer commands against what they promise: the test command is the
// very command CI (.ci/run) runs, and the Debian packages the README says it installs are the ones
// scripts/test-everything.sh installs.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const shellBlocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1].trim());

test("the README's test command is what .ci/run runs, verbatim", () => {
  const ci = readFileSync(new URL("../.ci/run", import.meta.url), "utf8");
  const ciCommand = /# The README's test command, verbatim:\n(.+)\n/.exec(ci)?.[1]?.trim();
  assert.ok(ciCommand, ".ci/run must mark the README's test command");
  assert.equal(shellBlocks[1], ciCommand, "the README's second ```sh block must be .ci/run's command");
});

test("the README names every Debian package the test command installs", () => {
  const script = readFileSync(new URL("../scripts/test-everything.sh", import.meta.url), "utf8");
  const installed = [...script.matchAll(/missing\+=\(([\w-]+)\)/g)].map((match) => match[1]);
  assert.deepEqual(installed.sort(), ["chromium", "dataset-fashion-mnist"]);
  for (const name of installed) assert.ok(readme.includes(`\`${name}\``), `README.md must name ${name}`);
});

// Copies each example file into the code block that follows its marker in the docs that show it, so the
// guide's code is the code the tests run: `node examples/extending/sync-guide.mjs` (extending.test.mjs
// fails until the two agree). A marker is a line `<!-- example: examples/extending/<file> -->`.
import { readFileSync, writeFileSync } from "node:fs";

/** The documents whose code blocks are example files, relative to the repository root. */
export const DOCUMENTS = ["docs/extending.md", "packages/spec/README.md"];

/** A marker, the fence after it and the block's body: groups 1 (path), 2 (fence and language), 3 (body). */
export const EXAMPLE_BLOCK = /<!-- example: (\S+) -->\n(```[a-z]*\n)([\s\S]*?)```/g;

const root = new URL("../../", import.meta.url);

/** Every example block of `document`: its path and its body as the document has it. */
export function examplesOf(document) {
  const text = readFileSync(new URL(document, root), "utf8");
  return [...text.matchAll(EXAMPLE_BLOCK)].map(([, path, , body]) => ({ path, body }));
}

/** The file's text, as it goes into a block. */
export function exampleText(path) {
  return readFileSync(new URL(path, root), "utf8");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const document of DOCUMENTS) {
    const url = new URL(document, root);
    const text = readFileSync(url, "utf8");
    const synced = text.replace(
      EXAMPLE_BLOCK,
      (_, path, fence) => `<!-- example: ${path} -->\n${fence}${exampleText(path)}\`\`\``,
    );
    if (synced !== text) writeFileSync(url, synced);
    console.log(`${document}: ${synced === text ? "already in sync" : "updated"}`);
  }
}

/**
 * Every TypeScript and JavaScript block of the documentation type-checks as a user would compile it.
 *
 * Each ```ts / ```js block (also indented ones, in lists) of README.md, packages/<name>/README.md and
 * docs/*.md is written into a throwaway consumer project as its own module (`.mts` for ts, `.mjs` for js,
 * checked with `checkJs`) that resolves `@descent/*` to the packages' BUILT declarations (run
 * `pnpm build` first; `pnpm check:types` does), and `tsc` checks them all with strict, module nodenext and
 * `skipLibCheck: false` (JavaScript blocks without noImplicitAny: they cannot annotate parameters).
 * Errors are reported at the README line they come from.
 *
 * A block that cannot stand alone is marked in its info string, ```ts no-check, and listed in the output;
 * use it sparingly and say why next to the block. Blocks in other languages (sh, text, md) are ignored.
 *
 * Usage: node scripts/check-snippets.mjs [--keep]
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createConsumerProject, typeCheck } from "./consumer-project.mjs";
import { root } from "./package-tools.mjs";

const LANGUAGES = { ts: "mts", typescript: "mts", js: "mjs", javascript: "mjs" };

/** The markdown files whose code blocks are checked. */
function documentationFiles() {
  const files = [join(root, "README.md")];
  for (const folder of readdirSync(join(root, "packages")).sort()) {
    const readme = join(root, "packages", folder, "README.md");
    if (existsSync(readme)) files.push(readme);
  }
  for (const name of readdirSync(join(root, "docs")).sort()) {
    if (name.endsWith(".md")) files.push(join(root, "docs", name));
  }
  return files;
}

/**
 * The fenced code blocks of a markdown text: language, info words, first line number (1-based, of the
 * code) and the code with the fence's indentation removed.
 *
 * @example
 * codeBlocks("x\n```ts\nconst a = 1;\n```\n"); // [{ language: "ts", words: [], line: 3, code: "const a = 1;\n" }]
 */
export function codeBlocks(markdown) {
  const lines = markdown.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*([\w-]*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, language, rest] = open;
    const body = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\\s*${fence}\\s*$`).test(lines[j])) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
      j++;
    }
    blocks.push({
      language,
      words: rest.trim().split(/\s+/).filter(Boolean),
      line: i + 2,
      code: `${body.join("\n")}\n`,
    });
    i = j;
  }
  return blocks;
}

const directory = createConsumerProject("descent-snippets-");
const files = [];
const origins = new Map(); // file in the project → { source, line }
const skipped = [];
for (const path of documentationFiles()) {
  const source = relative(root, path);
  for (const block of codeBlocks(readFileSync(path, "utf8"))) {
    const extension = LANGUAGES[block.language];
    if (extension === undefined) continue;
    if (block.words.includes("no-check")) {
      skipped.push(`${source}:${block.line - 1}`);
      continue;
    }
    const file = `${source.replace(/[/\\.]/g, "_")}_L${block.line}.${extension}`;
    writeFileSync(join(directory, file), block.code);
    files.push(file);
    origins.set(file, { source, line: block.line });
  }
}

if (!files.some((file) => file.endsWith(".mts")) || !files.some((file) => file.endsWith(".mjs"))) {
  console.error("check-snippets: found no ts or no js blocks to check: the extraction is broken");
  process.exit(1);
}
// JavaScript blocks get every strict check but noImplicitAny: plain JavaScript cannot annotate a
// parameter (short of JSDoc), and its readers' editors do not ask for it either.
const typeScript = typeCheck(
  directory,
  files.filter((file) => file.endsWith(".mts")),
);
const javaScript = typeCheck(
  directory,
  files.filter((file) => file.endsWith(".mjs")),
  { noImplicitAny: false },
  "tsconfig.js.json",
);
const result = {
  ok: typeScript.ok && javaScript.ok,
  output: [typeScript, javaScript]
    .filter(({ ok }) => !ok)
    .map(({ output }) => output)
    .join("\n"),
};
// `file(line,column): error …` → `README.md:line:column: error …`, at the line of the markdown file.
const output = result.output.replace(/^([\w.-]+)\((\d+),(\d+)\)/gm, (match, file, line, column) => {
  const origin = origins.get(file);
  return origin ? `${origin.source}:${origin.line + Number(line) - 1}:${column}` : match;
});
if (process.argv.includes("--keep")) console.log(`snippet project kept in ${directory}`);
else rmSync(directory, { recursive: true, force: true });

const sources = new Set([...origins.values()].map(({ source }) => source));
if (!result.ok) {
  console.error(
    `check-snippets: the documentation's code blocks do not type-check (strict, nodenext, skipLibCheck false):\n${output}`,
  );
  process.exit(1);
}
console.log(
  `check-snippets: ${files.length} code blocks of ${sources.size} markdown files type-check (strict, nodenext, skipLibCheck false)` +
    (skipped.length ? `; marked no-check: ${skipped.join(", ")}` : ""),
);

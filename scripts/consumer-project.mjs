/**
 * A throwaway TypeScript project that sees the @descent/* packages as an npm consumer does: through
 * `node_modules/@descent/<name>` (links to packages/<name>), so `tsc` resolves each package's `exports`
 * map to its BUILT declarations (dist/*.d.ts for import, dist/*.d.cts for require), and checks them with
 * `skipLibCheck: false`, `strict` and `module: nodenext`. Used by check-consumer-types.mjs and
 * check-snippets.mjs; run `pnpm build` first. No side effects on import.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, publicPackages, root, run } from "./package-tools.mjs";

/**
 * Creates the project folder (under the system temp folder) with links to every public package.
 * Fails loudly when a package has no dist (the declarations under test would be missing).
 *
 * @returns {string} the project folder.
 * @example
 * const directory = createConsumerProject("descent-types-");
 */
export function createConsumerProject(prefix) {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  const scope = join(directory, "node_modules", "@descent");
  mkdirSync(scope, { recursive: true });
  for (const [name, { folder, directory: packageDirectory }] of publicPackages()) {
    for (const declarations of declarationFiles(packageDirectory)) {
      if (!existsSync(declarations)) {
        throw new Error(
          `${name}: ${declarations} is missing: run \`pnpm build\` first (the check reads the built declarations)`,
        );
      }
    }
    symlinkSync(packageDirectory, join(scope, folder), "dir");
  }
  writeFileSync(join(directory, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  return directory;
}

/** The `types` files that a package's `exports` map points to (import and require). */
function declarationFiles(packageDirectory) {
  const manifest = JSON.parse(readFileSync(join(packageDirectory, "package.json"), "utf8"));
  return Object.values(manifest.exports ?? {}).flatMap((target) =>
    typeof target === "object" && target !== null
      ? [target.import?.types, target.require?.types]
          .filter(Boolean)
          .map((file) => join(packageDirectory, file))
      : [],
  );
}

/**
 * Runs `tsc` over `files` (paths relative to `directory`) as a strict consumer: strict, module and
 * moduleResolution nodenext, skipLibCheck false, Node's types. `.mjs`/`.cjs`/`.js` files are checked too
 * (`checkJs`). `overrides` adds compiler options (strict stays on); `name` is the tsconfig file written.
 *
 * @returns {{ ok: boolean, output: string }}
 * @example
 * const { ok, output } = typeCheck(directory, ["nn.mts", "nn.cts"]);
 * typeCheck(directory, ["readme.mjs"], { noImplicitAny: false }, "tsconfig.js.json");
 */
export function typeCheck(directory, files, overrides = {}, name = "tsconfig.json") {
  const tsconfig = {
    compilerOptions: {
      ...overrides,
      strict: true,
      module: "nodenext",
      moduleResolution: "nodenext",
      target: "es2022",
      lib: ["es2022", "dom"],
      skipLibCheck: false,
      noEmit: true,
      allowJs: true,
      checkJs: true,
      types: ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
    },
    files,
  };
  writeFileSync(join(directory, name), JSON.stringify(tsconfig, null, 2));
  return run(bin("tsc"), ["-p", name], { cwd: directory });
}

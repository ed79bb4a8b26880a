// The API reference: `pnpm docs` writes docs/api/index.html from the TSDoc of every public entry
// point. Each package is converted on its own (TypeDoc's packages mode), with the entry points its
// package.json `exports` map names (scripts/typedoc-package-exports.mjs), so a new subpath export is
// documented and validated without touching this file. An undocumented export, an export whose types
// name something unexported, or a broken {@link} is a warning, and warnings fail the build.
// What must be documented, and why, is in docs/api-reference.md.

const requiredToBeDocumented = [
  "Namespace",
  "Enum",
  "EnumMember",
  "Variable",
  "Function",
  "Class",
  "Interface",
  "Property",
  "Method",
  "Accessor",
  "TypeAlias",
];
const validation = { notDocumented: true, notExported: true, invalidLink: true, rewrittenLink: true };

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: "descent API reference",
  entryPointStrategy: "packages",
  entryPoints: ["packages/*"],
  plugin: ["./scripts/typedoc-package-exports.mjs"],
  packageOptions: {
    // `pnpm typecheck` owns type errors; TypeDoc only reads the declarations (several times faster).
    skipErrorChecking: true,
    excludePrivate: true,
    excludeInternal: true,
    requiredToBeDocumented,
    validation,
    disableSources: true,
  },
  out: "docs/api",
  readme: "docs/api-reference.md",
  requiredToBeDocumented,
  validation,
  treatWarningsAsErrors: true,
  disableSources: true,
  hideGenerator: true,
  logLevel: "Warn",
};

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
// notExported runs per package (TypeDoc only checks the types of the project's own package); the
// merged project checks the links across packages.
const validation = { notDocumented: true, notExported: true, invalidLink: true, rewrittenLink: true };
const rootValidation = { ...validation, notExported: false };

// Public signatures that name a type the package does not export. Each should be exported (or
// inlined) by the package's owner; until then the reference shows the name without a link. Adding
// to this list needs a reason: a new unexported type in a public signature fails `pnpm docs`.
const intentionallyNotExported = [
  "@descent/activations/src/registry.ts:NoOptions", // Record<string, never>, the options of option-less activations
  "@descent/autodiff/src/api/types.ts:Selected", // type-level helper of ArgumentsOf
  "@descent/autodiff/src/api/types.ts:HasTraced", // type-level helper of ValueOf
  "@descent/nn/src/layers/activation.ts:NamedActivation", // an ActivationLike: { name, toJSON? } objects
  "@descent/tensor/src/kernels/wasm/support.ts:WasmVariant", // "wasm-simd" | "wasm-relaxed-simd", in KernelName
];

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
  validation: rootValidation,
  intentionallyNotExported,
  treatWarningsAsErrors: true,
  disableSources: true,
  hideGenerator: true,
  logLevel: "Warn",
};

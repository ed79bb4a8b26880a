// TypeDoc plugin for descent's packages mode: each package's entry points are the `source` files of
// its package.json `exports` map (so a new subpath export is documented and validated without any
// config change), and each entry point's module is named by the import path a user writes
// (`@descent/nn/node`) instead of its file name (`node`). It also sets the one documentation rule
// TypeDoc cannot express by kind: the members of an inline object type (a return type
// `{ split, standardizer }`, a field typed `{ file, bytes, checksum }`, an `as const` table) are
// documented by the TSDoc of the function, field or variable that holds the type, not one by one;
// the members of named interfaces, classes and type aliases each need their own.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Converter, ReflectionKind } from "typedoc";

/** Reads the manifest of the package in `dir`, or undefined outside a package with `exports`. */
function readManifest(dir) {
  const path = join(dir, "package.json");
  if (!existsSync(path)) return undefined;
  const manifest = JSON.parse(readFileSync(path, "utf8"));
  return manifest.exports === undefined ? undefined : manifest;
}

/** Absolute source file → import path, for every public entry point of the package in `dir`. */
function entryPointsOf(dir, manifest) {
  const entries = new Map();
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (subpath === "./package.json") continue;
    if (typeof target?.source !== "string") {
      throw new Error(
        `typedoc: ${manifest.name} exports "${subpath}" without a "source" condition naming its src/ file`,
      );
    }
    const importPath = subpath === "." ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, "")}`;
    entries.set(resolve(dir, target.source).split("\\").join("/"), importPath);
  }
  return entries;
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  const importPathByFile = new Map();
  app.options.addReader({
    name: "descent-package-exports",
    order: 160, // after typedoc.json and package.json, before tsconfig.json
    supportsPackages: true,
    read(container, _logger, cwd) {
      const manifest = readManifest(cwd);
      if (manifest === undefined) return; // the monorepo root
      const entries = entryPointsOf(cwd, manifest);
      for (const [file, importPath] of entries) importPathByFile.set(file, importPath);
      container.setValue("entryPoints", [...entries.keys()], cwd);
    },
  });
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const inline = [];
    for (const member of context.project.getReflectionsByKind(
      ReflectionKind.Property | ReflectionKind.Method,
    )) {
      const owner = member.parent;
      if (owner?.kind !== ReflectionKind.TypeLiteral || owner.parent?.kind === ReflectionKind.TypeAlias)
        continue;
      if (!member.hasComment()) inline.push(member.getFriendlyFullName());
    }
    const listed = app.options.getValue("intentionallyNotDocumented");
    app.options.setValue("intentionallyNotDocumented", [...listed, ...inline]);
  });
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (reflection.kind !== ReflectionKind.Module) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const importPath = file === undefined ? undefined : importPathByFile.get(file);
    if (importPath !== undefined) reflection.name = importPath;
  });
}

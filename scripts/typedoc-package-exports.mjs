// TypeDoc plugin for descent's packages mode: each package's entry points are the `source` files of
// its package.json `exports` map (so a new subpath export is documented and validated without any
// config change), and each entry point's module is named by the import path a user writes
// (`@descent/nn/node`) instead of its file name (`node`). It also sets the one documentation rule
// TypeDoc cannot express by kind: the members of an inline object type (a return type
// `{ split, standardizer }`, a field typed `{ file, bytes, checksum }`, an `as const` table, a type
// alias `= { weights, bias }`) are documented by the TSDoc of the declaration that holds the type, not
// one by one; the members of interfaces and classes each need their own.
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

/** Whether a reflection sits inside a parameter's type. */
function underParameter(reflection) {
  for (let r = reflection.parent; r !== undefined; r = r.parent) {
    if (r.kind === ReflectionKind.Parameter) return true;
  }
  return false;
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
      // The root config lists every package's intentionally unexported types; TypeDoc warns about an
      // entry a package does not use, so each package gets only its own (`@descent/nn/src/…:Name`).
      const own = app.options
        .getValue("intentionallyNotExported")
        .filter((entry) => entry.startsWith(`${manifest.name}/`));
      container.setValue("intentionallyNotExported", own, cwd);
    },
  });
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const inline = new Set();
    const members = context.project.getReflectionsByKind(ReflectionKind.Property | ReflectionKind.Method);
    for (const member of members) {
      const owner = member.parent;
      // A type alias `= { … }` holds its members itself; any other inline type holds them in a literal.
      const inlineType =
        owner?.kind === ReflectionKind.TypeLiteral || owner?.kind === ReflectionKind.TypeAlias;
      // TypeDoc never asks for docs under a parameter (the function's @param covers it).
      if (!inlineType || member.hasComment() || underParameter(member)) continue;
      inline.add(member.getFriendlyFullName());
    }
    const listed = app.options.getValue("intentionallyNotDocumented");
    app.options.setValue("intentionallyNotDocumented", [...new Set([...listed, ...inline])]);
  });
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (reflection.kind !== ReflectionKind.Module) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const importPath = file === undefined ? undefined : importPathByFile.get(file);
    if (importPath !== undefined) reflection.name = importPath;
  });
}

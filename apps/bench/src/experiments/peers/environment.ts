/**
 * glibc malloc settings every peer process runs with (descent, tfjs-wasm, tfjs-cpu and PyTorch alike): memory a
 * library frees stays in its process for the next allocation instead of going back to the OS.
 *
 * Why: with glibc's defaults a freed result array of a megabyte or more is unmapped or trimmed, and the next one
 * faults its pages in anew. On this benchmark's VM a page fault cost 1–12 µs depending on the host, so every
 * library's per-call figures that allocate a result (the adds, the GEMMs' read-back) swung by up to 20×
 * between runs: 256×1024 add with a new result per call, 19–100 faults per call and 400–1,400 µs with the
 * defaults, 0.2–1.5 faults and 160–220 µs with these (descent and tfjs-wasm, one process each, measured with
 * `process.resourceUsage().minorPageFault`). The settings are the same for every library, so the comparison
 * stays even; a variable already set in the environment is kept.
 *
 * - `MALLOC_MMAP_THRESHOLD_` 32 MiB: blocks below it come from the heap, not from a fresh mapping;
 * - `MALLOC_TRIM_THRESHOLD_` 256 MiB: free memory at the heap's top is kept up to that size;
 * - `MALLOC_TOP_PAD_` 64 MiB: the heap grows by that much more at once.
 */
export const PEER_ALLOCATOR_SETTINGS: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20),
  MALLOC_TRIM_THRESHOLD_: String(256 * 2 ** 20),
  MALLOC_TOP_PAD_: String(64 * 2 ** 20),
};

/**
 * The environment a peer process starts with: `environment` plus {@link PEER_ALLOCATOR_SETTINGS} for each
 * setting it does not already have.
 *
 * @example spawn(python, [script], { env: peerEnvironment(process.env) })
 */
export function peerEnvironment(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...PEER_ALLOCATOR_SETTINGS, ...environment };
}

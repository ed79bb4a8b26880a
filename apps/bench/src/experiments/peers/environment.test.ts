// Why this exists: every peer process must start with the same allocator settings (or the comparison is
// uneven), and a setting the user chose must win over the bench's.
import { describe, expect, it } from "vitest";
import { PEER_ALLOCATOR_SETTINGS, peerEnvironment } from "./environment.js";

describe("peerEnvironment", () => {
  it("adds each glibc malloc setting, keeps the rest of the environment, and keeps a setting already there", () => {
    const environment = peerEnvironment({ PATH: "/usr/bin", MALLOC_TOP_PAD_: "0" });
    expect(environment.PATH).toBe("/usr/bin");
    expect(environment.MALLOC_TOP_PAD_).toBe("0");
    expect(environment.MALLOC_MMAP_THRESHOLD_).toBe(String(32 * 2 ** 20));
    expect(environment.MALLOC_TRIM_THRESHOLD_).toBe(String(256 * 2 ** 20));
    expect(Object.keys(PEER_ALLOCATOR_SETTINGS).sort()).toEqual([
      "MALLOC_MMAP_THRESHOLD_",
      "MALLOC_TOP_PAD_",
      "MALLOC_TRIM_THRESHOLD_",
    ]);
  });
});

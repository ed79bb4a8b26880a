import { MR, NR, RELAXED_MR, RELAXED_NR } from "./layout";

/** Rows of op(A) per micro-kernel tile in this build: 6 with relaxed SIMD, 2 with plain SIMD (see layout.ts). */
export const TILE_ROWS: i32 = ASC_FEATURE_RELAXED_SIMD ? RELAXED_MR : MR;
/** Columns of op(B) per micro-kernel tile in this build: 8 with relaxed SIMD, 16 with plain SIMD. */
export const TILE_COLUMNS: i32 = ASC_FEATURE_RELAXED_SIMD ? RELAXED_NR : NR;

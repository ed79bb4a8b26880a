// Packing op(A) panels straight from NHWC images (the implicit GEMM of a convolution): op(A) is the im2col
// matrix `cols[(n, oy, ox), (ky, kx, c)] = image[n, oy·sh + ky − pt, ox·sw + kx − pl, c]` (0 in the padding),
// or its transpose for the weight gradient, and the panels come out exactly as packAPanel would pack that
// matrix, so the product has the bits of im2col followed by the GEMM while the matrix (9 MB for the CNN's
// second convolution at batch 64) is never written, copied into this memory, or read back.
//
// NHWC makes each window row of a pixel (fixed ky, every kx and c in bounds) one contiguous run of the image.

import { GATHER_ADDRESS, KC, WINDOW_GEOMETRY } from "./layout";
import { packAPanel } from "./pack";
import { TILE_ROWS } from "./tile";

/** The 12 i32 words at WINDOW_GEOMETRY, in the driver's order (layout.ts), read by name instead of by offset. */
@unmanaged
class WindowGeometry {
  batch: i32;
  height: i32;
  width: i32;
  channels: i32;
  kernelHeight: i32;
  kernelWidth: i32;
  strideHeight: i32;
  strideWidth: i32;
  padTop: i32;
  padLeft: i32;
  outHeight: i32;
  outWidth: i32;
}

/** The geometry of the job being packed. */
function geometry(): WindowGeometry {
  return changetype<WindowGeometry>(WINDOW_GEOMETRY);
}

/** Byte address of this thread's gather area (TILE_ROWS × KC floats). */
function gatherArea(thread: i32): usize {
  return load<usize>(GATHER_ADDRESS) + ((<usize>thread * <usize>(TILE_ROWS * KC)) << 2);
}

/** Copies `length` floats; short runs (a few channels) element by element, where a call costs more. */
function copyFloats(target: usize, source: usize, length: i32): void {
  if (length >= 16) {
    memory.copy(target, source, (<usize>length) << 2);
    return;
  }
  for (let index: usize = 0; index < (<usize>length) << 2; index += 4)
    store<f32>(target + index, load<f32>(source + index));
}

/**
 * Writes entries [p0, p0 + kc) of im2col row `pixel` to `target`: whole in-bounds parts of a window row are
 * one copy, the padding is zeros.
 */
function gatherWindowRow(image: usize, pixel: i32, p0: i32, kc: i32, target: usize): void {
  const g = geometry();
  const height = g.height;
  const width = g.width;
  const channels = g.channels;
  const kernelWidth = g.kernelWidth;
  const ox = pixel % g.outWidth;
  const rest = pixel / g.outWidth;
  const oy = rest % g.outHeight;
  const n = rest / g.outHeight;
  const top = oy * g.strideHeight - g.padTop;
  const left = ox * g.strideWidth - g.padLeft;
  const span = kernelWidth * channels;
  // Window columns [firstColumn, endColumn) fall inside the image.
  const firstColumn = max(0, -left) * channels;
  const endColumn = min(kernelWidth, width - left) * channels;
  const end = p0 + kc;
  let p = p0;
  while (p < end) {
    const ky = p / span;
    const within = p - ky * span;
    const y = top + ky;
    let length: i32;
    if (y < 0 || y >= height || within >= endColumn) {
      length = min(span - within, end - p);
      memory.fill(target, 0, (<usize>length) << 2);
    } else if (within < firstColumn) {
      length = min(firstColumn - within, end - p);
      memory.fill(target, 0, (<usize>length) << 2);
    } else {
      length = min(endColumn - within, end - p);
      const source = ((n * height + y) * width + left) * channels + within;
      copyFloats(target, image + ((<usize>source) << 2), length);
    }
    p += length;
    target += (<usize>length) << 2;
  }
}

/**
 * Packs rows [i0, i0 + TILE_ROWS) × depth [p0, p0 + kc) of the im2col matrix of `image` (m rows, one per output
 * pixel) as packAPanel packs a matrix: each row's entries are gathered into this thread's area, then packed
 * from there. Rows past m are zeros.
 */
function packWindowRows(image: usize, m: i32, i0: i32, p0: i32, kc: i32, target: usize, thread: i32): void {
  const rows = min(TILE_ROWS, m - i0);
  const gather = gatherArea(thread);
  for (let row = 0; row < rows; row++)
    gatherWindowRow(image, i0 + row, p0, kc, gather + ((<usize>row * <usize>kc) << 2));
  packAPanel(gather, rows, kc, false, 0, 0, kc, target);
}

/**
 * Writes, for window entries [first, first + count) in (ky, kx, c) order, 12 bytes each at `target`: the window
 * row ky, the window column kx, and the entry's float offset from the window's corner in the image,
 * `(ky·width + kx)·channels + c`. One division pair for the first entry, then counters.
 */
function writeWindowEntries(first: i32, count: i32, target: usize): void {
  const g = geometry();
  const width = g.width;
  const channels = g.channels;
  const kernelWidth = g.kernelWidth;
  let ky = first / (kernelWidth * channels);
  let kx = (first - ky * kernelWidth * channels) / channels;
  let c = first - (ky * kernelWidth + kx) * channels;
  for (let entry = 0; entry < count; entry++) {
    const at = target + <usize>entry * 12;
    store<i32>(at, ky);
    store<i32>(at, kx, 4);
    store<i32>(at, (ky * width + kx) * channels + c, 8);
    if (++c === channels) {
      c = 0;
      if (++kx === kernelWidth) {
        kx = 0;
        ky++;
      }
    }
  }
}

/**
 * Window rows shorter than this many floats (kernelWidth × channels: 3 for a 3×3 convolution of one channel)
 * are packed element by element straight into the panel: gathering them first spent more on the per-run
 * bookkeeping than on the data (~50 % of the first convolution of the CNN at batch 64, profiled).
 */
const SHALLOW_SPAN: i32 = 16;

/**
 * packWindowRows for shallow windows, panels [firstPanel, lastPanel) of one depth block (consecutive in the
 * packed slivers from `target`): each entry of a panel read from the image at its window offset, with the
 * padding checks only for a pixel whose window leaves the image. The entries' offsets go to this thread's
 * gather area once for all the panels (kc × 12 bytes: window row, window column, offset from the window's
 * corner), and the output pixel advances by counters from panel to panel.
 */
function packShallowWindowPanels(
  image: usize,
  m: i32,
  firstPanel: i32,
  lastPanel: i32,
  p0: i32,
  kc: i32,
  target: usize,
  thread: i32,
): void {
  const g = geometry();
  const height = g.height;
  const width = g.width;
  const channels = g.channels;
  const kernelHeight = g.kernelHeight;
  const kernelWidth = g.kernelWidth;
  const outHeight = g.outHeight;
  const outWidth = g.outWidth;
  const entries = gatherArea(thread);
  writeWindowEntries(p0, kc, entries);
  const imageSize = height * width * channels;
  const i0 = firstPanel * TILE_ROWS;
  let ox = i0 % outWidth;
  let oy = (i0 / outWidth) % outHeight;
  let n = i0 / outWidth / outHeight;
  for (let panel = firstPanel; panel < lastPanel; panel++) {
    const rows = min(TILE_ROWS, m - panel * TILE_ROWS);
    for (let row = 0; row < TILE_ROWS; row++) {
      let cell = target + ((<usize>row) << 2);
      if (row >= rows) {
        for (let q = 0; q < kc; q++, cell += TILE_ROWS * 4) store<f32>(cell, 0);
        continue;
      }
      const top = oy * g.strideHeight - g.padTop;
      const left = ox * g.strideWidth - g.padLeft;
      const corner = image + ((<usize>(n * imageSize + (top * width + left) * channels)) << 2);
      if (top >= 0 && top + kernelHeight <= height && left >= 0 && left + kernelWidth <= width) {
        for (let q = 0; q < kc; q++, cell += TILE_ROWS * 4)
          store<f32>(cell, load<f32>(corner + ((<usize>load<i32>(entries + <usize>q * 12, 8)) << 2)));
      } else {
        for (let q = 0; q < kc; q++, cell += TILE_ROWS * 4)
          store<f32>(cell, windowEntry(corner, top, left, entries + <usize>q * 12));
      }
      if (++ox === outWidth) {
        ox = 0;
        if (++oy === outHeight) {
          oy = 0;
          n++;
        }
      }
    }
    target += (<usize>kc * TILE_ROWS) << 2;
  }
}

/**
 * Entry `at` of the window whose corner is at (`top`, `left`), byte address `corner` in the image (12 bytes at
 * `at`, see writeWindowEntries: window row, window column, offset from the corner): 0 in the padding.
 */
function windowEntry(corner: usize, top: i32, left: i32, at: usize): f32 {
  const g = geometry();
  const y = top + load<i32>(at);
  const x = left + load<i32>(at, 4);
  if (y < 0 || y >= g.height || x < 0 || x >= g.width) return 0;
  return load<f32>(corner + ((<usize>load<i32>(at, 8)) << 2));
}

/**
 * One pixel's group of a transposed panel at an edge of the image (see packWindowColumns, which copies the
 * pixels inside without checks): the `rows` entries listed at `entries` of the window whose corner is at
 * (`top`, `left`), byte address `corner`; entries in the padding and rows past `rows` are zeros.
 */
function packWindowColumn(
  corner: usize,
  top: i32,
  left: i32,
  rows: i32,
  entries: usize,
  target: usize,
): void {
  for (let row = 0; row < TILE_ROWS; row++) {
    const value: f32 = row < rows ? windowEntry(corner, top, left, entries + <usize>row * 12) : 0;
    store<f32>(target + ((<usize>row) << 2), value);
  }
}

/** Byte offset from a window's corner of panel row `row` (listed at `entries`), 0 for a row past `rows`. */
function entryByteOffset(entries: usize, row: i32, rows: i32): usize {
  return row < rows && row < TILE_ROWS ? (<usize>load<i32>(entries + <usize>row * 12, 8)) << 2 : 0;
}

/** ⌈numerator / divisor⌉ for a positive divisor (i32 division truncates toward zero). */
function ceilDivideSigned(numerator: i32, divisor: i32): i32 {
  return numerator > 0 ? (numerator + divisor - 1) / divisor : -(-numerator / divisor);
}

/** ⌊numerator / divisor⌋ for a positive divisor. */
function floorDivideSigned(numerator: i32, divisor: i32): i32 {
  return numerator >= 0 ? numerator / divisor : -((-numerator + divisor - 1) / divisor);
}

/**
 * Packs rows [i0, i0 + TILE_ROWS) × depth [p0, p0 + kc) of the transposed im2col matrix (row i = window entry
 * (ky, kx, c), depth p = output pixel), m rows: kc groups of TILE_ROWS, the layout of packAPanel with
 * `transposeA`. Rows past m are zeros. When the panel's entries share a window row, they are consecutive in
 * the image, and an in-bounds pixel's group is one load.
 *
 * The block is walked one output row at a time: along a row the window moves by a fixed stride, so the
 * pixels whose whole group is inside the image (an interval of ox, found once per row) are copied in a loop
 * without bounds checks or index arithmetic, and only the pixels at the image's edges take the checked path.
 */
function packWindowColumns(
  image: usize,
  m: i32,
  i0: i32,
  p0: i32,
  kc: i32,
  target: usize,
  thread: i32,
): void {
  const g = geometry();
  const height = g.height;
  const width = g.width;
  const channels = g.channels;
  const strideHeight = g.strideHeight;
  const strideWidth = g.strideWidth;
  const padTop = g.padTop;
  const padLeft = g.padLeft;
  const outHeight = g.outHeight;
  const outWidth = g.outWidth;
  const rows = min(TILE_ROWS, m - i0);
  // Per panel row: window row ky, window column kx, and the image offset from the window's corner.
  const entries = gatherArea(thread);
  writeWindowEntries(i0, rows, entries);
  const firstKy = load<i32>(entries);
  const firstKx = load<i32>(entries, 4);
  const firstOffset = load<i32>(entries, 8);
  const lastKx = load<i32>(entries + <usize>(rows - 1) * 12, 4);
  const contiguous = rows === TILE_ROWS && load<i32>(entries + <usize>(rows - 1) * 12) === firstKy;
  // The ox whose group is inside the image when its window row is: left + firstKx ≥ 0 and left + lastKx <
  // width, with left = ox·sw − pl.
  const insideFrom = max(0, ceilDivideSigned(padLeft - firstKx, strideWidth));
  const insideTo = min(outWidth, floorDivideSigned(width - 1 - lastKx + padLeft, strideWidth) + 1);
  // The ox whose whole window is inside the image when its rows are: left ≥ 0 and left + kw ≤ width. For a
  // panel whose entries span window rows (the first convolution's: 9 entries of one channel), each entry is
  // then read at its fixed byte offset from the window's corner; rows past m read the corner and store 0.
  const windowFrom = max(0, ceilDivideSigned(padLeft, strideWidth));
  const windowTo = min(outWidth, floorDivideSigned(width - g.kernelWidth + padLeft, strideWidth) + 1);
  const offset0 = entryByteOffset(entries, 0, rows);
  const offset1 = entryByteOffset(entries, 1, rows);
  const offset2 = entryByteOffset(entries, 2, rows);
  const offset3 = entryByteOffset(entries, 3, rows);
  const offset4 = entryByteOffset(entries, 4, rows);
  const offset5 = entryByteOffset(entries, 5, rows);
  const imageSize = height * width * channels;
  const pixelStep = (<usize>(strideWidth * channels)) << 2;
  let ox = p0 % outWidth;
  let oy = (p0 / outWidth) % outHeight;
  let n = p0 / outWidth / outHeight;
  let p = 0;
  while (p < kc) {
    const end = ox + min(kc - p, outWidth - ox);
    const top = oy * strideHeight - padTop;
    const y = top + firstKy;
    let from = end;
    let to = end;
    if (contiguous && y >= 0 && y < height) {
      from = min(end, max(ox, insideFrom));
      to = max(from, min(end, insideTo));
    } else if (!contiguous && top >= 0 && top + g.kernelHeight <= height) {
      from = min(end, max(ox, windowFrom));
      to = max(from, min(end, windowTo));
    }
    const rowCorner = n * imageSize + top * width * channels;
    // The edge loops before and after the interior are written out twice: as one helper function called twice
    // (binaryen does not inline it) the second convolution's weight gradient ran 5–7 % slower in four
    // in-process alternations (2026-12-07); @inline is a decorator the project's linter cannot parse here.
    for (let x = ox; x < from; x++) {
      const left = x * strideWidth - padLeft;
      packWindowColumn(
        image + ((<usize>(rowCorner + left * channels)) << 2),
        top,
        left,
        rows,
        entries,
        target,
      );
      target += TILE_ROWS * 4;
    }
    if (contiguous) {
      let source =
        image + ((<usize>(rowCorner + (from * strideWidth - padLeft) * channels + firstOffset)) << 2);
      for (let x = from; x < to; x++) {
        if (TILE_ROWS === 2) store<u64>(target, load<u64>(source));
        else {
          v128.store(target, v128.load(source));
          store<u64>(target, load<u64>(source, 16), 16);
        }
        target += TILE_ROWS * 4;
        source += pixelStep;
      }
    } else {
      let corner = image + ((<usize>(rowCorner + (from * strideWidth - padLeft) * channels)) << 2);
      for (let x = from; x < to; x++) {
        store<f32>(target, load<f32>(corner + offset0));
        store<f32>(target, select<f32>(load<f32>(corner + offset1), 0, rows > 1), 4);
        if (TILE_ROWS === 6) {
          store<f32>(target, select<f32>(load<f32>(corner + offset2), 0, rows > 2), 8);
          store<f32>(target, select<f32>(load<f32>(corner + offset3), 0, rows > 3), 12);
          store<f32>(target, select<f32>(load<f32>(corner + offset4), 0, rows > 4), 16);
          store<f32>(target, select<f32>(load<f32>(corner + offset5), 0, rows > 5), 20);
        }
        target += TILE_ROWS * 4;
        corner += pixelStep;
      }
    }
    for (let x = to; x < end; x++) {
      const left = x * strideWidth - padLeft;
      packWindowColumn(
        image + ((<usize>(rowCorner + left * channels)) << 2),
        top,
        left,
        rows,
        entries,
        target,
      );
      target += TILE_ROWS * 4;
    }
    p += end - ox;
    ox = 0;
    if (++oy === outHeight) {
      oy = 0;
      n++;
    }
  }
}

/**
 * packAPanel for panels [firstPanel, lastPanel) of depth block [p0, p0 + kc), consecutive in the packed
 * slivers from `target`, of an op(A) that is the im2col matrix of the images at `image` (`transposeA` false: m
 * output pixels × k window entries) or its transpose (m window entries × k output pixels), geometry in
 * WINDOW_GEOMETRY; `thread` picks the scratch area.
 */
export function packWindowsPanels(
  image: usize,
  m: i32,
  transposeA: bool,
  firstPanel: i32,
  lastPanel: i32,
  p0: i32,
  kc: i32,
  target: usize,
  thread: i32,
): void {
  const g = geometry();
  if (!transposeA && g.kernelWidth * g.channels < SHALLOW_SPAN) {
    packShallowWindowPanels(image, m, firstPanel, lastPanel, p0, kc, target, thread);
    return;
  }
  const sliver = (<usize>kc * TILE_ROWS) << 2;
  for (let panel = firstPanel; panel < lastPanel; panel++, target += sliver) {
    if (transposeA) packWindowColumns(image, m, panel * TILE_ROWS, p0, kc, target, thread);
    else packWindowRows(image, m, panel * TILE_ROWS, p0, kc, target, thread);
  }
}

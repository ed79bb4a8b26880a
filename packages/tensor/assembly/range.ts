// Range jobs: a memory-bound kernel split over the threads of the GEMM's pool (the same claim words, the
// same workers). Each chunk runs the kernel on its own sub-range of RANGE_UNITS, and every kernel here computes
// each output from its own inputs only (the relu backward's chunks are column blocks, each with its own bias
// sums over every row in order), so the bits do not depend on who ran which chunk. Why: these lanes do
// more than move bytes (max pooling's compares and selects, Adam's float64 division and square root, the
// scaled add's widening), so one thread does not saturate memory: the CNN's first pooling took 520 µs on one
// thread and 333 µs on two, Adam's step on 225,578 parameters 455 and 281 µs (bench/webassembly-costs.bench.mjs,
// section 3b). A plain memory.fill is already bound by memory and stays on one thread.

import { adamUpdate } from "./adam";
import { binary, reluBackwardColumns } from "./elementwise";
import {
  RANGE_ADAM,
  RANGE_ALL_FINITE,
  RANGE_ARGUMENTS,
  RANGE_BINARY,
  RANGE_FLOAT_ARGUMENTS,
  RANGE_KERNEL,
  RANGE_MAX_POOL,
  RANGE_RELU_BACKWARD,
  RANGE_SCALED_ADD,
  RANGE_UNITS,
  RANGE_UNITS_PER_CHUNK,
} from "./layout";
import { scaledAdd } from "./scaled-add";
import { maxPoolImages } from "./windows";

/** The i-th i32 argument of the published range job. */
function argument(index: i32): i32 {
  return load<i32>(RANGE_ARGUMENTS + ((<usize>index) << 2));
}

/** The i-th f64 argument of the published range job. */
function floatArgument(index: i32): f64 {
  return load<f64>(RANGE_FLOAT_ARGUMENTS + ((<usize>index) << 3));
}

/** Runs chunk `chunk` of the published range job. */
export function rangeChunk(chunk: i32): void {
  const perChunk = load<i32>(RANGE_UNITS_PER_CHUNK);
  const start = chunk * perChunk;
  const count = min(perChunk, load<i32>(RANGE_UNITS) - start);
  const kernel = load<i32>(RANGE_KERNEL);
  if (kernel === RANGE_BINARY) {
    const offset = <usize>start;
    binary(
      argument(0),
      <usize>argument(1) + offset,
      <usize>argument(2) + offset,
      <usize>argument(3) + offset,
      <usize>count,
    );
  } else if (kernel === RANGE_SCALED_ADD) {
    const offset = (<usize>start) << 2;
    const finite = scaledAdd(
      <usize>argument(0) + offset,
      <usize>argument(1) + offset,
      <usize>argument(2) + offset,
      count,
      floatArgument(0),
    );
    if (finite === 0) {
      if (ASC_FEATURE_THREADS) atomic.store<i32>(RANGE_ALL_FINITE, 0);
      else store<i32>(RANGE_ALL_FINITE, 0);
    }
  } else if (kernel === RANGE_ADAM) {
    const offset = (<usize>start) << 2;
    adamUpdate(
      <usize>argument(0) + offset,
      <usize>argument(1) + offset,
      <usize>argument(2) + offset,
      <usize>argument(3) + offset,
      <usize>argument(4) + offset,
      <usize>argument(5) + offset,
      count,
      floatArgument(0),
      floatArgument(1),
      floatArgument(2),
      floatArgument(3),
      floatArgument(4),
      floatArgument(5),
    );
  } else if (kernel === RANGE_RELU_BACKWARD) {
    reluBackwardColumns(
      <usize>argument(0),
      <usize>argument(1),
      <usize>argument(2),
      <usize>argument(3),
      argument(4),
      <usize>argument(5),
      (<usize>start) << 4,
      (<usize>(start + count)) << 4,
    );
  } else if (kernel === RANGE_MAX_POOL) {
    maxPoolImages(
      <usize>argument(0),
      <usize>argument(1),
      <usize>argument(2),
      start,
      start + count,
      argument(3),
      argument(4),
      argument(5),
      argument(6),
      argument(7),
      argument(8),
      argument(9),
      argument(10),
      argument(11),
      argument(12),
      argument(13),
    );
  }
}

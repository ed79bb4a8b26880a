// Why this exists: a JavaScript loop over float32 arrays runs one element at a time (~2–3 ns each: V8 widens
// every float32 to float64 and back), so `add(a, b)` on 256×1024 elements took ~0.8 ms, far from memory speed,
// and relu's backward mispredicts a branch on every other element. The engine's module does four lanes at a
// time, and copying operands into its memory and results out runs at memcpy speed, so above the sizes in
// thresholds.ts the round trip costs less than the loop saves. Arrays resident in the engine's memory (see
// `residentFloat32`) are used in place by the binary ops and the learning-rate update (scaled add): copying
// out of shared memory is slower than out of the scratch memory, so in place is where they pay off.
//
// Every function here gives the JavaScript reference's bits (js-elementwise.ts): the same float32 operations
// per lane, the sums in the same order.

import { scaledAddByLoop } from "../js-elementwise.js";
import type { BinaryOp, RowOperand, UnaryOp } from "../kernels.js";
import type { WasmEngine } from "./engine.js";
import {
  BINARY_ADD,
  BINARY_DIV,
  BINARY_MUL,
  BINARY_SUB,
  UNARY_ABS,
  UNARY_NEG,
  UNARY_RELU,
  UNARY_SQRT,
} from "./generated/layout.js";
import { binaryResident, reluBackwardResident, scaledAddResident } from "./ranges.js";

/** Elements per round trip of the binary and unary kernels: 64 KiB per operand stays in cache between copies. */
const CHUNK_LENGTH = 16384;

const binaryCodes: Readonly<Record<BinaryOp, number>> = {
  add: BINARY_ADD,
  sub: BINARY_SUB,
  mul: BINARY_MUL,
  div: BINARY_DIV,
};

const unaryCodes: Readonly<Record<UnaryOp, number>> = {
  relu: UNARY_RELU,
  neg: UNARY_NEG,
  abs: UNARY_ABS,
  sqrt: UNARY_SQRT,
};

/** A {@link RowOperand} over float32 data, or a float32 value for every element. */
export type Float32Operand = (RowOperand & { readonly data: Float32Array }) | number;

/** Writes elements `start … start + count` of an operand at float index `target`, row segment by segment. */
function stage(
  floats: Float32Array,
  target: number,
  operand: Float32Operand,
  rowLength: number,
  start: number,
  count: number,
): void {
  if (typeof operand === "number") {
    floats.fill(operand, target, target + count);
    return;
  }
  let row = Math.floor(start / rowLength);
  let column = start - row * rowLength;
  const { data, offsets, step } = operand;
  for (let written = 0; written < count; row++, column = 0) {
    let take = Math.min(rowLength - column, count - written);
    const offset = offsets[row]!;
    if (step === 1) {
      // Rows that follow each other in `data` (the operand that is not broadcast) go in one copy.
      while (written + take < count && offsets[row + 1] === offsets[row]! + rowLength) {
        row++;
        take += Math.min(rowLength, count - written - take);
      }
      floats.set(data.subarray(offset + column, offset + column + take), target + written);
    } else {
      floats.fill(data[offset]!, target + written, target + written + take);
    }
    written += take;
  }
}

/**
 * `Kernels.binary` for float32 in the engine: each chunk of both operands is staged in scratch (row segments
 * copied, or filled with a repeated value), combined four lanes at a time, and copied out; when an operand or
 * the output is resident, in resident memory instead ({@link binaryInResidentMemory}). False, having written
 * nothing, when the memory cannot grow.
 */
export function binaryInEngine(
  engine: WasmEngine,
  op: BinaryOp,
  out: Float32Array,
  rowLength: number,
  a: Float32Operand,
  b: Float32Operand,
): boolean {
  const length = out.length;
  const aAddress = residentRun(engine, a, rowLength, length);
  const bAddress = residentRun(engine, b, rowLength, length);
  let outAddress = engine.residentAddress(out, length);
  // Lanes read and write four elements at a time: an output that starts elsewhere inside an operand would
  // overwrite values not yet read, so it is written through a block and copied.
  if (partlyOverlaps(outAddress, aAddress, length) || partlyOverlaps(outAddress, bAddress, length))
    outAddress = -1;
  if (aAddress >= 0 || bAddress >= 0 || outAddress >= 0) {
    return binaryInResidentMemory(engine, op, out, rowLength, a, b, { aAddress, bAddress, outAddress });
  }
  const base = engine.scratch(2 * CHUNK_LENGTH * 4);
  if (base < 0) return false;
  const floats = engine.memoryFloats;
  const first = base >> 2;
  const code = binaryCodes[op];
  for (let start = 0; start < length; start += CHUNK_LENGTH) {
    const count = Math.min(CHUNK_LENGTH, length - start);
    stage(floats, first, a, rowLength, start, count);
    stage(floats, first + CHUNK_LENGTH, b, rowLength, start, count);
    // Whole vectors only: up to three lanes past `count` hold stale values and are never copied out.
    engine.elementwise.binary(code, base, base, base + CHUNK_LENGTH * 4, Math.ceil(count / 4) * 16);
    out.set(floats.subarray(first, first + count), start);
  }
  return true;
}

/**
 * Byte address of an operand's values for outputs `0 … length − 1` when they are one run of consecutive floats
 * in resident memory (rows back to back, nothing broadcast), else -1.
 */
function residentRun(engine: WasmEngine, operand: Float32Operand, rowLength: number, length: number): number {
  if (typeof operand === "number" || operand.step !== 1 || length === 0) return -1;
  const { data, offsets } = operand;
  // Plain arrays (the common case) are ruled out before walking the rows.
  if (engine.residentAddress(data, data.length) < 0) return -1;
  const first = offsets[0]!;
  const rows = length / rowLength;
  for (let row = 1; row < rows; row++) if (offsets[row] !== first + row * rowLength) return -1;
  if (first + length > data.length) return -1;
  return engine.residentAddress(data.subarray(first, first + length), length);
}

/** Whether two runs of `length` floats at byte addresses `out` and `operand` share memory without starting together. */
function partlyOverlaps(out: number, operand: number, length: number): boolean {
  return (
    out >= 0 && operand >= 0 && out !== operand && out < operand + length * 4 && operand < out + length * 4
  );
}

/** The value an operand gives output element `index` (rows of `rowLength`). */
function operandValue(operand: Float32Operand, rowLength: number, index: number): number {
  if (typeof operand === "number") return operand;
  const row = Math.floor(index / rowLength);
  return operand.data[operand.offsets[row]! + operand.step * (index - row * rowLength)]!;
}

/** `x ∘ y` in float64, exact before the float32 store rounds it (as the lanes and the JavaScript loops round). */
function combine(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case "add":
      return x + y;
    case "sub":
      return x - y;
    case "mul":
      return x * y;
    case "div":
      return x / y;
  }
}

/**
 * The binary op when an operand or the output lives in resident memory: those are read and written where they
 * are, the others go through blocks of resident memory chunk by chunk (row segments copied, a repeated value
 * filled; a plain output copied out). Whole vectors run in the lanes and the last `length mod 4` elements in
 * JavaScript, so nothing past a resident array is touched. False, having written nothing, when the heap
 * cannot grow.
 */
function binaryInResidentMemory(
  engine: WasmEngine,
  op: BinaryOp,
  out: Float32Array,
  rowLength: number,
  a: Float32Operand,
  b: Float32Operand,
  addresses: { readonly aAddress: number; readonly bAddress: number; readonly outAddress: number },
): boolean {
  const { aAddress, bAddress, outAddress } = addresses;
  const length = out.length;
  const vectorLength = length & ~3;
  const code = binaryCodes[op];
  const tail = () => {
    for (let index = vectorLength; index < length; index++)
      out[index] = combine(op, operandValue(a, rowLength, index), operandValue(b, rowLength, index));
  };
  // Everything resident: one call over the whole run, on both threads when it is large.
  if (aAddress >= 0 && bAddress >= 0 && outAddress >= 0) {
    binaryResident(engine, code, outAddress, aAddress, bAddress, vectorLength * 4);
    tail();
    return true;
  }
  const chunk = Math.min(CHUNK_LENGTH, length);
  const blocks = (aAddress < 0 ? 1 : 0) + (bAddress < 0 ? 1 : 0) + (outAddress < 0 ? 1 : 0);
  const block = engine.residentFloat32(blocks * chunk);
  if (block === null) return false;
  try {
    const floats = new Float32Array(block.buffer);
    let next = block.byteOffset;
    const take = () => {
      const address = next;
      next += chunk * 4;
      return address;
    };
    const aBlock = aAddress < 0 ? take() : -1;
    const bBlock = bAddress < 0 ? take() : -1;
    const outBlock = outAddress < 0 ? take() : -1;
    for (let start = 0; start < vectorLength; start += CHUNK_LENGTH) {
      const count = Math.min(CHUNK_LENGTH, vectorLength - start);
      if (aBlock >= 0) stage(floats, aBlock >> 2, a, rowLength, start, count);
      if (bBlock >= 0) stage(floats, bBlock >> 2, b, rowLength, start, count);
      engine.residentElementwise.binary(
        code,
        outBlock >= 0 ? outBlock : outAddress + start * 4,
        aBlock >= 0 ? aBlock : aAddress + start * 4,
        bBlock >= 0 ? bBlock : bAddress + start * 4,
        count * 4,
      );
      if (outBlock >= 0) out.set(floats.subarray(outBlock >> 2, (outBlock >> 2) + count), start);
    }
    tail();
  } finally {
    engine.releaseResident(block);
  }
  return true;
}

/** `Kernels.unary` for float32 in the engine, chunk by chunk in scratch; false when the memory cannot grow. */
export function unaryInEngine(engine: WasmEngine, op: UnaryOp, out: Float32Array, x: Float32Array): boolean {
  const base = engine.scratch(CHUNK_LENGTH * 4);
  if (base < 0) return false;
  const floats = engine.memoryFloats;
  const first = base >> 2;
  const code = unaryCodes[op];
  const length = out.length;
  for (let start = 0; start < length; start += CHUNK_LENGTH) {
    const count = Math.min(CHUNK_LENGTH, length - start);
    floats.set(x.subarray(start, start + count), first);
    engine.elementwise.unary(code, base, base, Math.ceil(count / 4) * 16);
    out.set(floats.subarray(first, first + count), start);
  }
  return true;
}

/**
 * `Kernels.scaledAdd` in the engine: whole vectors in place when all three arrays are resident, else through
 * copies in scratch; the last `length mod 4` elements by the JavaScript loop. Null, having written nothing,
 * when the memory cannot grow.
 */
export function scaledAddInEngine(
  engine: WasmEngine,
  out: Float32Array,
  p: Float32Array,
  u: Float32Array,
  factor: number,
): boolean | null {
  const length = out.length;
  const vectorLength = length & ~3;
  const outAddress = engine.residentAddress(out, vectorLength);
  const pAddress = engine.residentAddress(p, vectorLength);
  const uAddress = engine.residentAddress(u, vectorLength);
  let finite: boolean;
  if (outAddress >= 0 && pAddress >= 0 && uAddress >= 0) {
    finite = scaledAddResident(engine, outAddress, pAddress, uAddress, vectorLength, factor);
  } else {
    const bytes = vectorLength * 4;
    const base = engine.scratch(3 * bytes);
    if (base < 0) return null;
    const floats = engine.memoryFloats;
    const first = base >> 2;
    floats.set(p.subarray(0, vectorLength), first);
    floats.set(u.subarray(0, vectorLength), first + vectorLength);
    finite = engine.elementwise.scaledAdd(base + 2 * bytes, base, base + bytes, vectorLength, factor) === 1;
    out.set(floats.subarray(first + 2 * vectorLength, first + 3 * vectorLength));
  }
  const tailFinite = vectorLength === length || scaledAddByLoop(out, p, u, factor, vectorLength);
  return finite && tailFinite;
}

/**
 * `Kernels.reluBackward` for float32 in the engine (rows of `columns`, a multiple of 4): in place when `g`, `y`
 * and `out` are resident (a training step's arrays; the bias row goes through a small resident block), else
 * through copies in scratch (the bias row zeros without one). False, having written nothing, when the memory
 * cannot grow.
 */
export function reluBackwardInEngine(
  engine: WasmEngine,
  g: Float32Array,
  y: Float32Array,
  out: Float32Array,
  biasGradient: Float32Array | null,
  columns: number,
): boolean {
  const length = g.length;
  const gAddress = engine.residentAddress(g, length);
  const yAddress = engine.residentAddress(y, length);
  const outAddress = engine.residentAddress(out, length);
  if (gAddress >= 0 && yAddress >= 0 && outAddress >= 0) {
    const bias = engine.residentFloat32(columns);
    if (bias !== null) {
      if (biasGradient === null) bias.fill(0);
      else bias.set(biasGradient);
      reluBackwardResident(
        engine,
        gAddress,
        yAddress,
        outAddress,
        bias.byteOffset,
        length / columns,
        columns * 4,
      );
      if (biasGradient !== null) biasGradient.set(bias);
      engine.releaseResident(bias);
      return true;
    }
  }
  const bytes = length * 4;
  const base = engine.scratch(3 * bytes + columns * 4);
  if (base < 0) return false;
  const floats = engine.memoryFloats;
  const first = base >> 2;
  floats.set(g, first);
  floats.set(y, first + length);
  const biasAt = first + 3 * length;
  if (biasGradient === null) floats.fill(0, biasAt, biasAt + columns);
  else floats.set(biasGradient, biasAt);
  engine.elementwise.reluBackward(
    base,
    base + bytes,
    base + 2 * bytes,
    base + 3 * bytes,
    length / columns,
    columns * 4,
  );
  out.set(floats.subarray(first + 2 * length, first + 3 * length));
  if (biasGradient !== null) biasGradient.set(floats.subarray(biasAt, biasAt + columns));
  return true;
}

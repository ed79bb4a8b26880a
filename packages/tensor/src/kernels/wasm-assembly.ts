// A few helpers to write tiny WebAssembly modules as bytes (the element-wise training kernels): small
// enough to read next to the instructions, no build step, synchronous compilation everywhere.

/** Prefix of the SIMD instructions. */
export const SIMD = 0xfd;

/** `local.get index`. */
export const localGet = (index: number): number[] => [0x20, index];
/** `local.set index`. */
export const localSet = (index: number): number[] => [0x21, index];
/** v128.load / v128.store with a 4-byte alignment hint and no offset. */
export const v128Load = [SIMD, 0x00, 0x02, 0x00];
export const v128Store = [SIMD, 0x0b, 0x02, 0x00];

/** Unsigned LEB128, as WebAssembly encodes sizes and counts. */
export function leb128(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/**
 * A module of one exported function `name` (with `signature`: param and result value types) and one
 * exported memory of one initial page.
 */
export function singleFunctionModule(
  name: string,
  params: readonly number[],
  results: readonly number[],
  body: readonly number[],
): Uint8Array<ArrayBuffer> {
  const text = (value: string) => [value.length, ...Array.from(value, (c) => c.charCodeAt(0))];
  const section = (id: number, content: number[]) => [id, ...leb128(content.length), ...content];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, params.length, ...params, results.length, ...results]),
    ...section(3, [0x01, 0x00]),
    ...section(5, [0x01, 0x00, 0x01]),
    ...section(7, [0x02, ...text("memory"), 0x02, 0x00, ...text(name), 0x00, 0x00]),
    ...section(10, [0x01, ...leb128(body.length), ...body]),
  ]);
}

/**
 * A module whose function `name(out, x₁ … xₖ, bytes)` (i32 byte addresses; `bytes` a multiple of 16) walks
 * the arrays 16 bytes at a time: it loads x₁ … xₖ at the step's offset, runs `compute` (which takes those k
 * vectors from the stack and leaves one), and stores the result at `out`. The element-wise kernels are this
 * loop with one or two inputs and one SIMD instruction.
 */
export function vectorMapModule(
  name: string,
  inputs: number,
  compute: readonly number[],
): Uint8Array<ArrayBuffer> {
  const bytes = inputs + 1;
  const step = inputs + 2; // the local after the parameters: the byte offset i
  const address = (base: number) => [...localGet(base), ...localGet(step), 0x6a]; // base + i
  const loads = Array.from({ length: inputs }, (_, input) => [...address(input + 1), ...v128Load]).flat();
  const body = [
    ...[0x01, 0x01, 0x7f], // locals: 1 × i32 (i)
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...localGet(step),
    ...localGet(bytes),
    ...[0x4f, 0x0d, 0x01], // i32.ge_u, br_if 1 (leave the block)
    ...address(0),
    ...loads,
    ...compute,
    ...v128Store,
    ...localGet(step),
    ...[0x41, 0x10, 0x6a], // i32.const 16, i32.add
    ...localSet(step),
    ...[0x0c, 0x00, 0x0b, 0x0b], // br 0 (next iteration), end loop, end block
    0x0b,
  ];
  return singleFunctionModule(name, new Array<number>(inputs + 2).fill(0x7f), [], body);
}

/** A compiled single-function module with views on its memory, or null where WebAssembly SIMD is missing. */
export interface TinyKernel<Fn> {
  readonly memory: WebAssembly.Memory;
  readonly run: Fn;
  floats: Float32Array;
}

/** Compiles and instantiates `bytes` synchronously; null when the runtime cannot (no SIMD, no WebAssembly). */
export function instantiate<Fn>(bytes: Uint8Array<ArrayBuffer>, name: string): TinyKernel<Fn> | null {
  try {
    if (typeof WebAssembly !== "object" || !WebAssembly.validate(bytes)) return null;
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
    const memory = exports.memory as WebAssembly.Memory;
    return { memory, run: exports[name] as Fn, floats: new Float32Array(memory.buffer) };
  } catch {
    return null;
  }
}

/** Grows the kernel's memory to at least `bytes` and refreshes its view. */
export function reserve<Fn>(kernel: TinyKernel<Fn>, bytes: number): void {
  const current = kernel.memory.buffer.byteLength;
  if (current >= bytes) return;
  kernel.memory.grow(Math.ceil((bytes - current) / 65536));
  kernel.floats = new Float32Array(kernel.memory.buffer);
}

/**
 * A loader of one tiny kernel per op: each op's module is compiled on first use and kept (null kept too,
 * where WebAssembly SIMD is missing), with at least `bytes` of its memory reserved.
 */
export function tinyKernelLoader<Op extends string, Fn>(
  moduleBytes: (op: Op) => Uint8Array<ArrayBuffer>,
  bytes: number,
): (op: Op) => TinyKernel<Fn> | null {
  const instances = new Map<Op, TinyKernel<Fn> | null>();
  return (op) => {
    let instance = instances.get(op);
    if (instance === undefined) {
      instance = instantiate<Fn>(moduleBytes(op), op);
      if (instance !== null) reserve(instance, bytes);
      instances.set(op, instance);
    }
    return instance;
  };
}

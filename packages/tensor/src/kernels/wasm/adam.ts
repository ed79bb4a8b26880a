// Why this exists: Adam's reference loop (js-elementwise.ts) spends ~6.7 ns an element on a scalar float64 division
// and square root; the module's float64 lanes (assembly/adam.ts) do two at a time with the same bits. Measured on
// the CNN's 225,578 parameters (bench/webassembly-costs.bench.mjs): 1.52 ms a step in JavaScript, 0.79 ms through
// the module, copies and new arrays included.

import { adamUpdateByLoop } from "../js-elementwise.js";
import type { AdamCoefficients } from "../kernels.js";
import type { WasmEngine } from "./engine.js";
import { adamResident } from "./ranges.js";

/**
 * `Kernels.adamUpdate` for float32 arrays in the engine: in place when all six are resident, else `g`, `m` and
 * `v` are copied into scratch and the three results copied out; an odd last element runs in JavaScript. False,
 * having written nothing, when the memory cannot grow.
 */
export function adamUpdateInEngine(
  engine: WasmEngine,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
  out: Float32Array,
  coefficients: AdamCoefficients,
): boolean {
  const length = g.length;
  const even = length & ~1;
  const { beta1, beta2, inverseCorrection1, inverseCorrection2, epsilonRoot, epsilon } = coefficients;
  const scalars = [beta1, beta2, inverseCorrection1, inverseCorrection2, epsilonRoot, epsilon] as const;
  const arrays = [g, m, v, mOut, vOut, out];
  const addresses = arrays.map((array) => engine.residentAddress(array, even));
  if (addresses.every((address) => address >= 0)) {
    const [gAt, mAt, vAt, mOutAt, vOutAt, outAt] = addresses as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    adamResident(engine, [gAt, mAt, vAt, mOutAt, vOutAt, outAt], even, scalars);
  } else {
    const bytes = even * 4;
    const base = engine.scratch(6 * bytes);
    if (base < 0) return false;
    const floats = engine.memoryFloats;
    const first = base >> 2;
    floats.set(g.subarray(0, even), first);
    floats.set(m.subarray(0, even), first + even);
    floats.set(v.subarray(0, even), first + 2 * even);
    engine.elementwise.adamUpdate(
      base,
      base + bytes,
      base + 2 * bytes,
      base + 3 * bytes,
      base + 4 * bytes,
      base + 5 * bytes,
      even,
      ...scalars,
    );
    mOut.set(floats.subarray(first + 3 * even, first + 4 * even));
    vOut.set(floats.subarray(first + 4 * even, first + 5 * even));
    out.set(floats.subarray(first + 5 * even, first + 6 * even));
  }
  if (even < length) adamUpdateByLoop(g, m, v, mOut, vOut, out, coefficients, even);
  return true;
}

import { Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";

const shapes = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 });
const tensors = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).filter((name) => name !== "__metadata__" && name !== "__proto__"),
  fc.tuple(shapes, fc.boolean(), fc.integer()).map(([shape, double, seed]) => {
    const size = shape.reduce((product, dimension) => product * dimension, 1);
    const values = Array.from({ length: size }, (_, i) => Math.sin(seed + i) * 1e3);
    return new Tensor(double ? Float64Array.from(values) : Float32Array.from(values), shape);
  }),
  { maxKeys: 5 },
);

describe("safetensors properties", () => {
  it("decode(encode(x)) = x for any named float32/float64 tensors", () => {
    fc.assert(
      fc.property(tensors, (named) => {
        const { tensors: decoded } = decodeSafetensors(encodeSafetensors(named));
        expect(Object.keys(decoded).sort()).toEqual(Object.keys(named).sort());
        for (const [name, tensor] of Object.entries(named)) {
          expect(decoded[name]!.dtype).toBe(tensor.dtype);
          expect(decoded[name]!.shape).toEqual(tensor.shape);
          expect(Array.from(decoded[name]!.data)).toEqual(Array.from(tensor.data));
        }
      }),
      { numRuns: 100 },
    );
  });

  it("every truncation and every single-byte corruption is either rejected with a typed error or decodes to valid tensors", () => {
    fc.assert(
      fc.property(tensors, fc.nat(), fc.integer({ min: 0, max: 255 }), (named, position, byte) => {
        const bytes = encodeSafetensors(named);
        const cut = position % bytes.length;
        expect(() => decodeSafetensors(bytes.subarray(0, cut))).toThrow(/^decodeSafetensors: /);
        const corrupted = bytes.slice();
        corrupted[position % bytes.length] = byte;
        try {
          const { tensors: decoded } = decodeSafetensors(corrupted);
          for (const tensor of Object.values(decoded)) {
            expect(tensor.data.length).toBe(
              tensor.shape.reduce((product, dimension) => product * dimension, 1),
            );
          }
        } catch (error) {
          expect((error as Error).message).toMatch(/^decodeSafetensors: /);
        }
      }),
      { numRuns: 200 },
    );
  });
});

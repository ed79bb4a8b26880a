import { Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";

const weights = new Tensor(new Float32Array([1, -2, 3.5, 0.25, 1e-7, -0]), [2, 3]);
const bias = new Tensor(new Float64Array([Math.PI, -1 / 3, 42]), [3]);
const empty = new Tensor(new Float32Array(0), [0, 4]);

/** Builds a file by hand from a header object and a data section. */
function handMade(header: unknown, data: Uint8Array = new Uint8Array(0), rawHeader?: string): Uint8Array {
  const text = new TextEncoder().encode(rawHeader ?? JSON.stringify(header));
  const bytes = new Uint8Array(8 + text.length + data.length);
  new DataView(bytes.buffer).setUint32(0, text.length, true);
  bytes.set(text, 8);
  bytes.set(data, 8 + text.length);
  return bytes;
}

describe("encodeSafetensors / decodeSafetensors", () => {
  it("round-trips float32, float64, empty tensors and metadata exactly", () => {
    const bytes = encodeSafetensors({ weights, bias, empty }, { format: "descent", seed: "7" });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: "descent", seed: "7" });
    expect(Object.keys(tensors).sort()).toEqual(["bias", "empty", "weights"]);
    expect(tensors.weights!.dtype).toBe("float32");
    expect(tensors.weights!.shape).toEqual([2, 3]);
    expect(Array.from(tensors.weights!.data)).toEqual(Array.from(weights.data));
    expect(Object.is(tensors.weights!.data[5], -0)).toBe(true);
    expect(tensors.bias!.dtype).toBe("float64");
    expect(Array.from(tensors.bias!.data)).toEqual([Math.PI, -1 / 3, 42]);
    expect(tensors.empty!.shape).toEqual([0, 4]);
  });

  it("writes the documented layout: u64 header length, JSON header, 8-byte aligned data", () => {
    const bytes = encodeSafetensors({ weights, bias });
    const view = new DataView(bytes.buffer);
    const headerLength = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    // float64 first so it stays aligned: bias [0, 24), weights [24, 48).
    expect(header).toEqual({
      bias: { dtype: "F64", shape: [3], data_offsets: [0, 24] },
      weights: { dtype: "F32", shape: [2, 3], data_offsets: [24, 48] },
    });
    expect(bytes.length).toBe(8 + headerLength + 48);
    expect(new DataView(bytes.buffer, 8 + headerLength).getFloat64(0, true)).toBe(Math.PI);
  });

  it("reads a file written by another implementation (hand-made header, unpadded)", () => {
    const data = new Uint8Array(new Float32Array([1.5, -2.5]).buffer);
    const bytes = handMade({ x: { dtype: "F32", shape: [2, 1], data_offsets: [0, 8] } }, data);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(tensors.x!.shape).toEqual([2, 1]);
    expect(Array.from(tensors.x!.data)).toEqual([1.5, -2.5]);
    expect(metadata).toEqual({});
  });

  it("decodes from a view that does not start at offset 0 of its buffer", () => {
    const bytes = encodeSafetensors({ weights });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const { tensors } = decodeSafetensors(shifted.subarray(3));
    expect(Array.from(tensors.weights!.data)).toEqual(Array.from(weights.data));
  });

  it("rejects non-string metadata and the reserved name when encoding", () => {
    expect(() => encodeSafetensors({ weights }, { step: 3 as unknown as string })).toThrow(/metadata "step"/);
    expect(() => encodeSafetensors({ __metadata__: weights })).toThrow(/reserved/);
  });
});

describe("decodeSafetensors rejects corrupt files with the field and what was expected", () => {
  const good = encodeSafetensors({ weights, bias });

  it("rejects a file shorter than the length field", () => {
    expect(() => decodeSafetensors(new Uint8Array(5))).toThrow(/5 bytes: too short/);
  });

  it("rejects a truncated header", () => {
    expect(() => decodeSafetensors(good.subarray(0, 20))).toThrow(
      /header length says \d+ bytes but only 12 follow/,
    );
  });

  it("rejects truncated data", () => {
    expect(() => decodeSafetensors(good.subarray(0, good.length - 4))).toThrow(
      /"weights": data_offsets end at byte 48 but the data section has 44 bytes/,
    );
  });

  it("rejects trailing bytes that belong to no tensor", () => {
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expect(() => decodeSafetensors(longer)).toThrow(/4 trailing bytes belong to no tensor/);
  });

  it("rejects an absurd header length", () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setUint32(4, 1, true);
    expect(() => decodeSafetensors(bytes)).toThrow(
      /the header has 4,294,967,296 bytes, more than the limit of 16,777,216 \(limits.maxHeaderBytes\)/,
    );
  });

  it("rejects bad header JSON", () => {
    expect(() => decodeSafetensors(handMade(null, undefined, '{"x": {"dtype": "F32",'))).toThrow(
      /header is not valid JSON/,
    );
    expect(() => decodeSafetensors(handMade(null, undefined, "[1, 2]"))).toThrow(
      /must be a JSON object starting/,
    );
    expect(() => decodeSafetensors(handMade(null, undefined, "{} junk"))).toThrow(/not valid JSON/);
  });

  it("rejects invalid UTF-8 in the header", () => {
    const bytes = handMade(null, undefined, "{ }");
    bytes[9] = 0xff;
    expect(() => decodeSafetensors(bytes)).toThrow(/not valid UTF-8/);
  });

  it("rejects each malformed field by name", () => {
    const data = new Uint8Array(8);
    const cases: [unknown, RegExp][] = [
      [{ x: 3 }, /tensor "x" must be an object/],
      [{ x: { shape: [2], data_offsets: [0, 8] } }, /"dtype" is missing/],
      [{ x: { dtype: "F16", shape: [4], data_offsets: [0, 8] } }, /dtype "F16" is not supported/],
      [
        { x: { dtype: "F32", shape: [2.5], data_offsets: [0, 8] } },
        /"shape" must be an array of non-negative integers/,
      ],
      [{ x: { dtype: "F32", shape: [-2], data_offsets: [0, 8] } }, /"shape" must be an array/],
      [{ x: { dtype: "F32", shape: [2], data_offsets: [0] } }, /"data_offsets" must be \[begin, end\]/],
      [{ x: { dtype: "F32", shape: [2], data_offsets: [8, 0] } }, /end before they begin/],
      [
        { x: { dtype: "F32", shape: [3], data_offsets: [0, 8] } },
        /shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] span 8/,
      ],
      [{ x: { dtype: "F32", shape: [2], data_offsets: [0, 8], extra: 1 } }, /unknown field "extra"/],
      [
        { __metadata__: { a: 1 }, x: { dtype: "F32", shape: [2], data_offsets: [0, 8] } },
        /"__metadata__.a" must be a string/,
      ],
      [
        { __metadata__: [], x: { dtype: "F32", shape: [2], data_offsets: [0, 8] } },
        /"__metadata__" must be an object/,
      ],
    ];
    for (const [header, message] of cases) {
      expect(() => decodeSafetensors(handMade(header, data))).toThrow(message);
    }
  });

  it("rejects overlapping, gapped and out-of-range offsets", () => {
    const data = new Uint8Array(16);
    const entry = (begin: number, end: number) => ({
      dtype: "F32",
      shape: [(end - begin) / 4],
      data_offsets: [begin, end],
    });
    expect(() =>
      decodeSafetensors(handMade({ a: entry(0, 8), b: entry(4, 12), c: entry(12, 16) }, data)),
    ).toThrow(/"b": data_offsets \[4, 12\] overlap the previous tensor/);
    expect(() => decodeSafetensors(handMade({ a: entry(0, 4), b: entry(8, 16) }, data))).toThrow(
      /"b": data_offsets begin at 8 but the previous tensor ends at 4: the data section has a gap/,
    );
    expect(() => decodeSafetensors(handMade({ a: entry(0, 8), b: entry(8, 24) }, data))).toThrow(
      /"b": data_offsets end at byte 24 but the data section has 16 bytes/,
    );
  });

  it("never builds a tensor from a file it rejects (errors are typed)", () => {
    try {
      decodeSafetensors(good.subarray(0, good.length - 1));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).name).toBe("ValueError");
      expect((error as Error).message).toMatch(/^decodeSafetensors: /);
    }
  });
});

import { adam } from "@descent/optimizers";
import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { createRandom, normal, Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectDescentOutcome, fuzzSuite } from "../../../../fuzz.shared";
import { countParameters } from "../layers/count-parameters.js";
import { dense, sequential } from "../layers/index.js";
import { checkpoint } from "../training/callbacks.js";
import { fit } from "../training/fit.js";
import { addTrees, scaleTree } from "../training/tree-arithmetic.js";
import { checksum, deserializeModel, type ModelSnapshot, serializeModel } from "./model-files.js";
import { cloneTree, flattenTree, mapTree, unflattenTree } from "./parameter-names.js";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";
import { decodeValue, encodeValue } from "./value-codec.js";

// Why this exists: everything here reads or writes what comes from a file, so random and adversarial
// input — manifests, JSON values, bytes, trees with reserved names, cycles and deep nesting — must give
// a correct result or a typed descent error naming what is wrong, never an engine error or a polluted
// prototype. Fixed seeds, so a failure repeats.

const { runs } = fuzzSuite("io");

const prototypeUntouched = () => {
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
};
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

const hostileName = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"),
  fc.constantFrom("", ".", "a.b", "@state", "@training.x", "$tensor", "__metadata__", "é", "a\u0000b"),
  fc.string({ maxLength: 6 }),
);

const number = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 1e300, -1e-320, 2 ** 53),
);

const tensorArbitrary: fc.Arbitrary<Tensor> = fc
  .record({
    float64: fc.boolean(),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  })
  .chain(({ float64, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return fc
      .array(number, { minLength: size, maxLength: size })
      .map((values) => new Tensor(float64 ? Float64Array.from(values) : Float32Array.from(values), shape));
  });

/** A home-made object that looks like a tensor but may lie (negative shape, wrong length, wrong dtype). */
const fakeTensor = fc
  .record({
    shape: fc.array(fc.oneof(fc.integer({ min: -2, max: 4 }), number), { maxLength: 3 }),
    length: fc.integer({ min: 0, max: 8 }),
    dtype: fc.constantFrom("float32", "float64", "int32"),
    float64: fc.boolean(),
  })
  .map(({ shape, length, dtype, float64 }) => ({
    shape,
    dtype,
    data: float64 ? new Float64Array(length) : new Float32Array(length),
  }));

/** Trees with reserved names, non-tensor leaves, fake tensors and `__proto__` as an own key. */
const treeArbitrary: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tensorArbitrary,
    tensorArbitrary,
    fakeTensor,
    fc.constantFrom(null, 1, "x", [], new Float32Array(2), undefined),
    fc.dictionary(hostileName, tie("node"), { maxKeys: 3 }),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), tie("node"), { maxKeys: 3 }),
  ),
})).node;

const cyclic = (): ParamTree => {
  const tree: Record<string, unknown> = { a: new Tensor(new Float32Array(1), [1]) };
  tree.self = { back: tree };
  return tree as ParamTree;
};
const deep = (levels: number): ParamTree => {
  let tree: Record<string, unknown> = { leaf: new Tensor(new Float32Array(1), [1]) };
  for (let i = 0; i < levels; i++) tree = { n: tree };
  return tree as ParamTree;
};
const adversarialTree = fc.oneof(
  treeArbitrary,
  fc.constant(cyclic()),
  fc.constant(deep(5_000)),
  fc.constant(JSON.parse('{"__proto__": {"polluted": 1}}')),
  fc.anything(),
);

const bits = (tensor: TensorLike) =>
  Array.from(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
const flatBits = (tree: ParamTree) =>
  flattenTree(tree).map(([path, t]) => [path, t.dtype, [...t.shape], bits(t)]);

const TREE_NAMES = ["tree", "parameter", "entry", "tensor", "group", "fn", "factor", "elements", "pairs"];

describe("tree functions", () => {
  it("flattenTree / unflattenTree / mapTree / cloneTree / countParameters / addTrees / scaleTree", () => {
    fc.assert(
      fc.property(adversarialTree, number, (tree, factor) => {
        const flat = expectDescentOutcome(() => flattenTree(tree as ParamTree), { names: TREE_NAMES });
        const scaleOf = () => scaleTree(tree as ParamTree, factor);
        expect(expectDescentOutcome(scaleOf, { names: TREE_NAMES }).ok).toBe(
          flat.ok && !Number.isNaN(factor),
        );
        if (flat.ok) {
          const rebuilt = expectDescentOutcome(() => unflattenTree(flat.value), { names: TREE_NAMES });
          // Every name flattenTree accepts must come back (empty groups aside).
          expect(rebuilt.ok).toBe(true);
          if (rebuilt.ok) expect(flatBits(rebuilt.value)).toEqual(flatBits(tree as ParamTree));
          expect(countParameters(tree as ParamTree)).toBe(
            flat.value.reduce((n, [, t]) => n + t.data.length, 0),
          );
          expect(flatBits(cloneTree(tree as ParamTree))).toEqual(flatBits(tree as ParamTree));
        }
        for (const call of [
          () => mapTree(tree as ParamTree, (t) => t) as unknown,
          () => addTrees(tree as ParamTree, tree as ParamTree),
          scaleOf,
          () => countParameters(tree as ParamTree),
        ]) {
          const outcome = expectDescentOutcome(call, { names: TREE_NAMES });
          if (call !== scaleOf) expect(outcome.ok).toBe(flat.ok);
        }
        prototypeUntouched();
      }),
      runs(800),
    );
  });

  it("unflattenTree on hostile [path, tensor] pairs", () => {
    const path = fc.array(hostileName, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("."));
    const tensor = new Tensor(new Float32Array(1), [1]);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.tuple(path, fc.constant(tensor)), fc.anything()), { maxLength: 5 }),
        (pairs) => {
          expectDescentOutcome(() => unflattenTree(pairs as [string, Tensor][]), { names: TREE_NAMES });
          prototypeUntouched();
        },
      ),
      runs(800),
    );
  });
});

const VALUE_NAMES = ["value", "training", "key", "tensor", "$", "nested", "reserved", "saved"];

/** Values encodeValue accepts or rejects: plain data, tensors, typed arrays, class instances, cycles. */
const valueArbitrary = fc.oneof(
  fc.anything({
    withTypedArray: true,
    withMap: true,
    withSet: true,
    withBigInt: true,
    withDate: true,
    withNullPrototype: true,
  }),
  fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      number,
      fc.string({ maxLength: 4 }),
      tensorArbitrary,
      fc.constantFrom(
        null,
        true,
        new Float32Array([1, -0]),
        new Int32Array([-(2 ** 31), 5]),
        new Uint8Array([255]),
      ),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(fc.oneof(hostileName, fc.constantFrom("$number", "$object", "$x")), tie("value"), {
        maxKeys: 3,
      }),
    ),
  })).value,
  fc.constant(deep(500)),
);

describe("encodeValue / decodeValue", () => {
  it("encodes or rejects any value, and decodes what it encoded back exactly", () => {
    fc.assert(
      fc.property(valueArbitrary, (value) => {
        const tensors: Record<string, TensorLike> = {};
        const encoded = expectDescentOutcome(() => encodeValue(value, "@training", tensors), {
          names: VALUE_NAMES,
        });
        if (encoded.ok) {
          const json = JSON.parse(JSON.stringify(encoded.value));
          const decoded = expectDescentOutcome(
            () => decodeValue(json, tensors as Record<string, Tensor>, "training"),
            {
              names: VALUE_NAMES,
            },
          );
          expect(decoded.ok).toBe(true);
          if (decoded.ok) expect(decoded.value).toEqual(value);
        }
        prototypeUntouched();
      }),
      runs(1000),
    );
  });

  it("decodes or rejects hostile JSON (markers, reserved keys, missing tensors, deep nesting)", () => {
    const tensors = Object.assign(Object.create(null), {
      t: new Tensor(new Float32Array([1]), [1]),
      d: new Tensor(new Float64Array([2]), [1]),
    });
    const marker = fc.oneof(
      fc.record({ $tensor: fc.constantFrom("t", "d", "missing", "toString", "__proto__") }),
      fc.record({ $float32Array: fc.constantFrom("t", "d", 3) }),
      fc.record({ $number: fc.constantFrom("NaN", "-0", "Infinity", "1", " 2", "0x10", 5) }),
      fc.record({ $int32Array: fc.array(fc.oneof(fc.integer(), number), { maxLength: 3 }) }),
      fc.record({ $uint8Array: fc.array(fc.integer({ min: -3, max: 300 }), { maxLength: 3 }) }),
      fc.record({ $object: fc.jsonValue({ maxDepth: 2 }) }),
      fc.record({ $what: fc.jsonValue({ maxDepth: 1 }) }),
    );
    const hostileJson = fc.letrec((tie) => ({
      json: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue({ maxDepth: 2 }),
        marker,
        fc.array(tie("json"), { maxLength: 3 }),
        fc.dictionary(hostileName, tie("json"), { maxKeys: 3 }),
      ),
    })).json;
    fc.assert(
      fc.property(
        fc.oneof(hostileJson, fc.constant(JSON.parse(`${"[".repeat(10_000)}${"]".repeat(10_000)}`))),
        (json) => {
          expectDescentOutcome(() => decodeValue(json, tensors, "training"), { names: VALUE_NAMES });
          prototypeUntouched();
        },
      ),
      runs(1000),
    );
  });
});

const SAFETENSORS_NAMES = [
  "header",
  "tensor",
  "file",
  "metadata",
  "data_offsets",
  "shape",
  "dtype",
  "Uint8Array",
  "limits",
];

describe("encodeSafetensors / decodeSafetensors", () => {
  it("round-trips any record of tensors bit for bit, or rejects it with a typed error", () => {
    fc.assert(
      fc.property(
        fc.dictionary(hostileName, fc.oneof(tensorArbitrary, tensorArbitrary, fakeTensor), { maxKeys: 4 }),
        fc.dictionary(hostileName, fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxKeys: 2 }),
        (tensors, metadata) => {
          const bytes = expectDescentOutcome(
            () => encodeSafetensors(tensors as Record<string, Tensor>, metadata as Record<string, string>),
            {
              names: SAFETENSORS_NAMES,
            },
          );
          if (!bytes.ok) return;
          const decoded = decodeSafetensors(bytes.value);
          expect(Object.keys(decoded.tensors).sort()).toEqual(Object.keys(tensors).sort());
          for (const name of Object.keys(tensors)) {
            expect(bits(decoded.tensors[name]!)).toEqual(bits(tensors[name] as Tensor));
            expect(decoded.tensors[name]!.shape).toEqual((tensors[name] as Tensor).shape);
          }
          expect({ ...decoded.metadata }).toEqual({ ...metadata });
          prototypeUntouched();
        },
      ),
      runs(800),
    );
  });

  it("decodes or rejects random bytes, mutated files and hostile headers", () => {
    const genuine = encodeSafetensors(
      { a: new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 2]), b: new Tensor(Float64Array.from([5]), [1]) },
      { note: "x" },
    );
    const header = (text: string, dataBytes: number) => {
      const encoded = new TextEncoder().encode(text);
      const bytes = new Uint8Array(8 + encoded.length + dataBytes);
      new DataView(bytes.buffer).setUint32(0, encoded.length, true);
      bytes.set(encoded, 8);
      return bytes;
    };
    const entry = fc.record({
      dtype: fc.oneof(fc.constantFrom("F32", "F64", "I8", ""), fc.anything()),
      shape: fc.oneof(
        fc.array(fc.oneof(fc.integer({ min: -1, max: 3 }), number), { maxLength: 3 }),
        fc.anything(),
      ),
      data_offsets: fc.oneof(fc.array(fc.integer({ min: -1, max: 40 }), { maxLength: 3 }), fc.anything()),
    });
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc
        .tuple(
          fc.nat({ max: genuine.length - 1 }),
          fc.integer({ min: 0, max: 255 }),
          fc.nat({ max: genuine.length }),
        )
        .map(([at, value, cut]) => {
          const mutated = genuine.slice(0, Math.max(cut, at + 1));
          mutated[at] = value;
          return mutated;
        }),
      fc
        .tuple(
          fc.dictionary(hostileName, fc.oneof(entry, fc.anything()), { maxKeys: 4 }),
          fc.nat({ max: 48 }),
        )
        .map(([h, data]) => header(JSON.stringify(h), data)),
      fc.jsonValue({ maxDepth: 3 }).map((json) => header(JSON.stringify(json), 8)),
      fc.anything(),
    );
    const limits = fc.oneof(
      fc.constant(undefined),
      fc.record({ maxTensors: fc.oneof(fc.integer({ min: -1, max: 3 }), number) }, { requiredKeys: [] }),
      fc.anything(),
    );
    fc.assert(
      fc.property(bytes, limits, (input, limit) => {
        expectDescentOutcome(() => decodeSafetensors(input as Uint8Array, { limits: limit as never }), {
          names: SAFETENSORS_NAMES,
          check: ({ tensors }) =>
            Object.values(tensors).every((t) => t.data.length === t.shape.reduce((a, b) => a * b, 1)) ||
            "a tensor whose data does not fill its shape",
        });
        prototypeUntouched();
      }),
      runs(1200),
    );
  });
});

const MODEL_NAMES = [
  "manifest.json",
  "safetensors",
  "params",
  "state",
  "training",
  "files",
  "snapshot",
  "tensor",
  "parameter",
  "value",
  "key",
  "weights",
  "options",
  "limits",
  "checkpoint",
  "header",
];

describe("serializeModel / deserializeModel", () => {
  const model = sequential([dense(3, 4), "relu", dense(4, 2)]);
  let checkpointSnapshot: ModelSnapshot | undefined;
  fit(
    model,
    model.init(0),
    { inputs: normal(createRandom(1), [4, 3]), targets: new Tensor(Float32Array.from([0, 1, 1, 0]), [4]) },
    {
      optimizer: adam(),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 1,
      batchSize: 2,
      seed: 1,
      callbacks: [checkpoint({ everySteps: 1, save: (snapshot) => void (checkpointSnapshot ??= snapshot) })],
    },
  );

  it("serializes or rejects random snapshots, and reads back exactly what it wrote", () => {
    const snapshot = fc.record(
      {
        params: adversarialTree,
        state: fc.oneof(treeArbitrary, fc.constant(undefined)),
        seed: fc.oneof(fc.integer(), fc.constant(null), number),
        metadata: fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
        architecture: fc.oneof(fc.constant(null), fc.constant(model.config)),
      },
      { requiredKeys: ["params"] },
    );
    fc.assert(
      fc.property(fc.oneof(snapshot, fc.anything()), (value) => {
        const files = expectDescentOutcome(() => serializeModel(value as ModelSnapshot), {
          names: MODEL_NAMES,
        });
        if (!files.ok) return;
        const loaded = expectDescentOutcome(() => deserializeModel(files.value), { names: MODEL_NAMES });
        // What serializeModel accepts, deserializeModel reads back exactly.
        const s = value as ModelSnapshot;
        expect(loaded.ok).toBe(true);
        if (!loaded.ok) return;
        expect(loaded.value.metadata).toEqual(s.metadata ?? {});
        expect(flatBits(loaded.value.params)).toEqual(flatBits(s.params));
        expect(flatBits(loaded.value.state!)).toEqual(flatBits(s.state ?? {}));
        prototypeUntouched();
      }),
      runs(600),
    );
  });

  it("rejects mutated manifests and weights with a typed error (checksum fixed up, so every check is reached)", () => {
    const genuine = serializeModel(checkpointSnapshot!);
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (typeof value === "object" && value !== null && path.length < 6) {
        for (const key of Object.keys(value))
          walk((value as Record<string, unknown>)[key], [...path, Array.isArray(value) ? Number(key) : key]);
      }
    };
    walk(JSON.parse(genuine.manifest), []);
    const replacement = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(null, -1, 0.5, 1e300, "../x.safetensors", "/etc/passwd", "model.safetensors", {
        $tensor: "dense_1.bias",
      }),
      fc.constant("__delete__"),
      fc.constant("__proto_key__"),
    );
    const mutation = fc.record({
      path: fc.constantFrom(...paths),
      value: replacement,
      flip: fc.option(
        fc.tuple(fc.nat({ max: genuine.weights.length - 1 }), fc.integer({ min: 0, max: 255 })),
      ),
      fixChecksum: fc.boolean(),
    });
    fc.assert(
      fc.property(mutation, ({ path, value, flip, fixChecksum }) => {
        const manifest = JSON.parse(genuine.manifest);
        let text: string;
        if (path.length === 0) text = JSON.stringify(value);
        else {
          let node = manifest;
          for (const key of path.slice(0, -1)) node = node[key];
          const last = path[path.length - 1]!;
          if (value === "__delete__") delete node[last];
          else if (value === "__proto_key__") node[last] = JSON.parse('{"__proto__": {"polluted": true}}');
          else node[last] = value;
          text = JSON.stringify(manifest);
        }
        const weights = genuine.weights.slice();
        if (flip) weights[flip[0]] = flip[1];
        if (
          fixChecksum &&
          path.length > 0 &&
          typeof manifest.weights === "object" &&
          manifest.weights !== null
        ) {
          manifest.weights.bytes = weights.length;
          manifest.weights.checksum = checksum(weights);
          text = JSON.stringify(manifest);
        }
        expectDescentOutcome(() => deserializeModel({ manifest: text, weights }), { names: MODEL_NAMES });
        prototypeUntouched();
      }),
      runs(1400),
    );
  });

  it("rejects random manifest text and non-model arguments", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 40 }), fc.json({ maxDepth: 3 }), fc.anything()),
        fc.anything(),
        (manifest, weights) => {
          expectDescentOutcome(() => deserializeModel({ manifest, weights } as never), {
            names: MODEL_NAMES,
          });
          expectDescentOutcome(() => deserializeModel(manifest as never, weights as never), {
            names: MODEL_NAMES,
          });
          prototypeUntouched();
        },
      ),
      runs(600),
    );
  });
});

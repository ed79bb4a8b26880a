import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adam } from "@descent/optimizers";
import type { Tensor as TensorLike } from "@descent/spec";
import { createRandom, normal, Tensor } from "@descent/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { isDescentError } from "../../../../fuzz.shared";
import { checksum, type ModelSnapshot, serializeModel } from "../io/model-files.js";
import { encodeSafetensors } from "../io/safetensors.js";
import { dense, sequential } from "../layers/index.js";
import { checkpoint } from "../training/callbacks.js";
import { fit } from "../training/fit.js";
import { loadModel } from "./files.js";

// Why this exists: a model folder from the internet is hostile input. A manifest and weights file naming
// a parameter `__proto__.polluted` (checksum correct) used to make `({}).polluted` a Tensor, and a
// 59 MB header of 1,000,000 empty tensors took 21 s and +1.2 GB. Each folder below must be rejected by
// loadModel with a typed descent error naming what is wrong, within a generous bound on time and memory
// (a guard against blow-ups, not a speed test), and leave every built-in prototype as it was. Time is the
// process's CPU time, not the wall clock, so a machine busy with other work cannot fail the test.

const root = mkdtempSync(join(tmpdir(), "descent-malicious-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CPU_TIME_BOUND_MS = 5_000;
const MEMORY_BOUND_BYTES = 200 * 1024 * 1024;

const model = sequential([dense(3, 4), "relu", dense(4, 2)]);
const params = model.init(1);
const f32 = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape);

type Manifest = Record<string, unknown> & { weights: { file: string; bytes: number; checksum: string } };

function genuine(snapshot: ModelSnapshot = { architecture: model.config, params, seed: 1 }): {
  manifest: Manifest;
  weights: Uint8Array;
} {
  const files = serializeModel(snapshot, { weightsFile: "model.1.safetensors" });
  return { manifest: JSON.parse(files.manifest), weights: files.weights };
}

/** Writes a folder; the manifest's weights size and checksum are made to match unless `keepWeightsInfo`. */
function folder(
  name: string,
  manifest: Manifest | string,
  weights: Uint8Array,
  options: { keepWeightsInfo?: boolean } = {},
): string {
  const directory = join(root, name);
  mkdirSync(directory, { recursive: true });
  if (typeof manifest !== "string") {
    if (!options.keepWeightsInfo) {
      manifest.weights.bytes = weights.length;
      manifest.weights.checksum = checksum(weights);
    }
    manifest = JSON.stringify(manifest);
  }
  writeFileSync(join(directory, "manifest.json"), manifest);
  const file = /"file":\s*"([^"]*)"/.exec(manifest)?.[1] ?? "model.1.safetensors";
  if (/^[\w.-]+$/.test(file) && file !== "manifest.json") writeFileSync(join(directory, file), weights);
  return directory;
}

const describeTensor = (tensor: TensorLike) => ({ dtype: tensor.dtype, shape: [...tensor.shape] });

/** A folder whose weights hold exactly `tensors`, listed in the manifest as `params` / `state`. */
function tensorsFolder(
  name: string,
  tensors: Record<string, TensorLike>,
  listed: { params?: string[]; state?: string[] },
  architecture: unknown = null,
): string {
  const { manifest } = genuine();
  manifest.architecture = architecture;
  manifest.params = Object.fromEntries(
    (listed.params ?? []).map((path) => [path, describeTensor(tensors[path]!)]),
  );
  manifest.state = Object.fromEntries(
    (listed.state ?? []).map((path) => [path, describeTensor(tensors[`@state.${path}`]!)]),
  );
  return folder(name, manifest, encodeSafetensors(tensors));
}

/** A safetensors file from a hand-written header (and `dataBytes` zero bytes of data). */
function rawSafetensors(header: string, dataBytes = 0): Uint8Array {
  const text = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + text.length + dataBytes);
  new DataView(bytes.buffer).setUint32(0, text.length, true);
  bytes.set(text, 8);
  return bytes;
}

function emptyTensorsHeader(count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(`"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
  return `{${parts.join(",")}}`;
}

function trainingSnapshot(): ModelSnapshot {
  const inputs = normal(createRandom(2), [4, 3]);
  const targets = new Tensor(Float32Array.from([0, 1, 1, 0]), [4]);
  let taken: ModelSnapshot | undefined;
  fit(
    model,
    params,
    { inputs, targets },
    {
      optimizer: adam(),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 1,
      batchSize: 2,
      seed: 1,
      callbacks: [checkpoint({ everySteps: 1, save: (snapshot) => void (taken ??= snapshot) })],
    },
  );
  return taken!;
}

interface Case {
  readonly name: string;
  /** Builds the folder (before the measured load) and returns it. */
  readonly build: () => string;
  /** What the error message must say. */
  readonly message: RegExp;
}

const cases: Case[] = [
  {
    name: "a parameter named __proto__.polluted (checksum correct)",
    build: () =>
      tensorsFolder("proto", { "__proto__.polluted": f32([1], [1]) }, { params: ["__proto__.polluted"] }),
    message: /"__proto__" \(in "__proto__\.polluted"\) is reserved/,
  },
  {
    name: "a parameter named constructor.prototype.x",
    build: () =>
      tensorsFolder(
        "constructor",
        { "constructor.prototype.x": f32([1], [1]) },
        { params: ["constructor.prototype.x"] },
      ),
    message: /"constructor" \(in "constructor\.prototype\.x"\) is reserved/,
  },
  {
    name: "a state tensor named @state.__proto__.x",
    build: () =>
      tensorsFolder(
        "state-proto",
        { "dense_1.weights": f32([1], [1]), "@state.__proto__.x": f32([1], [1]) },
        { params: ["dense_1.weights"], state: ["__proto__.x"] },
      ),
    message: /"__proto__" \(in "@state\.__proto__\.x"\) is reserved/,
  },
  {
    name: "an unlisted extra tensor named toString",
    build: () => {
      const tensors: Record<string, TensorLike> = { toString: f32([1, 2], [2]) };
      for (const [path, tensor] of Object.entries(params)) {
        for (const [leaf, value] of Object.entries(tensor)) tensors[`${path}.${leaf}`] = value as TensorLike;
      }
      return tensorsFolder("tostring", tensors, {
        params: Object.keys(tensors).filter((n) => n !== "toString"),
      });
    },
    message: /holds tensor "toString", which the manifest does not list/,
  },
  {
    name: 'a "__proto__" key in the optimizer state of a training checkpoint',
    build: () => {
      const snapshot = trainingSnapshot();
      const files = serializeModel(snapshot, { weightsFile: "model.1.safetensors" });
      const text = files.manifest.replace('"training": {', '"training": {\n"__proto__": { "polluted": 1 },');
      const manifest = JSON.parse(text) as Manifest;
      return folder("training-proto", manifest, files.weights);
    },
    message: /"training\.__proto__": the key "__proto__" is not allowed/,
  },
  {
    name: 'a "__proto__" key in the metadata',
    build: () => {
      const { manifest, weights } = genuine();
      const text = JSON.stringify(manifest).replace(
        '"metadata":{}',
        '"metadata":{"__proto__":{"polluted":1}}',
      );
      return folder("metadata-proto", text, weights);
    },
    message: /"metadata\.__proto__": the key "__proto__" is not allowed/,
  },
  {
    name: "a tensor name twice in the safetensors header",
    build: () => {
      const weights = rawSafetensors(
        '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
        4,
      );
      const { manifest } = genuine();
      manifest.architecture = null;
      manifest.params = { w: { dtype: "float32", shape: [1] } };
      return folder("duplicate", manifest, weights);
    },
    message: /the header names "w" twice/,
  },
  ...[
    "../outside.safetensors",
    "/etc/passwd",
    "sub/model.safetensors",
    "..\\model.safetensors",
    ".hidden.safetensors",
    "manifest.json",
  ].map(
    (file, i): Case => ({
      name: `weights.file = ${JSON.stringify(file)} (path traversal)`,
      build: () => {
        const { manifest, weights } = genuine();
        writeFileSync(join(root, "outside.safetensors"), weights);
        manifest.weights.file = file;
        return folder(`traversal-${i}`, manifest, weights);
      },
      message: /"weights\.file" is .*, expected a plain file name in the model folder/,
    }),
  ),
  {
    name: "a 59 MB header naming 1,000,000 empty tensors",
    build: () => {
      const { manifest } = genuine();
      return folder("million", manifest, rawSafetensors(emptyTensorsHeader(1_000_000)));
    },
    message: /the header has [\d,]+ bytes, more than the limit of 16,777,216 \(limits\.maxHeaderBytes\)/,
  },
  {
    name: "a 6 MB header naming 150,000 empty tensors (under the byte limit, over the count limit)",
    build: () => {
      const { manifest } = genuine();
      return folder("many", manifest, rawSafetensors(emptyTensorsHeader(150_000)));
    },
    message: /the header has 150,000 tensors, more than the limit of 100,000 \(limits\.maxTensors\)/,
  },
  {
    name: "a header length of 2^40 bytes",
    build: () => {
      const weights = new Uint8Array(64);
      new DataView(weights.buffer).setUint32(4, 256, true);
      return folder("header-length", genuine().manifest, weights);
    },
    message: /the header has 1,099,511,627,776 bytes, more than the limit/,
  },
  {
    name: "a truncated weights file",
    build: () => {
      const { manifest, weights } = genuine();
      return folder("truncated", manifest, weights.subarray(0, weights.length - 7), {
        keepWeightsInfo: true,
      });
    },
    message: /model\.1\.safetensors has \d+ bytes but the manifest expects \d+: the file is truncated/,
  },
  {
    name: "a truncated manifest",
    build: () => {
      const { manifest, weights } = genuine();
      manifest.weights.bytes = weights.length;
      manifest.weights.checksum = checksum(weights);
      return folder("truncated-manifest", JSON.stringify(manifest).slice(0, 150), weights);
    },
    message: /manifest\.json is not valid JSON/,
  },
  {
    name: "a wrong checksum",
    build: () => {
      const { manifest, weights } = genuine();
      const flipped = weights.slice();
      flipped[flipped.length - 1]! ^= 0x40;
      return folder("checksum", manifest, flipped, { keepWeightsInfo: true });
    },
    message: /checksum is fnv1a32:[0-9a-f]{8} but the manifest expects/,
  },
  {
    name: "a shape the manifest lies about",
    build: () => {
      const { manifest, weights } = genuine();
      (manifest.params as Record<string, { shape: number[] }>)["dense_1.weights"]!.shape = [4, 3];
      return folder("manifest-shape", manifest, weights);
    },
    message: /params "dense_1\.weights" has shape \[3,4\] but the manifest says \[4,3\]/,
  },
  {
    name: "weights of another architecture (file and manifest agree, architecture does not)",
    build: () => {
      const other = sequential([dense(3, 5), "relu", dense(5, 2)]);
      const { manifest, weights } = genuine({ architecture: model.config, params: other.init(0) });
      return folder("architecture-shape", manifest, weights);
    },
    message:
      /parameter "dense_1\.weights" has shape \[3,5\] in model\.1\.safetensors but the saved architecture expects \[3,4\]: re-save/,
  },
  {
    name: "a parameter the architecture does not have",
    build: () => {
      const extra = { ...params, dense_9: { bias: f32([1, 2], [2]) } };
      const { manifest, weights } = genuine({ architecture: model.config, params: extra });
      return folder("architecture-extra", manifest, weights);
    },
    message: /has parameter "dense_9\.bias" \(shape \[2\]\) which the saved architecture does not have/,
  },
  {
    name: "an architecture asking for 900 million parameters beside a tiny weights file",
    build: () => {
      const { manifest, weights } = genuine();
      manifest.architecture = sequential([dense(30_000, 30_000)]).config;
      return folder("architecture-huge", manifest, weights);
    },
    message: /the saved architecture has more parameters than model\.1\.safetensors holds/,
  },
  ...[
    [
      "a shape of 10^15 elements",
      '{"w":{"dtype":"F32","shape":[1000000000000000],"data_offsets":[0,4]}}',
      /needs more than 2\^53 bytes|needs 4000000000000000 bytes/,
    ],
    [
      "a negative size",
      '{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}',
      /"shape" must be an array of non-negative integers/,
    ],
    [
      "a fractional size",
      '{"w":{"dtype":"F32","shape":[0.5],"data_offsets":[0,4]}}',
      /"shape" must be an array of non-negative integers/,
    ],
    [
      "an F64 dtype on 4 bytes",
      '{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,4]}}',
      /shape \[1\] of F64 needs 8 bytes/,
    ],
    [
      "overlapping offsets",
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}',
      /overlap the previous tensor/,
    ],
    [
      "offsets out of range",
      '{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
      /data_offsets begin at 4 but the previous tensor ends at 0/,
    ],
  ].map(
    ([what, header, message], i): Case => ({
      name: `a safetensors header with ${what as string}`,
      build: () => folder(`header-${i}`, genuine().manifest, rawSafetensors(header as string, 4)),
      message: message as RegExp,
    }),
  ),
  {
    name: "a manifest nested 100,000 levels deep",
    build: () => {
      const { manifest, weights } = genuine();
      const text = JSON.stringify(manifest).replace(
        '"metadata":{}',
        `"metadata":{"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
      );
      return folder("deep", text, weights);
    },
    message: /is nested more than 100 levels deep/,
  },
];

const fingerprint = () =>
  JSON.stringify([
    Object.getOwnPropertyNames(Object.prototype),
    Object.getOwnPropertyNames(Object.prototype.toString),
    Object.getOwnPropertyNames(Function.prototype),
    Object.getOwnPropertyNames(Array.prototype),
    Object.getPrototypeOf({}) === Object.prototype,
  ]);

describe("loadModel rejects malicious model folders", () => {
  const before = fingerprint();
  let rejected = 0;
  let slowest = 0;
  let largest = 0;
  afterAll(() =>
    console.log(
      `malicious folders: ${rejected} of ${cases.length} rejected with a typed error (slowest ${slowest.toFixed(0)} ms of CPU time, largest RSS growth ${(largest / 2 ** 20).toFixed(0)} MiB)`,
    ),
  );

  it.each(cases)("$name", ({ build, message }) => {
    const directory = build();
    const memoryBefore = process.memoryUsage().rss;
    const started = process.cpuUsage();
    let thrown: unknown;
    try {
      loadModel(directory);
    } catch (error) {
      thrown = error;
    }
    const used = process.cpuUsage(started);
    const elapsed = (used.user + used.system) / 1000;
    const grown = process.memoryUsage().rss - memoryBefore;
    expect(isDescentError(thrown), String(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(message);
    expect(elapsed).toBeLessThan(CPU_TIME_BOUND_MS);
    expect(grown).toBeLessThan(MEMORY_BOUND_BYTES);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { x?: unknown }).x).toBeUndefined();
    expect(fingerprint()).toBe(before);
    rejected++;
    slowest = Math.max(slowest, elapsed);
    largest = Math.max(largest, grown);
  });
});

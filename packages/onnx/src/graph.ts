/** ONNX `TensorProto.DataType` values the exporter writes. */
export const FLOAT = 1;
/** ONNX `TensorProto.DataType.INT64`. */
export const INT64 = 7;

/** An ONNX attribute value: a float, an int, a string, or a list of ints or floats. */
export type AttributeValue =
  | { readonly float: number }
  | { readonly int: number }
  | { readonly string: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] };

/** A node as the protobufjs `NodeProto` object takes it. */
export interface NodeObject {
  readonly input: string[];
  readonly output: string[];
  readonly name: string;
  readonly opType: string;
  readonly attribute: object[];
}

/** A constant tensor (`TensorProto`) as protobufjs takes it: float32 or int64 little-endian raw data. */
export interface InitializerObject {
  readonly name: string;
  readonly dims: number[];
  readonly dataType: number;
  readonly rawData: Uint8Array;
}

/**
 * Collects the nodes and constants of one ONNX graph, giving every value a unique name (`<prefix>/<op>_<n>`).
 * Built per export; holds no global state.
 *
 * @example
 * const graph = new GraphBuilder();
 * const w = graph.floatConstant("dense_1/weights", weights, [3, 4]);
 * const y = graph.node("MatMul", [x, w], "dense_1");
 */
export class GraphBuilder {
  readonly nodes: NodeObject[] = [];
  readonly initializers: InitializerObject[] = [];
  private readonly used = new Set<string>();

  /** A name not used yet, derived from `base`. */
  unique(base: string): string {
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node `opType(inputs…)` with `attributes`; returns its (single) output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    prefix: string,
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputName?: string,
  ): string {
    const output = outputName ?? this.unique(`${prefix}/${opType}`);
    if (outputName !== undefined) this.used.add(outputName);
    this.nodes.push({
      input: [...inputs],
      output: [output],
      name: this.unique(`${prefix}/${opType}_node`),
      opType,
      attribute: Object.entries(attributes).map(([name, value]) => attributeObject(name, value)),
    });
    return output;
  }

  /** A float32 constant (graph initializer) named after `base`; returns its name. */
  floatConstant(base: string, values: ArrayLike<number>, dims: readonly number[]): string {
    const name = this.unique(base);
    const data = Float32Array.from(values);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: FLOAT,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /** A float32 scalar constant (rank 0), for element-wise compositions; returns its name. */
  scalar(base: string, value: number): string {
    return this.floatConstant(base, [value], []);
  }

  /** An int64 constant (shapes, permutations); returns its name. */
  int64Constant(base: string, values: readonly number[]): string {
    const name = this.unique(base);
    const data = BigInt64Array.from(values, (value) => BigInt(value));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: INT64,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }
}

function attributeObject(name: string, value: AttributeValue): object {
  // AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7.
  if ("float" in value) return { name, type: 1, f: value.float };
  if ("int" in value) return { name, type: 2, i: value.int };
  if ("string" in value) return { name, type: 3, s: new TextEncoder().encode(value.string) };
  if ("floats" in value) return { name, type: 6, floats: [...value.floats] };
  return { name, type: 7, ints: [...value.ints] };
}

import protobuf from "protobufjs/light.js";

/**
 * A protobufjs JSON descriptor (`protobuf.Root.fromJSON` reads it): the `onnx` package and its messages.
 *
 * @example
 * const messages = Object.keys(onnxDescriptor.nested.onnx.nested); // ["AttributeProto", …, "OperatorSetIdProto"]
 */
export interface OnnxDescriptor {
  /** The `onnx` package, whose `nested` entries are the messages (`ModelProto`, …) by name. */
  readonly nested: { readonly onnx: { readonly nested: Readonly<Record<string, object>> } };
}

/**
 * The part of `onnx.proto` (package `onnx`, proto2 field numbers as in onnx/onnx's `onnx/onnx.proto`) that an
 * exported model uses, as a protobufjs JSON descriptor: `ModelProto`, `GraphProto`, `NodeProto`,
 * `AttributeProto`, `TensorProto`, `ValueInfoProto`, `TypeProto` (tensor types only), `TensorShapeProto` and
 * `OperatorSetIdProto`. Messages and fields not listed are simply never written; the numbers are the official
 * ones, so any ONNX reader parses the bytes.
 *
 * @example
 * import protobuf from "protobufjs";
 * const ModelProto = protobuf.Root.fromJSON(onnxDescriptor).lookupType("onnx.ModelProto");
 * const decoded = ModelProto.decode(exportOnnx(model, params)); // decoded.graph.node: the ops
 */
export const onnxDescriptor: OnnxDescriptor = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            refAttrName: { type: "string", id: 21 },
            docString: { type: "string", id: 13 },
            type: { type: "AttributeType", id: 20 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            floats: { rule: "repeated", type: "float", id: 7, options: { packed: false } },
            ints: { rule: "repeated", type: "int64", id: 8, options: { packed: false } },
            strings: { rule: "repeated", type: "bytes", id: 9 },
          },
          nested: {
            AttributeType: {
              values: {
                UNDEFINED: 0,
                FLOAT: 1,
                INT: 2,
                STRING: 3,
                TENSOR: 4,
                GRAPH: 5,
                FLOATS: 6,
                INTS: 7,
                STRINGS: 8,
              },
            },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
            docString: { type: "string", id: 3 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            domain: { type: "string", id: 7 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            docString: { type: "string", id: 6 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
            valueInfo: { rule: "repeated", type: "ValueInfoProto", id: 13 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1, options: { packed: false } },
            dataType: { type: "int32", id: 2 },
            floatData: { rule: "repeated", type: "float", id: 4, options: { packed: true } },
            int32Data: { rule: "repeated", type: "int32", id: 5, options: { packed: true } },
            int64Data: { rule: "repeated", type: "int64", id: 7, options: { packed: true } },
            name: { type: "string", id: 8 },
            docString: { type: "string", id: 12 },
            rawData: { type: "bytes", id: 9 },
            doubleData: { rule: "repeated", type: "double", id: 10, options: { packed: true } },
          },
          nested: {
            DataType: {
              values: { UNDEFINED: 0, FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 },
            },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: "repeated", type: "Dimension", id: 1 },
          },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: {
                dimValue: { type: "int64", id: 1 },
                dimParam: { type: "string", id: 2 },
                denotation: { type: "string", id: 3 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ["tensorType"] } },
          fields: {
            tensorType: { type: "Tensor", id: 1 },
            denotation: { type: "string", id: 6 },
          },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: "int32", id: 1 },
                shape: { type: "TensorShapeProto", id: 2 },
              },
            },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: "string", id: 1 },
            version: { type: "int64", id: 2 },
          },
        },
      },
    },
  },
};

/** protobufjs root of {@link onnxDescriptor}, built on the first export (not at import), then reused. */
let root: protobuf.Root | undefined;

/**
 * The protobufjs message type of an ONNX message, e.g. `"ModelProto"` (encode) for the exporter, or any other
 * listed message to decode a part of a model in tests.
 *
 * @example
 * const model = onnxType("ModelProto").decode(bytes);
 */
export function onnxType(name: string): protobuf.Type {
  root ??= protobuf.Root.fromJSON(onnxDescriptor as protobuf.INamespace);
  return root.lookupType(`onnx.${name}`);
}

/**
 * The subset of onnx.proto (package `onnx`, proto2) that Twiga's exporters write, as a protobufjs
 * reflection Root built in code: no .proto file to ship or parse at run time, and no codegen step.
 *
 * Field numbers are copied from onnx/onnx `onnx/onnx.proto` and never change (protobuf wire
 * compatibility). Field names are the lowerCamelCase of the proto names, which is what protobufjs
 * itself produces when it parses a .proto file and what the protobuf JSON mapping uses.
 */
import type { INamespace, IType } from 'protobufjs';
import protobuf from 'protobufjs';

/** `TensorProto.DataType`: element types of tensors (only the classic ones; float8/int4 are omitted). */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;
/** One `TensorProto.DataType` value. */
export type DataType = (typeof DataType)[keyof typeof DataType];

/** `AttributeProto.AttributeType`: which value field of an attribute is in use (required since IR 2). */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;
/** One `AttributeProto.AttributeType` value. */
export type AttributeType = (typeof AttributeType)[keyof typeof AttributeType];

/** `OperatorSetIdProto`: one imported operator set; domain '' is the default ONNX domain. */
export interface OnnxOperatorSetId {
  domain?: string;
  version?: number;
}

/** `StringStringEntryProto`: a key/value pair (onnx.proto avoids proto3 maps). */
export interface OnnxStringStringEntry {
  key?: string;
  value?: string;
}

/** `TensorShapeProto.Dimension`: a fixed size (`dimValue`) or a symbolic one (`dimParam`). */
export interface OnnxDimension {
  dimValue?: number;
  dimParam?: string;
  denotation?: string;
}

/** `TensorShapeProto`. */
export interface OnnxTensorShape {
  dim?: OnnxDimension[];
}

/** `TypeProto.Tensor`: element type (a DataType) and optional shape. */
export interface OnnxTensorType {
  elemType?: number;
  shape?: OnnxTensorShape;
}

/** `TypeProto`, tensor types only (sequence/map/optional/sparse types are not in this subset). */
export interface OnnxTypeProto {
  tensorType?: OnnxTensorType;
  denotation?: string;
}

/** `ValueInfoProto`: name and type of a graph input, output or intermediate value. */
export interface OnnxValueInfo {
  name?: string;
  type?: OnnxTypeProto;
  docString?: string;
}

/**
 * `TensorProto`. Int64 fields are plain numbers when encoding (exact up to 2^53). Typed arrays are
 * accepted for the repeated numeric fields because protobufjs's encoder only indexes them.
 */
export interface OnnxTensor {
  dims?: ArrayLike<number>;
  dataType?: number;
  floatData?: ArrayLike<number>;
  int32Data?: ArrayLike<number>;
  stringData?: Uint8Array[];
  int64Data?: ArrayLike<number>;
  name?: string;
  docString?: string;
  /** Fixed-width little-endian element bytes; the fast path for large float tensors. */
  rawData?: Uint8Array;
  externalData?: OnnxStringStringEntry[];
  dataLocation?: number;
  doubleData?: ArrayLike<number>;
  uint64Data?: ArrayLike<number>;
}

/** `AttributeProto`: `type` must name the one value field in use; strings are UTF-8 bytes. */
export interface OnnxAttribute {
  name?: string;
  refAttrName?: string;
  docString?: string;
  type?: AttributeType;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  g?: OnnxGraph;
  floats?: ArrayLike<number>;
  ints?: ArrayLike<number>;
  strings?: Uint8Array[];
  tensors?: OnnxTensor[];
  graphs?: OnnxGraph[];
}

/** `NodeProto`: one operator application; `domain` '' is the default ONNX domain. */
export interface OnnxNode {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: OnnxAttribute[];
  docString?: string;
}

/** `GraphProto`: nodes in topological order, constant initializers, typed inputs and outputs. */
export interface OnnxGraph {
  node?: OnnxNode[];
  name?: string;
  initializer?: OnnxTensor[];
  docString?: string;
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
}

/** `ModelProto`: the top-level message of a `.onnx` file. */
export interface OnnxModel {
  irVersion?: number;
  opsetImport?: OnnxOperatorSetId[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: OnnxGraph;
  metadataProps?: OnnxStringStringEntry[];
}

// onnx.proto is proto2. protobufjs treats top-level types loaded from JSON as proto3 unless told
// otherwise, and proto3 drops zero scalars (e.g. an attribute `f = 0` or `i = 0`) and packs repeated
// scalars by default. Marking each top-level type proto2 keeps explicit presence and leaves
// AttributeProto `floats`/`ints` and `dims` unpacked, exactly as onnx.proto declares them.
const PROTO2 = 'proto2';

function message(fields: IType['fields'], extra: Omit<IType, 'fields'> = {}): IType {
  return { edition: PROTO2, fields, ...extra };
}

const PACKED = { packed: true };

const ONNX_SCHEMA: INamespace = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: message(
          {
            name: { type: 'string', id: 1 },
            refAttrName: { type: 'string', id: 21 },
            docString: { type: 'string', id: 13 },
            type: { type: 'AttributeType', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
            tensors: { rule: 'repeated', type: 'TensorProto', id: 10 },
            graphs: { rule: 'repeated', type: 'GraphProto', id: 11 },
          },
          { nested: { AttributeType: { values: { ...AttributeType } } } },
        ),
        ValueInfoProto: message({
          name: { type: 'string', id: 1 },
          type: { type: 'TypeProto', id: 2 },
          docString: { type: 'string', id: 3 },
        }),
        NodeProto: message({
          input: { rule: 'repeated', type: 'string', id: 1 },
          output: { rule: 'repeated', type: 'string', id: 2 },
          name: { type: 'string', id: 3 },
          opType: { type: 'string', id: 4 },
          domain: { type: 'string', id: 7 },
          attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
          docString: { type: 'string', id: 6 },
        }),
        ModelProto: message({
          irVersion: { type: 'int64', id: 1 },
          opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          producerName: { type: 'string', id: 2 },
          producerVersion: { type: 'string', id: 3 },
          domain: { type: 'string', id: 4 },
          modelVersion: { type: 'int64', id: 5 },
          docString: { type: 'string', id: 6 },
          graph: { type: 'GraphProto', id: 7 },
          metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
        }),
        StringStringEntryProto: message({
          key: { type: 'string', id: 1 },
          value: { type: 'string', id: 2 },
        }),
        GraphProto: message({
          node: { rule: 'repeated', type: 'NodeProto', id: 1 },
          name: { type: 'string', id: 2 },
          initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
          docString: { type: 'string', id: 10 },
          input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
          output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
        }),
        TensorProto: message(
          {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            segment: { type: 'Segment', id: 3 },
            floatData: { rule: 'repeated', type: 'float', id: 4, options: PACKED },
            int32Data: { rule: 'repeated', type: 'int32', id: 5, options: PACKED },
            stringData: { rule: 'repeated', type: 'bytes', id: 6 },
            int64Data: { rule: 'repeated', type: 'int64', id: 7, options: PACKED },
            name: { type: 'string', id: 8 },
            docString: { type: 'string', id: 12 },
            rawData: { type: 'bytes', id: 9 },
            externalData: { rule: 'repeated', type: 'StringStringEntryProto', id: 13 },
            dataLocation: { type: 'DataLocation', id: 14 },
            doubleData: { rule: 'repeated', type: 'double', id: 10, options: PACKED },
            uint64Data: { rule: 'repeated', type: 'uint64', id: 11, options: PACKED },
          },
          {
            nested: {
              DataType: { values: { ...DataType } },
              Segment: {
                fields: {
                  begin: { type: 'int64', id: 1 },
                  end: { type: 'int64', id: 2 },
                },
              },
              DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } },
            },
          },
        ),
        TensorShapeProto: message(
          { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          {
            nested: {
              Dimension: {
                oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
                fields: {
                  dimValue: { type: 'int64', id: 1 },
                  dimParam: { type: 'string', id: 2 },
                  denotation: { type: 'string', id: 3 },
                },
              },
            },
          },
        ),
        TypeProto: message(
          {
            tensorType: { type: 'Tensor', id: 1 },
            denotation: { type: 'string', id: 6 },
          },
          {
            oneofs: { value: { oneof: ['tensorType'] } },
            nested: {
              Tensor: {
                fields: {
                  elemType: { type: 'int32', id: 1 },
                  shape: { type: 'TensorShapeProto', id: 2 },
                },
              },
            },
          },
        ),
        OperatorSetIdProto: message({
          domain: { type: 'string', id: 1 },
          version: { type: 'int64', id: 2 },
        }),
      },
    },
  },
};

/** The reflection Root holding package `onnx` (ModelProto and everything it references). */
export const onnxRoot: protobuf.Root = protobuf.Root.fromJSON(ONNX_SCHEMA);

/** `onnx.ModelProto`, the message type to encode/decode whole `.onnx` files with. */
export const ModelProto: protobuf.Type = onnxRoot.lookupType('onnx.ModelProto');

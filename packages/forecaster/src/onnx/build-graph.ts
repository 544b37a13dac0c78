/**
 * Builders for ONNX models: generic helpers (tensors, value infos, nodes, attributes, opsets,
 * encode/decode) shared by every exporter, and the linear exporter built on them.
 */
import { ModelInvalidError } from '../errors.js';
import type {
  OnnxAttribute,
  OnnxGraph,
  OnnxModel,
  OnnxNode,
  OnnxOperatorSetId,
  OnnxTensor,
  OnnxValueInfo,
} from './onnx-proto.js';
import { AttributeType, DataType, ModelProto } from './onnx-proto.js';

/** IR version written into every model: IR 8 (ONNX 1.10–1.12) covers opset 17 and ai.onnx.ml 3. */
export const IR_VERSION = 8;
/** Version of the default ONNX operator set ('' domain) the exporters target. */
export const ONNX_OPSET = 17;
/** Domain of the classical-ML operators (TreeEnsembleRegressor, ...). */
export const ML_DOMAIN = 'ai.onnx.ml';
/** Version of the ai.onnx.ml operator set the tree exporters target. */
export const ML_OPSET = 3;
/** Default `producer_name` of exported models. */
export const PRODUCER_NAME = 'twiga-ts';

// raw_data must be little-endian; on the (rare) big-endian host the bytes are swapped explicitly.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

/** Serialises a ModelProto given as a plain object into `.onnx` bytes. */
export function encodeModel(model: OnnxModel): Uint8Array {
  let out: Uint8Array;
  try {
    out = ModelProto.encode(model).finish();
  } catch (err) {
    throw new ModelInvalidError(`cannot encode ONNX model: ${errorMessage(err)}`, err);
  }
  // protobufjs returns a Node Buffer, small ones sliced from a shared pool. Hand back a plain
  // Uint8Array over memory it owns alone, so `.buffer` is never someone else's bytes.
  return out.byteOffset === 0 && out.byteLength === out.buffer.byteLength
    ? new Uint8Array(out.buffer, 0, out.byteLength)
    : new Uint8Array(out);
}

/** Parses `.onnx` bytes into a plain ModelProto object (int64 fields as numbers, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  try {
    const message = ModelProto.decode(bytes);
    return ModelProto.toObject(message, { longs: Number }) as OnnxModel;
  } catch (err) {
    throw new ModelInvalidError(`cannot decode ONNX model: ${errorMessage(err)}`, err);
  }
}

/** A float32 TensorProto (initializer or attribute value) with its data copied into raw_data. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): OnnxTensor {
  checkTensorSize(name, dims, data.length);
  let raw: Uint8Array;
  if (LITTLE_ENDIAN) {
    // One memcpy; encoding then copies the bytes once more instead of writing floats one by one.
    raw = new Uint8Array(data.slice().buffer);
  } else {
    raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  }
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: raw };
}

/** An int64 TensorProto (e.g. a shape operand), stored in int64_data since such tensors are tiny. */
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): OnnxTensor {
  checkTensorSize(name, dims, data.length);
  for (const v of data) {
    if (!Number.isSafeInteger(v)) throw new ModelInvalidError(`tensor ${name}: ${v} is not a safe integer`);
  }
  return { name, dims: [...dims], dataType: DataType.INT64, int64Data: [...data] };
}

/** A tensor-typed ValueInfoProto; a string dim is symbolic (e.g. 'batch'), a number is fixed. */
export function tensorValueInfo(
  name: string,
  elemType: DataType,
  dims: readonly (number | string)[],
): OnnxValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** A NodeProto; leave `domain` unset for default-domain ops, set it (e.g. ML_DOMAIN) otherwise. */
export function makeNode(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  opts: { name?: string; domain?: string; attributes?: OnnxAttribute[]; docString?: string } = {},
): OnnxNode {
  const node: OnnxNode = { opType, input: [...inputs], output: [...outputs] };
  if (opts.name !== undefined) node.name = opts.name;
  if (opts.domain !== undefined) node.domain = opts.domain;
  if (opts.attributes !== undefined && opts.attributes.length > 0) node.attribute = opts.attributes;
  if (opts.docString !== undefined) node.docString = opts.docString;
  return node;
}

/** A FLOAT attribute. */
export function floatAttr(name: string, value: number): OnnxAttribute {
  return { name, type: AttributeType.FLOAT, f: value };
}

/** An INT attribute (int64 on the wire; exact for safe integers). */
export function intAttr(name: string, value: number): OnnxAttribute {
  return { name, type: AttributeType.INT, i: checkInt(name, value) };
}

/** A STRING attribute, UTF-8 encoded as onnx.proto requires (the field is `bytes`). */
export function stringAttr(name: string, value: string): OnnxAttribute {
  return { name, type: AttributeType.STRING, s: utf8.encode(value) };
}

/** A TENSOR attribute (e.g. `nodes_values_as_tensor` of ai.onnx.ml TreeEnsemble). */
export function tensorAttr(name: string, value: OnnxTensor): OnnxAttribute {
  return { name, type: AttributeType.TENSOR, t: value };
}

/** A FLOATS attribute; a Float32Array is written as is, a number[] is rounded to float32 on encode. */
export function floatsAttr(name: string, values: ArrayLike<number>): OnnxAttribute {
  return { name, type: AttributeType.FLOATS, floats: values };
}

/** An INTS attribute (e.g. tree node ids, feature ids). */
export function intsAttr(name: string, values: ArrayLike<number>): OnnxAttribute {
  for (let k = 0; k < values.length; k++) checkInt(name, values[k]!);
  return { name, type: AttributeType.INTS, ints: values };
}

/** A STRINGS attribute (e.g. `nodes_modes`: 'BRANCH_LEQ' / 'LEAF'), each UTF-8 encoded. */
export function stringsAttr(name: string, values: readonly string[]): OnnxAttribute {
  return { name, type: AttributeType.STRINGS, strings: values.map((v) => utf8.encode(v)) };
}

/** An OperatorSetIdProto: `opsetImport('', ONNX_OPSET)` or `opsetImport(ML_DOMAIN, ML_OPSET)`. */
export function opsetImport(domain: string, version: number): OnnxOperatorSetId {
  return { domain, version };
}

/** Wraps a graph into a ModelProto with Twiga's IR version, producer and the given opset imports. */
export function makeModel(opts: {
  graph: OnnxGraph;
  opsets: OnnxOperatorSetId[];
  producer?: string;
  docString?: string;
}): OnnxModel {
  if (opts.opsets.length === 0) throw new ModelInvalidError('an ONNX model needs at least one opset import');
  const model: OnnxModel = {
    irVersion: IR_VERSION,
    opsetImport: opts.opsets,
    producerName: opts.producer ?? PRODUCER_NAME,
    graph: opts.graph,
  };
  if (opts.docString !== undefined) model.docString = opts.docString;
  return model;
}

/** One output head of a linear model: `name = features @ weights + bias`. */
export interface LinearOutput {
  name: string;
  /** Row-major [nFeatures, nOutputs]. */
  weights: Float32Array;
  /** [nOutputs]. */
  bias: Float32Array;
}

/**
 * Encodes a linear model: one float32 input [batch, nFeatures] and, per LinearOutput, an output
 * [batch, nOutputs] computed as Add(MatMul(input, W), b). Returns the `.onnx` bytes.
 */
export function buildLinearModel(opts: {
  inputName?: string;
  nFeatures: number;
  outputs: LinearOutput[];
  producer?: string;
  docString?: string;
}): Uint8Array {
  const inputName = opts.inputName ?? 'features';
  const { nFeatures, outputs } = opts;
  if (!Number.isSafeInteger(nFeatures) || nFeatures <= 0) {
    throw new ModelInvalidError(`nFeatures must be a positive integer, got ${nFeatures}`);
  }
  if (outputs.length === 0) throw new ModelInvalidError('a linear model needs at least one output');

  const claim = nameClaimer([inputName]);

  const graph: OnnxGraph = {
    name: 'twiga_linear',
    node: [],
    initializer: [],
    input: [tensorValueInfo(inputName, DataType.FLOAT, ['batch', nFeatures])],
    output: [],
  };
  for (const out of outputs) claim(out.name);
  for (const out of outputs) addLinearOutput(graph, inputName, nFeatures, out, claim);

  const modelOpts: Parameters<typeof makeModel>[0] = { graph, opsets: [opsetImport('', ONNX_OPSET)] };
  if (opts.producer !== undefined) modelOpts.producer = opts.producer;
  if (opts.docString !== undefined) modelOpts.docString = opts.docString;
  return encodeModel(makeModel(modelOpts));
}

function checkTensorSize(name: string, dims: readonly number[], length: number): void {
  let size = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ModelInvalidError(`tensor ${name}: invalid dim ${d}`);
    size *= d;
  }
  if (size !== length) {
    throw new ModelInvalidError(
      `tensor ${name}: dims [${dims.join(', ')}] need ${size} values, got ${length}`,
    );
  }
}

function checkInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new ModelInvalidError(`attribute ${name}: ${value} is not a safe integer`);
  }
  return value;
}

// A NaN/Infinity weight would make ONNX Runtime silently return NaN forecasts; fail at export instead.
function checkFinite(output: string, what: string, values: Float32Array): void {
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k]!)) {
      throw new ModelInvalidError(`output ${output}: ${what}[${k}] is not finite`);
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A claimer of ONNX value names: ONNX requires every value name in a graph to be unique; internal names
 * derive from output names, so a clash is only possible with odd output names and is reported instead of
 * mis-wired.
 */
export function nameClaimer(taken: readonly string[]): (name: string) => string {
  const names = new Set<string>(taken);
  return (name) => {
    if (name === '' || names.has(name))
      throw new ModelInvalidError(`duplicate or empty ONNX value name '${name}'`);
    names.add(name);
    return name;
  };
}

/** Add one linear output `name = input · W + b` (MatMul + Add, float32) to a graph, validating its shapes. */
export function addLinearOutput(
  graph: OnnxGraph,
  inputName: string,
  nFeatures: number,
  out: LinearOutput,
  claim: (name: string) => string,
): void {
  const nOut = out.bias.length;
  if (nOut === 0 || out.weights.length !== nFeatures * nOut) {
    throw new ModelInvalidError(
      `output ${out.name}: weights has ${out.weights.length} values, expected nFeatures*nOutputs = ` +
        `${nFeatures}*${nOut} (nOutputs is bias.length, which must be > 0)`,
    );
  }
  checkFinite(out.name, 'weights', out.weights);
  checkFinite(out.name, 'bias', out.bias);
  const w = claim(`${out.name}/weights`);
  const b = claim(`${out.name}/bias`);
  const mm = claim(`${out.name}/matmul`);
  graph.initializer!.push(floatTensor(w, [nFeatures, nOut], out.weights), floatTensor(b, [nOut], out.bias));
  graph.node!.push(
    makeNode('MatMul', [inputName, w], [mm], { name: `${out.name}/MatMul` }),
    makeNode('Add', [mm, b], [out.name], { name: `${out.name}/Add` }),
  );
  graph.output!.push(tensorValueInfo(out.name, DataType.FLOAT, ['batch', nOut]));
}

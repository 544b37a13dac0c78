import { describe, expect, it } from 'vitest';
import { ModelInvalidError } from '../errors.js';
import { prng } from '../test-utils.js';
import {
  buildLinearModel,
  decodeModel,
  encodeModel,
  floatAttr,
  floatsAttr,
  floatTensor,
  intAttr,
  intsAttr,
  type LinearOutput,
  makeModel,
  makeNode,
  opsetImport,
  stringsAttr,
  tensorValueInfo,
} from './build-graph.js';
import { AttributeType, DataType } from './onnx-proto.js';
import { OnnxScorer } from './scorer.js';

function uniform(rand: () => number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * scale;
  return out;
}

// Float64 reference of X @ W + b over the float32 inputs, so the only difference left is ORT's
// float32 accumulation.
function reference(x: Float32Array, nRows: number, p: number, out: LinearOutput): Float64Array {
  const k = out.bias.length;
  const y = new Float64Array(nRows * k);
  for (let r = 0; r < nRows; r++) {
    for (let j = 0; j < k; j++) {
      let s = out.bias[j]!;
      for (let i = 0; i < p; i++) s += x[r * p + i]! * out.weights[i * k + j]!;
      y[r * k + j] = s;
    }
  }
  return y;
}

function maxScaledError(actual: Float32Array, expected: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    worst = Math.max(worst, Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e)));
  }
  return worst;
}

const P = 37;
const N_ROWS = 20;

function randomLinearModel(seed: number): { outputs: LinearOutput[]; bytes: Uint8Array } {
  const rand = prng(seed);
  const outputs: LinearOutput[] = [
    { name: 'point', weights: uniform(rand, P * 48), bias: uniform(rand, 48, 5) },
    { name: 'quantiles', weights: uniform(rand, P * 5), bias: uniform(rand, 5, 5) },
  ];
  return { outputs, bytes: buildLinearModel({ nFeatures: P, outputs, docString: 'test model' }) };
}

describe('buildLinearModel + OnnxScorer', () => {
  it('matches a float64 reference matmul through ONNX Runtime', async () => {
    const { outputs, bytes } = randomLinearModel(20240611);
    const x = uniform(prng(7), N_ROWS * P, 3);
    const scorer = await OnnxScorer.fromBytes(bytes);
    try {
      expect(scorer.inputName).toBe('features');
      expect(scorer.outputNames).toEqual(['point', 'quantiles']);
      const result = await scorer.run(x, N_ROWS, P);
      expect(Object.keys(result).sort()).toEqual(['point', 'quantiles']);
      for (const out of outputs) {
        const actual = result[out.name]!;
        expect(actual).toBeInstanceOf(Float32Array);
        expect(actual.length).toBe(N_ROWS * out.bias.length);
        expect(maxScaledError(actual, reference(x, N_ROWS, P, out))).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      await scorer.release();
    }
  });

  it('accepts a feature view at a byte offset and a batch of one row', async () => {
    const { outputs, bytes } = randomLinearModel(3);
    const backing = uniform(prng(11), 3 + P, 2);
    const x = backing.subarray(3, 3 + P);
    const scorer = await OnnxScorer.fromBytes(bytes);
    try {
      const result = await scorer.run(x, 1, P);
      const out = outputs[1]!;
      expect(maxScaledError(result[out.name]!, reference(x, 1, P, out))).toBeLessThanOrEqual(1e-5);
    } finally {
      await scorer.release();
    }
  });

  it('writes ir_version 8, opset 17 and the declared graph signature', () => {
    const { bytes } = randomLinearModel(1);
    const model = decodeModel(bytes);
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(model.producerName).toBe('twiga-ts');
    expect(model.docString).toBe('test model');
    const graph = model.graph!;
    expect(graph.input).toEqual([tensorValueInfo('features', DataType.FLOAT, ['batch', P])]);
    expect(graph.output?.map((o) => o.name)).toEqual(['point', 'quantiles']);
    expect(graph.output?.[1]?.type?.tensorType?.shape?.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 5 }]);
    expect(graph.node?.map((n) => n.opType)).toEqual(['MatMul', 'Add', 'MatMul', 'Add']);
    const w = graph.initializer?.find((t) => t.name === 'quantiles/weights');
    expect(w?.dims).toEqual([P, 5]);
    expect(w?.dataType).toBe(DataType.FLOAT);
    // raw_data is little-endian float32, bit for bit what was exported.
    const raw = w!.rawData!;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    expect(raw.byteLength).toBe(P * 5 * 4);
    const first = new Float32Array(1);
    first[0] = view.getFloat32(0, true);
    expect(first[0]).toBe(randomLinearModel(1).outputs[1]!.weights[0]);
  });

  it('round-trips attributes with proto2 presence (zero values kept, repeated scalars as declared)', () => {
    const node = makeNode('TreeEnsembleRegressor', ['features'], ['y'], {
      domain: 'ai.onnx.ml',
      attributes: [
        floatAttr('zero', 0),
        intAttr('n_targets', 0),
        floatsAttr('values', new Float32Array([0.5, -1.25])),
        intsAttr('ids', [0, 3, 7]),
        stringsAttr('modes', ['BRANCH_LEQ', 'LEAF']),
      ],
    });
    const model = decodeModel(
      encodeModel(
        makeModel({
          graph: { name: 'g', node: [node], initializer: [floatTensor('c', [2], new Float32Array([1, 2]))] },
          opsets: [opsetImport('', 17), opsetImport('ai.onnx.ml', 3)],
        }),
      ),
    );
    const attrs = model.graph?.node?.[0]?.attribute ?? [];
    expect(attrs.map((a) => a.type)).toEqual([
      AttributeType.FLOAT,
      AttributeType.INT,
      AttributeType.FLOATS,
      AttributeType.INTS,
      AttributeType.STRINGS,
    ]);
    expect(attrs[0]?.f).toBe(0);
    expect(attrs[1]?.i).toBe(0);
    expect(attrs[2]?.floats).toEqual([0.5, -1.25]);
    expect(attrs[3]?.ints).toEqual([0, 3, 7]);
    expect(attrs[4]?.strings?.map((s) => new TextDecoder().decode(s))).toEqual(['BRANCH_LEQ', 'LEAF']);
    expect(model.graph?.node?.[0]?.domain).toBe('ai.onnx.ml');
    expect(model.opsetImport).toEqual([
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ]);
  });
});

describe('ModelInvalidError', () => {
  it('is thrown with code MODEL_INVALID for bytes that are not an ONNX model', async () => {
    const garbage = new TextEncoder().encode('this is definitely not an ONNX model \u0000\u00ff');
    const err = await OnnxScorer.fromBytes(garbage).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelInvalidError);
    expect((err as ModelInvalidError).code).toBe('MODEL_INVALID');
    expect((err as ModelInvalidError).cause).toBeDefined();
  });

  it('is thrown when the feature matrix does not fit the model', async () => {
    const { bytes } = randomLinearModel(5);
    const scorer = await OnnxScorer.fromBytes(bytes);
    try {
      // Consistent length but the wrong feature count: ORT rejects it, and the error is wrapped.
      await expect(scorer.run(new Float32Array(2 * (P - 1)), 2, P - 1)).rejects.toMatchObject({
        code: 'MODEL_INVALID',
      });
      await expect(scorer.run(new Float32Array(5), 2, P)).rejects.toBeInstanceOf(ModelInvalidError);
    } finally {
      await scorer.release();
    }
    await expect(scorer.run(new Float32Array(P), 1, P)).rejects.toBeInstanceOf(ModelInvalidError);
  });

  it('is thrown when a linear model is inconsistent', () => {
    const ok = { name: 'y', weights: new Float32Array(6), bias: new Float32Array(2) };
    expect(() => buildLinearModel({ nFeatures: 4, outputs: [ok] })).toThrow(ModelInvalidError);
    expect(() => buildLinearModel({ nFeatures: 3, outputs: [ok, { ...ok }] })).toThrow(/duplicate/);
    expect(() => buildLinearModel({ nFeatures: 3, outputs: [ok], inputName: 'y' })).toThrow(/duplicate/);
    const nan = { ...ok, bias: new Float32Array([0, Number.NaN]) };
    expect(() => buildLinearModel({ nFeatures: 3, outputs: [nan] })).toThrow(/not finite/);
    expect(() => decodeModel(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(ModelInvalidError);
  });
});

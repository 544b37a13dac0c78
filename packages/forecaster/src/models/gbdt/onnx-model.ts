/**
 * A whole forecasting model as ONNX: one float32 input [batch, nFeatures] and one output per model —
 * linear heads as MatMul + Add (as `buildLinearModel` writes them) beside GBDT ensembles as a
 * TreeEnsembleRegressor — so every model of a forecaster is scored in one ONNX Runtime run.
 */
import { ModelInvalidError } from '../../errors.js';
import {
  addLinearOutput,
  encodeModel,
  type LinearOutput,
  makeModel,
  nameClaimer,
  tensorValueInfo,
} from '../../onnx/build-graph.js';
import type { OnnxGraph } from '../../onnx/onnx-proto.js';
import { DataType } from '../../onnx/onnx-proto.js';
import { castToDoubleNode, GBDT_OPSETS, gbdtNode } from './onnx-export.js';
import type { GbdtEnsemble } from './tree.js';

/** One GBDT output: `name` [batch, ensembles.length], column j predicted by ensemble j. */
export interface GbdtOutput {
  name: string;
  ensembles: readonly GbdtEnsemble[];
}

/** Options of {@link buildForecastModel}; outputs appear in the graph as listed (linear first). */
export interface ForecastModelOptions {
  /** @default 'features' */
  inputName?: string;
  nFeatures: number;
  /** @default [] */
  linear?: readonly LinearOutput[];
  /** @default [] */
  gbdt?: readonly GbdtOutput[];
  producer?: string;
  docString?: string;
}

/** Encodes linear and GBDT outputs over one float32 feature input into `.onnx` bytes. */
export function buildForecastModel(opts: ForecastModelOptions): Uint8Array {
  const inputName = opts.inputName ?? 'features';
  const { nFeatures } = opts;
  const linear = opts.linear ?? [];
  const gbdt = opts.gbdt ?? [];
  if (!Number.isSafeInteger(nFeatures) || nFeatures <= 0) {
    throw new ModelInvalidError(`nFeatures must be a positive integer, got ${nFeatures}`);
  }
  if (linear.length + gbdt.length === 0) throw new ModelInvalidError('a model needs at least one output');
  const claim = nameClaimer([inputName]);
  for (const out of [...linear, ...gbdt]) claim(out.name);
  const graph: OnnxGraph = {
    name: 'twiga_forecast',
    node: [],
    initializer: [],
    input: [tensorValueInfo(inputName, DataType.FLOAT, ['batch', nFeatures])],
    output: [],
  };
  for (const out of linear) addLinearOutput(graph, inputName, nFeatures, out, claim);
  if (gbdt.length > 0) {
    // One Cast serves every GBDT output.
    const asDouble = claim(`${inputName}/f64`);
    graph.node!.push(castToDoubleNode(inputName, asDouble));
    for (const out of gbdt) {
      for (const e of out.ensembles) {
        if (e.nFeatures !== nFeatures) {
          throw new ModelInvalidError(
            `output ${out.name}: an ensemble expects ${e.nFeatures} features, not ${nFeatures}`,
          );
        }
      }
      graph.node!.push(gbdtNode(asDouble, out.name, out.ensembles));
      graph.output!.push(tensorValueInfo(out.name, DataType.FLOAT, ['batch', out.ensembles.length]));
    }
  }
  const opsets = gbdt.length > 0 ? [...GBDT_OPSETS] : [GBDT_OPSETS[0]!];
  const modelOpts: Parameters<typeof makeModel>[0] = { graph, opsets };
  if (opts.producer !== undefined) modelOpts.producer = opts.producer;
  if (opts.docString !== undefined) modelOpts.docString = opts.docString;
  return encodeModel(makeModel(modelOpts));
}

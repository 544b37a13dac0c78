/**
 * GBDT ensembles as ONNX: all ensembles of one model become ONE ai.onnx.ml TreeEnsembleRegressor node
 * with a target per ensemble. The node runs on float64 features (a Cast of the float32 input) with
 * float64 leaf weights and base values, so ONNX Runtime sums leaves in float64 — exactly as
 * `predictGbdt` does — and only the final output is float32. Thresholds are the float32 bin bounds, so
 * `x <= threshold` decides the same in float64 as in float32.
 */
import { ModelInvalidError } from '../../errors.js';
import {
  intAttr,
  intsAttr,
  ML_DOMAIN,
  ML_OPSET,
  makeNode,
  ONNX_OPSET,
  opsetImport,
  stringAttr,
  tensorAttr,
} from '../../onnx/build-graph.js';
import type { OnnxNode, OnnxOperatorSetId, OnnxTensor } from '../../onnx/onnx-proto.js';
import { AttributeType, DataType } from '../../onnx/onnx-proto.js';
import type { GbdtEnsemble } from './tree.js';

/** Operator sets a graph with GBDT nodes must import (default domain for Cast, ai.onnx.ml for trees). */
export const GBDT_OPSETS: readonly OnnxOperatorSetId[] = Object.freeze([
  opsetImport('', ONNX_OPSET),
  opsetImport(ML_DOMAIN, ML_OPSET),
]);

const BRANCH_LEQ = new TextEncoder().encode('BRANCH_LEQ');
const LEAF = new TextEncoder().encode('LEAF');
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A Cast of a float32 value to float64, the input GBDT nodes expect. */
export function castToDoubleNode(input: string, output: string): OnnxNode {
  return makeNode('Cast', [input], [output], {
    name: `${output}/Cast`,
    attributes: [intAttr('to', DataType.DOUBLE)],
  });
}

/**
 * The TreeEnsembleRegressor computing `output` [batch, ensembles.length] (float32) from `input`, a
 * float64 [batch, nFeatures] value: column j is ensemble j's prediction.
 */
export function gbdtNode(input: string, output: string, ensembles: readonly GbdtEnsemble[]): OnnxNode {
  if (ensembles.length === 0) throw new ModelInvalidError(`gbdt output ${output} has no ensembles`);
  let nodes = 0;
  let leaves = 0;
  for (const e of ensembles) {
    // An ensemble without trees still gets one single-leaf tree of weight 0: ONNX needs a tree per target.
    if (e.trees.length === 0) leaves++;
    for (const t of e.trees) {
      nodes += t.splitFeature.length;
      leaves += t.leafValue.length;
      checkFinite(output, t.leafValue);
    }
  }
  const total = nodes + leaves;
  const treeIds = new Int32Array(total);
  const nodeIds = new Int32Array(total);
  const featureIds = new Int32Array(total);
  const values = new Float32Array(total);
  const trueIds = new Int32Array(total);
  const falseIds = new Int32Array(total);
  const missingTrue = new Int32Array(total);
  const modes: Uint8Array[] = new Array(total);
  const targetTree = new Int32Array(leaves);
  const targetNode = new Int32Array(leaves);
  const targetId = new Int32Array(leaves);
  const weights = new Float64Array(leaves);
  let at = 0;
  let leafAt = 0;
  let treeId = 0;
  ensembles.forEach((ensemble, target) => {
    if (ensemble.trees.length === 0) {
      treeIds[at] = treeId;
      modes[at++] = LEAF;
      targetTree[leafAt] = treeId++;
      targetId[leafAt++] = target;
      return;
    }
    for (const tree of ensemble.trees) {
      // Internal node i keeps id i; leaf l gets id m + l.
      const m = tree.splitFeature.length;
      const id = (child: number): number => (child >= 0 ? child : m + ~child);
      for (let i = 0; i < m; i++, at++) {
        treeIds[at] = treeId;
        nodeIds[at] = i;
        featureIds[at] = tree.splitFeature[i]!;
        values[at] = tree.threshold[i]!;
        trueIds[at] = id(tree.left[i]!);
        falseIds[at] = id(tree.right[i]!);
        missingTrue[at] = tree.defaultLeft[i]!;
        modes[at] = BRANCH_LEQ;
      }
      for (let l = 0; l < tree.leafValue.length; l++, at++, leafAt++) {
        treeIds[at] = treeId;
        nodeIds[at] = m + l;
        modes[at] = LEAF;
        targetTree[leafAt] = treeId;
        targetNode[leafAt] = m + l;
        targetId[leafAt] = target;
        weights[leafAt] = tree.leafValue[l]!;
      }
      treeId++;
    }
  });
  const baseValues = Float64Array.from(ensembles, (e) => e.baseScore);
  checkFinite(output, baseValues);
  return makeNode('TreeEnsembleRegressor', [input], [output], {
    name: `${output}/TreeEnsembleRegressor`,
    domain: ML_DOMAIN,
    attributes: [
      intsAttr('nodes_treeids', treeIds),
      intsAttr('nodes_nodeids', nodeIds),
      intsAttr('nodes_featureids', featureIds),
      { name: 'nodes_modes', type: AttributeType.STRINGS, strings: modes },
      { name: 'nodes_values', type: AttributeType.FLOATS, floats: values },
      intsAttr('nodes_truenodeids', trueIds),
      intsAttr('nodes_falsenodeids', falseIds),
      intsAttr('nodes_missing_value_tracks_true', missingTrue),
      intsAttr('target_treeids', targetTree),
      intsAttr('target_nodeids', targetNode),
      intsAttr('target_ids', targetId),
      tensorAttr('target_weights_as_tensor', doubleTensor('target_weights', weights)),
      tensorAttr('base_values_as_tensor', doubleTensor('base_values', baseValues)),
      intAttr('n_targets', ensembles.length),
      stringAttr('aggregate_function', 'SUM'),
      stringAttr('post_transform', 'NONE'),
    ],
  });
}

/** A float64 tensor with its data in little-endian raw bytes. */
export function doubleTensor(name: string, data: Float64Array): OnnxTensor {
  let raw: Uint8Array;
  if (LITTLE_ENDIAN) raw = new Uint8Array(data.slice().buffer);
  else {
    raw = new Uint8Array(data.length * 8);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i]!, true);
  }
  return { name, dims: [data.length], dataType: DataType.DOUBLE, rawData: raw };
}

// A NaN/Infinity weight would make ONNX Runtime return NaN forecasts; fail at export instead.
function checkFinite(output: string, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!))
      throw new ModelInvalidError(`gbdt output ${output}: value ${i} is not finite`);
  }
}

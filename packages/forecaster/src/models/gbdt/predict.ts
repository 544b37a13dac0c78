/**
 * The TypeScript scorer of a GBDT ensemble: the reference the ONNX graph is tested against. It adds up
 * leaf values in float64 in tree order and adds the base score last, then rounds to float32 — exactly
 * what ONNX Runtime's TreeEnsembleRegressor does on the float64 graph `onnx-export.ts` writes.
 */
import { ConfigInvalidError } from '../../errors.js';
import type { GbdtEnsemble } from './tree.js';
import { leafOf } from './tree.js';

/**
 * Scores `nRows` float32 feature rows ([nRows, nFeatures], row-major) and writes row r's prediction to
 * `out[r * outStride + outOffset]`, so several ensembles can fill one [nRows, k] matrix.
 */
export function predictGbdt(
  ensemble: GbdtEnsemble,
  features: Float32Array,
  nRows: number,
  nFeatures: number,
  out: Float64Array,
  outStride = 1,
  outOffset = 0,
): void {
  if (nFeatures !== ensemble.nFeatures || features.length !== nRows * nFeatures) {
    throw new ConfigInvalidError(
      `expected ${nRows}×${ensemble.nFeatures} features, got ${features.length} values for ${nFeatures} per row`,
    );
  }
  if (nRows > 0 && (nRows - 1) * outStride + outOffset >= out.length) {
    throw new ConfigInvalidError(`output of ${out.length} values is too short for ${nRows} rows`);
  }
  const { trees, baseScore } = ensemble;
  for (let r = 0; r < nRows; r++) {
    const offset = r * nFeatures;
    let sum = 0;
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t]!;
      sum += tree.leafValue[leafOf(tree, features, offset)]!;
    }
    out[r * outStride + outOffset] = Math.fround(sum + baseScore);
  }
}

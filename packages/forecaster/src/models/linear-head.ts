/**
 * A fitted linear map from a feature row to all outputs `[h][target]` in scaled units:
 * `out = x · W + b`, W row-major `[nFeatures, nOutputs]`. Both built-in models are linear heads,
 * which is why one ONNX MatMul + Add graph serves either.
 */
export interface LinearHead {
  readonly nFeatures: number;
  readonly nOutputs: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/** Score rows with a linear head in TypeScript (float64): the reference the ONNX graph is tested against. */
export function scoreLinearHead(
  head: LinearHead,
  features: ArrayLike<number>,
  nRows: number,
  out: Float64Array,
): void {
  const { nFeatures: p, nOutputs: k, weights, bias } = head;
  for (let r = 0; r < nRows; r++) {
    const o = r * k;
    for (let j = 0; j < k; j++) out[o + j] = bias[j]!;
    for (let f = 0; f < p; f++) {
      const x = features[r * p + f]!;
      if (x === 0) continue;
      const w = f * k;
      for (let j = 0; j < k; j++) out[o + j]! += x * weights[w + j]!;
    }
  }
}

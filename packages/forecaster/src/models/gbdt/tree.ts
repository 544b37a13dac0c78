/**
 * Fitted trees in flat typed arrays, the form both the TypeScript scorer and the ONNX exporter read.
 * Internal node i tests `x[splitFeature[i]] <= threshold[i]` (float32 compare, as ONNX Runtime's
 * BRANCH_LEQ); a child index c ≥ 0 is another internal node, c < 0 is leaf ~c.
 */

/** One regression tree; a tree without internal nodes is a single leaf, leaf 0. */
export interface GbdtTree {
  /** [nodes] feature tested by each internal node. */
  readonly splitFeature: Int32Array;
  /** [nodes] go left iff x <= threshold. */
  readonly threshold: Float32Array;
  /** [nodes] 1 when a missing (NaN) value goes left. */
  readonly defaultLeft: Uint8Array;
  /** [nodes] left child: node index, or ~leaf. */
  readonly left: Int32Array;
  /** [nodes] right child: node index, or ~leaf. */
  readonly right: Int32Array;
  /** [leaves] value added to the prediction, learning rate already applied. */
  readonly leafValue: Float64Array;
}

/** The trees of one target: prediction = baseScore + Σ tree leaf values. */
export interface GbdtEnsemble {
  readonly trees: readonly GbdtTree[];
  readonly baseScore: number;
  /** Boosting rounds kept (= trees.length); fewer than nEstimators when early stopping cut the rest. */
  readonly bestIteration: number;
  readonly nFeatures: number;
}

/** The leaf a float32 feature row (starting at `features[offset]`) falls into. */
export function leafOf(tree: GbdtTree, features: Float32Array, offset: number): number {
  const { splitFeature, threshold, defaultLeft, left, right } = tree;
  if (splitFeature.length === 0) return 0;
  let node = 0;
  while (node >= 0) {
    const x = features[offset + splitFeature[node]!]!;
    const goLeft = !Number.isNaN(x) ? x <= threshold[node]! : defaultLeft[node] === 1;
    node = goLeft ? left[node]! : right[node]!;
  }
  return ~node;
}

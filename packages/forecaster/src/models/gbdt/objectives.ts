/**
 * Loss functions as LightGBM defines them (`regression_objective.hpp`): gradients w.r.t. the prediction
 * (every hessian is 1), the constant to start boosting from, whether leaves are refit to a quantile of
 * their residuals, and the loss used for early stopping.
 */
import type { GbdtObjective } from './params.js';
import { quantileInPlace } from './quantile.js';

/** What the booster needs to know about a loss. */
export interface Objective {
  readonly name: GbdtObjective;
  /** Writes grad[i] = ∂loss/∂score at score[i] for i < n (hessians are 1). */
  gradients(y: Float64Array, score: Float64Array, n: number, grad: Float64Array): void;
  /** The best constant prediction; `scratch` (≥ n values) may be overwritten. */
  baseScore(y: Float64Array, n: number, scratch: Float64Array): number;
  /**
   * When set, a new tree's leaf values are replaced by this quantile of the residuals y − score of the
   * leaf's rows (LightGBM's `RenewTreeOutput`): the gradient step only chose the splits.
   */
  readonly refitQuantile: number | undefined;
  /** Mean loss over rows i < n (the early-stopping metric). */
  loss(y: Float64Array, score: Float64Array, n: number): number;
}

/** The objective of the given params. */
export function objectiveFor(params: {
  objective: GbdtObjective;
  alpha: number;
  huberDelta: number;
}): Objective {
  switch (params.objective) {
    case 'l2':
      return L2;
    case 'l1':
      return L1;
    case 'huber':
      return huber(params.huberDelta);
    case 'quantile':
      return quantile(params.alpha);
  }
}

function median(y: Float64Array, n: number, scratch: Float64Array): number {
  scratch.set(y.subarray(0, n));
  return quantileInPlace(scratch, 0, n, 0.5);
}

const L2: Objective = {
  name: 'l2',
  refitQuantile: undefined,
  gradients(y, score, n, grad) {
    for (let i = 0; i < n; i++) grad[i] = score[i]! - y[i]!;
  },
  baseScore(y, n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i]!;
    return n > 0 ? s / n : 0;
  },
  loss(y, score, n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (score[i]! - y[i]!) ** 2;
    return s / n;
  },
};

const L1: Objective = {
  name: 'l1',
  refitQuantile: 0.5,
  gradients(y, score, n, grad) {
    for (let i = 0; i < n; i++) grad[i] = Math.sign(score[i]! - y[i]!);
  },
  baseScore: median,
  loss(y, score, n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(score[i]! - y[i]!);
    return s / n;
  },
};

function huber(delta: number): Objective {
  return {
    name: 'huber',
    refitQuantile: undefined,
    gradients(y, score, n, grad) {
      for (let i = 0; i < n; i++) {
        const d = score[i]! - y[i]!;
        grad[i] = Math.min(delta, Math.max(-delta, d));
      }
    },
    // The median, not the mean: the loss is robust, so its starting point should be too.
    baseScore: median,
    loss(y, score, n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(score[i]! - y[i]!);
        s += a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
      }
      return s / n;
    },
  };
}

function quantile(alpha: number): Objective {
  return {
    name: 'quantile',
    refitQuantile: alpha,
    gradients(y, score, n, grad) {
      // Pinball loss: over-prediction costs (1 − α) per unit, under-prediction α.
      for (let i = 0; i < n; i++) grad[i] = score[i]! >= y[i]! ? 1 - alpha : -alpha;
    },
    baseScore(y, n, scratch) {
      scratch.set(y.subarray(0, n));
      return quantileInPlace(scratch, 0, n, alpha);
    },
    loss(y, score, n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const d = y[i]! - score[i]!;
        s += d >= 0 ? alpha * d : (alpha - 1) * d;
      }
      return s / n;
    },
  };
}

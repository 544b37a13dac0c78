import { binnedShares } from './stats/binning.js';
import { alignCategoricalCounts, type CategoricalSample } from './stats/categorical.js';
import { chiSquareTest } from './stats/chi-square.js';
import { jensenShannonDistance } from './stats/jensen-shannon.js';
import { ks2Samp } from './stats/ks.js';
import { populationStabilityIndex } from './stats/psi.js';
import { alignNumericCounts, type NumericSample } from './stats/sample.js';
import { wassersteinNormed } from './stats/wasserstein.js';
import { zTest } from './stats/z-test.js';

/** Drift tests by Evidently's names. */
export const DRIFT_METHODS = ['ks', 'wasserstein', 'chisquare', 'z', 'jensenshannon', 'psi'] as const;
/** One drift test name. */
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** How a column's values are compared: as numbers (ECDFs, distances) or as categories (counts). */
export type ColumnKind = 'numeric' | 'categorical';

/** What a drift test needs of one column: both samples, and the reference's population std for numbers. */
export type ColumnPair =
  | { kind: 'numeric'; reference: NumericSample; referenceStd: number; current: NumericSample }
  | { kind: 'categorical'; reference: CategoricalSample; current: CategoricalSample };

/** How each test reads: its score, default threshold, and which side of the threshold is drift. */
export interface MethodSpec {
  /** Evidently's display name. */
  readonly label: string;
  /** Column kinds it may be asked for by name (the default choice also runs chi-square and Z on few-valued numbers). */
  readonly kinds: readonly ColumnKind[];
  /** Evidently's default threshold. */
  readonly threshold: number;
  /** `p_value`: drift when the p-value is below the threshold; `distance`: when the score reaches it. */
  readonly score: 'p_value' | 'distance';
  /** Drift verdict for a score and threshold, exactly as Evidently compares them. */
  readonly drifted: (score: number, threshold: number) => boolean;
}

/** Every drift test with Evidently 0.7's thresholds and comparisons. */
export const METHOD_SPECS: Readonly<Record<DriftMethod, MethodSpec>> = Object.freeze({
  ks: {
    label: 'K-S p_value',
    kinds: ['numeric'],
    threshold: 0.05,
    score: 'p_value',
    drifted: (s, t) => s <= t,
  },
  wasserstein: {
    label: 'Wasserstein distance (normed)',
    kinds: ['numeric'],
    threshold: 0.1,
    score: 'distance',
    drifted: (s, t) => s >= t,
  },
  chisquare: {
    label: 'chi-square p_value',
    kinds: ['categorical'],
    threshold: 0.05,
    score: 'p_value',
    drifted: (s, t) => s < t,
  },
  z: {
    label: 'Z-test p_value',
    kinds: ['categorical'],
    threshold: 0.05,
    score: 'p_value',
    drifted: (s, t) => s < t,
  },
  jensenshannon: {
    label: 'Jensen-Shannon distance',
    kinds: ['numeric', 'categorical'],
    threshold: 0.1,
    score: 'distance',
    drifted: (s, t) => s >= t,
  },
  psi: {
    label: 'PSI',
    kinds: ['numeric', 'categorical'],
    threshold: 0.1,
    score: 'distance',
    drifted: (s, t) => s >= t,
  },
});

/** Value counts of both samples over the union of their values. */
function alignedCounts(pair: ColumnPair): { reference: Float64Array; current: Float64Array } {
  const aligned =
    pair.kind === 'numeric'
      ? alignNumericCounts(pair.reference, pair.current)
      : alignCategoricalCounts(pair.reference, pair.current);
  return { reference: aligned.a, current: aligned.b };
}

/** Run one test on a column; the score is a p-value or a distance as {@link MethodSpec.score} says. */
export function runMethod(method: DriftMethod, pair: ColumnPair): number {
  switch (method) {
    case 'ks':
      if (pair.kind !== 'numeric') throw new TypeError('ks needs a numeric column');
      return ks2Samp(pair.reference, pair.current).pvalue;
    case 'wasserstein':
      if (pair.kind !== 'numeric') throw new TypeError('wasserstein needs a numeric column');
      return wassersteinNormed(pair.reference, pair.current, pair.referenceStd);
    case 'chisquare': {
      const { reference, current } = alignedCounts(pair);
      return chiSquareTest(reference, current).pvalue;
    }
    case 'z': {
      const { reference, current } = alignedCounts(pair);
      return zTest(reference, current).pvalue;
    }
    case 'jensenshannon': {
      const shares = binnedShares(pair.reference, pair.current);
      return jensenShannonDistance(shares.reference, shares.current);
    }
    case 'psi': {
      const shares = binnedShares(pair.reference, pair.current);
      return populationStabilityIndex(shares.reference, shares.current);
    }
  }
}

import type { ColumnKind, DriftMethod } from './methods.js';

/** Evidently switches from tests to distances above this many (non-missing) reference rows. */
export const SMALL_REFERENCE_MAX_ROWS = 1000;
/** A numeric column with at most this many distinct values (reference and current together) is counted, not ranked. */
export const FEW_VALUES_MAX = 5;

/**
 * The test Evidently 0.7 picks for a column (`_get_default_stattest`), from its kind, the number of
 * non-missing reference rows `n` and the number of distinct values `u` of reference and current together:
 *
 * | rows      | numeric, u > 5 | numeric, u ≤ 5, and categorical |
 * | --------- | -------------- | ------------------------------- |
 * | n ≤ 1000  | `ks`           | `chisquare` if u > 2, else `z`  |
 * | n > 1000  | `wasserstein`  | `jensenshannon`                 |
 */
export function defaultMethod(kind: ColumnKind, n: number, u: number): DriftMethod {
  const counted = kind === 'categorical' || u <= FEW_VALUES_MAX;
  if (n <= SMALL_REFERENCE_MAX_ROWS) {
    if (!counted) return 'ks';
    return u > 2 ? 'chisquare' : 'z';
  }
  return counted ? 'jensenshannon' : 'wasserstein';
}

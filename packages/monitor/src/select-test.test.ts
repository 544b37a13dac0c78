import { describe, expect, it } from 'vitest';
import { defaultMethod } from './select-test.js';

describe('defaultMethod picks the test Evidently 0.7 picks', () => {
  it.each([
    ['numeric', 1000, 6, 'ks'],
    ['numeric', 1000, 5, 'chisquare'],
    ['numeric', 1000, 3, 'chisquare'],
    ['numeric', 1000, 2, 'z'],
    ['numeric', 1000, 1, 'z'],
    ['numeric', 1001, 6, 'wasserstein'],
    ['numeric', 1001, 5, 'jensenshannon'],
    ['numeric', 1001, 2, 'jensenshannon'],
    ['categorical', 1000, 40, 'chisquare'],
    ['categorical', 1000, 3, 'chisquare'],
    ['categorical', 1000, 2, 'z'],
    ['categorical', 1001, 2, 'jensenshannon'],
    ['categorical', 5000, 40, 'jensenshannon'],
  ] as const)('%s column, n = %i reference rows, u = %i distinct → %s', (kind, n, u, method) => {
    expect(defaultMethod(kind, n, u)).toBe(method);
  });
});

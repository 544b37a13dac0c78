import { describe, expect, it } from 'vitest';
import { prng } from '../../forecaster/src/test-utils.js';
import { isInputRecord, MAX_CELL_LENGTH, RecordSchema, RecordsSchema } from './records.js';

// Deterministic values of every JSON kind, including the edges the check must agree with zod on.
const CELLS: unknown[] = [
  0,
  -1.5,
  1e308,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  '',
  'x'.repeat(MAX_CELL_LENGTH),
  'x'.repeat(MAX_CELL_LENGTH + 1),
  true,
  false,
  null,
  undefined,
  [],
  [1],
  {},
  { a: 1 },
];
const KEYS = ['ts', 'y', '', 'k'.repeat(MAX_CELL_LENGTH), 'k'.repeat(MAX_CELL_LENGTH + 1), '__proto_'];

describe('records: the fast check agrees with the documented zod schema', () => {
  it('on 5000 random records and non-records', () => {
    const rand = prng(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    for (let i = 0; i < 5000; i++) {
      let value: unknown;
      if (rand() < 0.05) value = pick([null, 1, 'row', [], [{ a: 1 }]]);
      else {
        const row: Record<string, unknown> = {};
        const n = Math.floor(rand() * 4);
        for (let j = 0; j < n; j++) row[pick(KEYS)] = rand() < 0.7 ? pick(CELLS.slice(0, 11)) : pick(CELLS);
        value = row;
      }
      expect(isInputRecord(value), JSON.stringify(value)?.slice(0, 80)).toBe(
        RecordSchema.safeParse(value).success,
      );
    }
  });

  it('names the row and column at fault, and refuses an empty list', () => {
    const bad = RecordsSchema.safeParse([
      { ts: '2024-01-01', y: 1 },
      { ts: '2024-01-02', y: { v: 1 } },
    ]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: [1, 'y'] });
    expect(RecordsSchema.safeParse([]).success).toBe(false);
    expect(RecordsSchema.safeParse([[1, 2]]).error?.issues[0]?.path).toEqual([0]);
  });
});

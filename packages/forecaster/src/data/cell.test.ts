import { describe, expect, it } from 'vitest';
import { parseNumericCell, parseTimestampCell } from './cell.js';

describe('parseTimestampCell', () => {
  const SIX_UTC = Date.UTC(2024, 0, 1, 6, 0, 0);

  it('reads ISO 8601 with T or a space between date and time', () => {
    expect(parseTimestampCell('2024-01-01T06:00:00Z')).toBe(SIX_UTC);
    expect(parseTimestampCell('2024-01-01 06:00:00Z')).toBe(SIX_UTC);
    expect(parseTimestampCell('2024-01-01T06:00Z')).toBe(SIX_UTC);
    expect(parseTimestampCell('2024-01-01 06:00')).toBe(SIX_UTC);
  });

  it('honours an offset written +HH:MM, +HHMM or -HHMM', () => {
    // 06:00 at +11:00 is 19:00 UTC the day before.
    const plus11 = Date.UTC(2023, 11, 31, 19, 0, 0);
    expect(parseTimestampCell('2024-01-01T06:00:00+11:00')).toBe(plus11);
    expect(parseTimestampCell('2024-01-01T06:00:00+1100')).toBe(plus11);
    expect(parseTimestampCell('2024-01-01 06:00+11:00')).toBe(plus11);
    // 06:00 at −05:30 is 11:30 UTC.
    expect(parseTimestampCell('2024-01-01T06:00:00-0530')).toBe(Date.UTC(2024, 0, 1, 11, 30));
    expect(parseTimestampCell('2024-01-01T06:00:00-05:30')).toBe(Date.UTC(2024, 0, 1, 11, 30));
  });

  it('reads Z as UTC and a naive time as UTC (never the machine time zone)', () => {
    expect(parseTimestampCell('2024-07-01T06:00:00Z')).toBe(Date.UTC(2024, 6, 1, 6));
    expect(parseTimestampCell('2024-07-01T06:00:00')).toBe(Date.UTC(2024, 6, 1, 6));
    expect(parseTimestampCell('2024-07-01 06:00:00')).toBe(Date.UTC(2024, 6, 1, 6));
  });

  it('keeps fractional seconds', () => {
    expect(parseTimestampCell('2024-01-01T06:00:00.250Z')).toBe(SIX_UTC + 250);
    expect(parseTimestampCell('2024-01-01T06:00:00.5+1100')).toBe(Date.UTC(2023, 11, 31, 19) + 500);
  });

  it('reads a date alone as midnight UTC', () => {
    expect(parseTimestampCell('2024-01-01')).toBe(Date.UTC(2024, 0, 1));
    expect(parseTimestampCell('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it('trims surrounding whitespace', () => {
    expect(parseTimestampCell('  2024-01-01T06:00:00Z \t')).toBe(SIX_UTC);
  });

  it('passes numbers (epoch ms) and Dates through, rejecting non-finite ones', () => {
    expect(parseTimestampCell(SIX_UTC)).toBe(SIX_UTC);
    expect(parseTimestampCell(new Date(SIX_UTC))).toBe(SIX_UTC);
    expect(parseTimestampCell(Number.NaN)).toBeUndefined();
    expect(parseTimestampCell(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(parseTimestampCell(new Date('nope'))).toBeUndefined();
  });

  it.each([
    'abc',
    '',
    '   ',
    '2024/01/01',
    '01-01-2024',
    '2024-1-1',
    '2024-01-01T6:00',
    '2024-01-01T06:00:00+11',
    '2024-13-01',
    '2024-01-01T06:61',
    '2024-01-01T06:00:00 PST',
    'yesterday',
  ])('returns undefined for garbage text %j', (text) => {
    expect(parseTimestampCell(text)).toBeUndefined();
  });

  it.each([null, undefined, true, {}, []])(
    'returns undefined for a non-string, non-number cell %j',
    (cell) => {
      expect(parseTimestampCell(cell)).toBeUndefined();
    },
  );

  // BUG (fails now): Date.parse rolls impossible calendar dates over (2024-02-30 → 2024-03-01), so a typo
  // in a CSV silently becomes another, valid timestamp instead of DATA_INVALID.
  it.each(['2024-02-30', '2023-02-29', '2024-04-31T00:00:00Z'])(
    'returns undefined for the impossible date %j',
    (text) => {
      expect(parseTimestampCell(text)).toBeUndefined();
    },
  );
});

describe('parseNumericCell', () => {
  it.each(['', '   ', 'NA', 'NaN', 'nan', 'null'])('reads the empty/missing marker %j as NaN', (text) => {
    expect(parseNumericCell(text)).toBeNaN();
  });

  it('reads null and undefined (a missing JSON field) as NaN', () => {
    expect(parseNumericCell(null)).toBeNaN();
    expect(parseNumericCell(undefined)).toBeNaN();
  });

  it('reads boolean words case-insensitively and booleans as 1/0', () => {
    expect(parseNumericCell('True')).toBe(1);
    expect(parseNumericCell('true')).toBe(1);
    expect(parseNumericCell('TRUE')).toBe(1);
    expect(parseNumericCell('False')).toBe(0);
    expect(parseNumericCell(' false ')).toBe(0);
    expect(parseNumericCell(true)).toBe(1);
    expect(parseNumericCell(false)).toBe(0);
  });

  it('reads decimal numbers, signs, exponents and surrounding blanks', () => {
    expect(parseNumericCell('42')).toBe(42);
    expect(parseNumericCell('-3.5')).toBe(-3.5);
    expect(parseNumericCell(' 7 ')).toBe(7);
    expect(parseNumericCell('1e-3')).toBe(0.001);
    expect(parseNumericCell('+2.25')).toBe(2.25);
    expect(parseNumericCell('0')).toBe(0);
  });

  it('passes JSON numbers through', () => {
    expect(parseNumericCell(2.5)).toBe(2.5);
    expect(parseNumericCell(-0.125)).toBe(-0.125);
  });

  it.each(['abc', '1,5', '12abc', 'Infinity', '-Infinity', '--1', '1.2.3'])(
    'returns undefined for non-numbers %j',
    (text) => {
      expect(parseNumericCell(text)).toBeUndefined();
    },
  );

  it.each([{}, [], Symbol.for('x')])('returns undefined for a non-scalar cell', (cell) => {
    expect(parseNumericCell(cell)).toBeUndefined();
  });
});

describe('parseTimestampCell: the canonical ISO fast path', () => {
  // The general path, forced by a leading space (trimmed there, refused by the fast path).
  const general = (s: string) => parseTimestampCell(` ${s}`);
  it('agrees with the general path on valid, impossible and malformed canonical strings', () => {
    const cases: string[] = [];
    for (const y of ['2024', '2023', '1900', '2000', '2100', '0099', '9999'])
      for (const m of ['01', '02', '12', '13', '00'])
        for (const d of ['01', '28', '29', '30', '31', '32', '00'])
          for (const t of ['00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60'])
            for (const f of ['', '.000', '.5', '.999', '.12a']) cases.push(`${y}-${m}-${d}T${t}${f}Z`);
    cases.push(
      '2024-01-01T00:00:00+00:00',
      '2024-01-01 00:00:00Z',
      '2024-01-01T00:00:00z',
      '2024-1-01T00:00:00Z',
    );
    for (const c of cases) expect(parseTimestampCell(c), c).toBe(general(c));
    expect(parseTimestampCell('2024-02-29T12:34:56.789Z')).toBe(Date.UTC(2024, 1, 29, 12, 34, 56, 789));
    expect(parseTimestampCell('2023-02-29T00:00:00Z')).toBeUndefined();
  });
});

describe('parseNumericCell: missing words', () => {
  it('reads every missing word (pandas writes None) as NaN', () => {
    for (const w of ['', 'NA', 'NaN', 'nan', 'null', 'None', '  None '])
      expect(parseNumericCell(w), JSON.stringify(w)).toBeNaN();
  });
});

import { describe, expect, it } from 'vitest';
import { MonitorColumnTypeError } from './errors.js';
import { tableFromRecords } from './table.js';

describe('tableFromRecords', () => {
  it('reads numbers and numeric strings as numbers, missing markers as NaN', () => {
    const t = tableFromRecords([{ a: 1.5, b: '2' }, { a: null, b: 'NA' }, { a: -4, b: ' 3e1 ' }, { a: 0 }]);
    expect(Array.from(t.numeric.a!)).toEqual([1.5, Number.NaN, -4, 0]);
    expect(Array.from(t.numeric.b!)).toEqual([2, Number.NaN, 30, Number.NaN]);
    expect(t.length).toBe(4);
  });

  it('reads booleans as 1/0 in a numeric column (as frames do), as categories in an untyped one (as Evidently)', () => {
    const records = [{ h: true }, { h: false }, { h: null }];
    expect(Array.from(tableFromRecords(records, { kinds: { h: 'numeric' } }).numeric.h!)).toEqual([
      1,
      0,
      Number.NaN,
    ]);
    expect(tableFromRecords(records).categorical.h).toEqual(['true', 'false', null]);
  });

  it('turns an untyped column categorical at its first text cell, keeping the earlier cells as text', () => {
    const t = tableFromRecords([{ c: '10' }, { c: null }, { c: 'red' }, { c: 7 }]);
    expect(t.numeric.c).toBeUndefined();
    expect(t.categorical.c).toEqual(['10', null, 'red', '7']);
  });

  it('names the column and row of text in a column declared numeric', () => {
    const read = () => tableFromRecords([{ x: 1 }, { x: 'oops' }], { kinds: { x: 'numeric' } });
    expect(read).toThrow(MonitorColumnTypeError);
    try {
      read();
    } catch (err) {
      expect((err as MonitorColumnTypeError).toJSON().details).toMatchObject({
        column: 'x',
        row: 2,
        value: 'oops',
      });
    }
  });

  it('leaves out a requested column that no record carries', () => {
    const t = tableFromRecords([{ a: 1 }], { columns: ['a', 'b'] });
    expect(Object.keys(t.numeric)).toEqual(['a']);
  });
});

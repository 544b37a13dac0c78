import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataInvalidError } from '../errors.js';
import { HOUR_MS, rejected, T0, tempDir, thrown } from '../test-utils.js';
import type { ColumnSpec } from './frame-builder.js';
import { fromRecords, readCsv } from './read-csv.js';

const SPEC: ColumnSpec = { dateColumn: 'ts', numericColumns: ['y', 'x'] };

let dir: string;
let fileNo = 0;

beforeAll(async () => {
  dir = await tempDir('twiga-read-csv-');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Write `text` to a fresh CSV file in the temp dir and return its path. */
async function csv(text: string): Promise<string> {
  const path = join(dir, `f${++fileNo}.csv`);
  await writeFile(path, text, 'utf8');
  return path;
}

/** Reject after `ms` so a read that never settles fails quickly instead of at the test timeout. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function expectDataInvalid(
  promise: Promise<unknown>,
  details: Record<string, unknown>,
): Promise<DataInvalidError> {
  const err = await rejected(promise);
  expect(err).toBeInstanceOf(DataInvalidError);
  expect((err as DataInvalidError).code).toBe('DATA_INVALID');
  expect((err as DataInvalidError).details).toEqual(details);
  return err as DataInvalidError;
}

describe('readCsv', () => {
  it('reads only the wanted columns, in any order, with extra columns ignored', async () => {
    const path = await csv(
      'x,note,ts,y\n3,hello,2024-01-01T00:00:00Z,1.5\n4,world,2024-01-01T01:00:00Z,2.5\n',
    );
    const frame = await readCsv(path, SPEC);
    expect(frame.length).toBe(2);
    expect(Array.from(frame.timestamps)).toEqual([T0, T0 + HOUR_MS]);
    expect(Array.from(frame.columns.y!)).toEqual([1.5, 2.5]);
    expect(Array.from(frame.columns.x!)).toEqual([3, 4]);
    expect(Object.keys(frame.columns).sort()).toEqual(['x', 'y']);
    expect(Array.from(frame.sourceRows!)).toEqual([1, 2]);
    expect(frame.seriesCodes).toBeUndefined();
  });

  it('handles quoted fields: commas, escaped quotes, newlines and quoted numbers', async () => {
    const path = await csv(
      [
        'ts,"y",note,x',
        '"2024-01-01 00:00:00","1.5","a, b",3',
        '2024-01-01 01:00:00,2,"say ""hi""",4',
        '2024-01-01 02:00:00,3,"two',
        'lines",5',
        '',
      ].join('\n'),
    );
    const frame = await readCsv(path, SPEC);
    expect(frame.length).toBe(3);
    expect(Array.from(frame.timestamps)).toEqual([T0, T0 + HOUR_MS, T0 + 2 * HOUR_MS]);
    expect(Array.from(frame.columns.y!)).toEqual([1.5, 2, 3]);
    expect(Array.from(frame.columns.x!)).toEqual([3, 4, 5]);
  });

  it('handles CRLF line endings and a UTF-8 BOM before the header', async () => {
    const path = await csv('\uFEFFts,y,x\r\n2024-01-01T00:00:00Z,1,10\r\n2024-01-01T01:00:00Z,2,20\r\n');
    const frame = await readCsv(path, SPEC);
    expect(frame.length).toBe(2);
    expect(Array.from(frame.timestamps)).toEqual([T0, T0 + HOUR_MS]);
    expect(Array.from(frame.columns.y!)).toEqual([1, 2]);
    expect(Array.from(frame.columns.x!)).toEqual([10, 20]);
  });

  it('trims header names and skips empty lines', async () => {
    const path = await csv('ts , y ,x\n\n2024-01-01T00:00:00Z,1,10\n\n2024-01-01T01:00:00Z,2,20\n\n');
    const frame = await readCsv(path, SPEC);
    expect(Array.from(frame.columns.y!)).toEqual([1, 2]);
  });

  it('reads empty cells as NaN and records the first non-numeric cell per column', async () => {
    const path = await csv(
      'ts,y,x\n2024-01-01T00:00:00Z,,1\n2024-01-01T01:00:00Z,abc,2\n2024-01-01T02:00:00Z,xyz,3\n',
    );
    const frame = await readCsv(path, SPEC);
    expect(frame.columns.y![0]).toBeNaN();
    expect(frame.columns.y![1]).toBeNaN();
    expect(frame.invalidCells).toEqual({ y: { row: 2, value: 'abc' } });
  });

  it('reads a series id column into dictionary codes', async () => {
    const path = await csv(
      'ts,site,y,x\n2024-01-01T00:00:00Z,b,1,1\n2024-01-01T00:00:00Z,a,2,2\n2024-01-01T01:00:00Z,b,3,3\n',
    );
    const frame = await readCsv(path, { ...SPEC, seriesId: 'site' });
    expect(frame.seriesNames).toEqual(['b', 'a']);
    expect(Array.from(frame.seriesCodes!)).toEqual([0, 1, 0]);
  });

  it('a missing column is DATA_INVALID naming the column', async () => {
    const path = await csv('ts,y\n2024-01-01T00:00:00Z,1\n');
    await expectDataInvalid(readCsv(path, SPEC), { column: 'x' });
    await expectDataInvalid(readCsv(path, { ...SPEC, numericColumns: ['y'], seriesId: 'site' }), {
      column: 'site',
    });
    await expectDataInvalid(readCsv(path, { ...SPEC, dateColumn: 'time', numericColumns: ['y'] }), {
      column: 'time',
    });
  });

  it('an unparsable timestamp is DATA_INVALID naming the data row and the date column', async () => {
    const path = await csv('ts,y,x\n2024-01-01T00:00:00Z,1,1\nnot a date,2,2\n');
    await expectDataInvalid(readCsv(path, SPEC), { row: 2, column: 'ts' });
  });

  it('a row with the wrong number of fields is DATA_INVALID naming its data row', async () => {
    const path = await csv(
      'ts,y,x\n2024-01-01T00:00:00Z,1,1\n2024-01-01T01:00:00Z,2,2\n2024-01-01T02:00:00Z,3\n',
    );
    await expectDataInvalid(readCsv(path, SPEC), { row: 3 });
  });

  it('an empty file is DATA_INVALID', async () => {
    const path = await csv('');
    await expectDataInvalid(readCsv(path, SPEC), {});
  });

  // BUG (fails now): read-csv.ts pipes createReadStream into the parser with `.pipe()`, which does not
  // forward the read stream's ENOENT error: it is thrown as an uncaught 'error' event and the returned
  // promise never settles.
  it('a file that does not exist is DATA_INVALID', async () => {
    const err = await expectDataInvalid(within(readCsv(join(dir, 'no-such-file.csv'), SPEC), 2_000), {});
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});

describe('fromRecords', () => {
  it('builds the same frame as readCsv from JSON records', () => {
    const frame = fromRecords(
      [
        { ts: '2024-01-01T00:00:00Z', y: 1, x: '10' },
        { ts: '2024-01-01T01:00:00Z', y: 'True', x: 20, ignored: 'z' },
      ],
      SPEC,
    );
    expect(Array.from(frame.timestamps)).toEqual([T0, T0 + HOUR_MS]);
    expect(Array.from(frame.columns.y!)).toEqual([1, 1]);
    expect(Array.from(frame.columns.x!)).toEqual([10, 20]);
  });

  it('a record without a required field is DATA_INVALID naming its row and the field', () => {
    const err = thrown(() =>
      fromRecords(
        [
          { ts: '2024-01-01T00:00:00Z', y: 1, x: 1 },
          { ts: '2024-01-01T01:00:00Z', y: 2 },
        ],
        SPEC,
      ),
    );
    expect(err).toBeInstanceOf(DataInvalidError);
    expect((err as DataInvalidError).details).toEqual({ row: 2, column: 'x' });
  });

  it('optional columns may be left out (read as NaN)', () => {
    const frame = fromRecords([{ ts: '2024-01-01T00:00:00Z', x: 1 }], { ...SPEC, optionalColumns: ['y'] });
    expect(frame.columns.y![0]).toBeNaN();
  });
});

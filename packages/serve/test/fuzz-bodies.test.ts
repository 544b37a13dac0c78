import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type TwigaApp } from '../src/index.js';
import { predictBody, saveFullCheckpoint, syntheticRecords, tempSettings } from './fixtures.js';

/**
 * Hostile bodies through the real app (`app.inject`): malformed JSON, numbers JSON.parse turns into
 * ±Infinity, NaN/Infinity strings, 100k records, 10k levels of nesting, empty bodies and wrong types
 * everywhere. None may answer 5xx, and every 4xx must carry `error.code`.
 */

const KEY = 'fuzz-bodies-key';

const POST_ROUTES = ['/predict', '/predict-interval', '/monitor/drift', '/monitor/performance'] as const;

/** `[[[...0...]]]`, `depth` arrays deep, as JSON text. */
const nested = (depth: number, inner = '0') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
/** `{"a":{"a":...}}`, `depth` objects deep, as JSON text. */
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;

/** A valid /predict body (24 h history + 6 future rows) as JSON text, with `edit` applied to its records. */
function recordsText(edit: (records: Record<string, unknown>[]) => void = () => {}): string {
  const body = predictBody() as { records: Record<string, unknown>[] };
  edit(body.records);
  return JSON.stringify(body);
}

/** The valid body with `column` of each record set to `value(i)`; `rows` picks the records (all by default). */
function withColumn(
  column: string,
  value: (i: number) => unknown,
  rows: (i: number) => boolean = () => true,
): string {
  return recordsText((records) => {
    records.forEach((record, i) => {
      if (rows(i)) record[column] = value(i);
    });
  });
}

/** JSON text whose Demand-like cell is replaced by a raw token (e.g. `1e400`, which JSON.stringify cannot write). */
function withRawCell(column: string, row: number, token: string): string {
  const marker = '"__RAW__"';
  return recordsText((r) => {
    r[row]![column] = '__RAW__';
  }).replace(marker, token);
}

/** A case: a name, the route, the raw payload and its content type. */
interface Case {
  name: string;
  url: string;
  payload: string;
  contentType?: string;
}

const bodyCases: Case[] = POST_ROUTES.flatMap((url) => [
  { name: 'malformed JSON', url, payload: '{"records": [' },
  { name: 'trailing garbage', url, payload: '{"records": []} x' },
  { name: 'single quotes', url, payload: "{'records': []}" },
  { name: 'NaN literal', url, payload: '{"records": [{"time": NaN}]}' },
  { name: 'empty body', url, payload: '' },
  { name: 'whitespace body', url, payload: '   ' },
  { name: 'body null', url, payload: 'null' },
  { name: 'body number', url, payload: '1e400' },
  { name: 'body string', url, payload: '"records"' },
  { name: 'body array', url, payload: '[]' },
  { name: 'body true', url, payload: 'true' },
  { name: '10k-deep array body', url, payload: nested(10_000) },
  { name: '10k-deep object body', url, payload: nestedObjects(10_000) },
  { name: '10k-deep cell', url, payload: `{"records": [{"time": ${nested(10_000)}}]}` },
  { name: '10k-deep records', url, payload: `{"records": ${nested(10_000, '{}')}}` },
  { name: '__proto__ key', url, payload: '{"records": [{"__proto__": {"x": 1}}]}' },
  { name: 'constructor key', url, payload: '{"constructor": {"prototype": {"x": 1}}}' },
  { name: 'records a string', url, payload: '{"records": "many"}' },
  { name: 'records an object', url, payload: '{"records": {"0": {}}}' },
  { name: 'records null', url, payload: '{"records": null}' },
  { name: 'records of numbers', url, payload: '{"records": [1, 2, 3]}' },
  { name: 'records of arrays', url, payload: '{"records": [[1], [2]]}' },
  { name: 'records of nulls', url, payload: '{"records": [null]}' },
  { name: 'empty records', url, payload: '{"records": []}' },
  { name: 'empty record', url, payload: '{"records": [{}]}' },
  { name: 'cell an object', url, payload: '{"records": [{"time": {"$date": 1}}]}' },
  { name: 'cell an array', url, payload: '{"records": [{"load": [1, 2]}]}' },
  { name: 'huge key', url, payload: `{"records": [{"${'k'.repeat(100_000)}": 1}]}` },
  { name: 'huge string cell', url, payload: `{"records": [{"time": "${'9'.repeat(100_000)}"}]}` },
  { name: 'unknown top-level key', url, payload: '{"records": [{}], "extra": 1}' },
  { name: 'wrong content type', url, payload: '{"records": []}', contentType: 'text/plain' },
  { name: 'form content type', url, payload: 'records=1', contentType: 'application/x-www-form-urlencoded' },
  {
    name: 'charset latin1',
    url,
    payload: '{"records": []}',
    contentType: 'application/json; charset=latin1',
  },
]);

const predictCases: Case[] = ['/predict', '/predict-interval'].flatMap((url) => [
  { name: 'valid', url, payload: recordsText() },
  { name: 'load 1e400 (→ Infinity)', url, payload: withRawCell('load', 3, '1e400') },
  { name: 'load -1e400 (→ -Infinity)', url, payload: withRawCell('load', 3, '-1e400') },
  { name: 'temp 1e400 in a future row', url, payload: withRawCell('temp', 27, '1e400') },
  { name: 'load 1e-400 (→ 0)', url, payload: withRawCell('load', 3, '1e-400') },
  {
    name: 'load 1e308 everywhere',
    url,
    payload: withColumn(
      'load',
      () => 1e308,
      (i) => i < 24,
    ),
  },
  {
    name: 'load -1e308 and 1e308',
    url,
    payload: withColumn(
      'load',
      (i) => (i % 2 ? 1e308 : -1e308),
      (i) => i < 24,
    ),
  },
  { name: 'temp 1e308 everywhere', url, payload: withColumn('temp', () => 1e308) },
  {
    name: 'load 5e-324',
    url,
    payload: withColumn(
      'load',
      () => 5e-324,
      (i) => i < 24,
    ),
  },
  ...['NaN', 'nan', 'Infinity', '-Infinity', 'inf', '', ' ', '1e400', '0x10', '1_000', 'null'].map((s) => ({
    name: `load "${s}"`,
    url,
    payload: recordsText((r) => {
      r[5]!.load = s;
    }),
  })),
  ...['NaN', 'Infinity', '-Infinity'].map((s) => ({
    name: `temp "${s}" in a future row`,
    url,
    payload: recordsText((r) => {
      r[28]!.temp = s;
    }),
  })),
  {
    name: 'load true',
    url,
    payload: recordsText((r) => {
      r[5]!.load = true;
    }),
  },
  {
    name: 'time a number',
    url,
    payload: recordsText((r) => {
      r[0]!.time = 0;
    }),
  },
  { name: 'time 1e400', url, payload: withRawCell('time', 0, '1e400') },
  {
    name: 'time null',
    url,
    payload: recordsText((r) => {
      r[0]!.time = null;
    }),
  },
  {
    name: 'time garbage',
    url,
    payload: recordsText((r) => {
      r[0]!.time = 'yesterday';
    }),
  },
  {
    name: 'time year 275760',
    url,
    payload: withColumn('time', (i) => new Date(8.64e15 - (30 - i) * 3_600_000).toISOString()),
  },
  {
    name: 'time year -271821',
    url,
    payload: withColumn('time', (i) => new Date(-8.64e15 + i * 3_600_000).toISOString()),
  },
  {
    name: 'time at the last ms',
    url,
    payload: withColumn('time', (i) => new Date(8.64e15 - (29 - i) * 3_600_000).toISOString()),
  },
  {
    name: 'time 9999',
    url,
    payload: withColumn('time', (i) => new Date(Date.UTC(9999, 11, 31) + i * 3_600_000).toISOString()),
  },
  { name: 'times reversed', url, payload: recordsText((r) => r.reverse()) },
  {
    name: 'duplicate times',
    url,
    payload: recordsText((r) => {
      r[3]!.time = r[2]!.time;
    }),
  },
  {
    name: 'missing column',
    url,
    payload: recordsText((r) => {
      delete r[3]!.temp;
    }),
  },
  { name: 'extra columns', url, payload: withColumn('other', () => 'x') },
  { name: 'one record', url, payload: recordsText((r) => r.splice(1)) },
  { name: 'no future rows', url, payload: recordsText((r) => r.splice(24)) },
  { name: 'all load null', url, payload: withColumn('load', () => null) },
  {
    name: 'prepare_test_data false',
    url,
    payload: JSON.stringify({ ...predictBody(), prepare_test_data: false }),
  },
  {
    name: 'prepare_test_data "yes"',
    url,
    payload: JSON.stringify({ ...predictBody(), prepare_test_data: 'yes' }),
  },
  { name: 'ensemble_strategy 1', url, payload: JSON.stringify({ ...predictBody(), ensemble_strategy: 1 }) },
  {
    name: 'ensemble_strategy median',
    url,
    payload: JSON.stringify({ ...predictBody(), ensemble_strategy: 'median' }),
  },
]);

const intervalCases: Case[] = [
  ...['1e400', '-1e400', '0', '1', '"0.1"', 'null', '1e-400', '5e-324'].flatMap((token) => [
    {
      name: `alpha ${token}`,
      url: '/predict-interval',
      payload: recordsText().replace(/}$/, `,"alpha":${token}}`),
    },
    {
      name: `coverage ${token}`,
      url: '/predict-interval',
      payload: recordsText().replace(/}$/, `,"coverage":${token}}`),
    },
  ]),
  {
    name: 'alpha 0.999999',
    url: '/predict-interval',
    payload: JSON.stringify({ ...predictBody(), alpha: 0.999999 }),
  },
  {
    name: 'coverage 0.999999',
    url: '/predict-interval',
    payload: JSON.stringify({ ...predictBody(), coverage: 0.999999 }),
  },
];

const cube = (v: string) => `[[[${v}],[${v}]]]`;
const monitorCases: Case[] = [
  {
    name: 'performance 1e400 actuals',
    url: '/monitor/performance',
    payload: `{"actuals": ${cube('1e400')}, "forecasts": {"predictions": ${cube('1')}}}`,
  },
  {
    name: 'performance -1e400 forecasts',
    url: '/monitor/performance',
    payload: `{"actuals": ${cube('1')}, "forecasts": {"predictions": ${cube('-1e400')}}}`,
  },
  {
    name: 'performance 1e308 both',
    url: '/monitor/performance',
    payload: `{"actuals": ${cube('1e308')}, "forecasts": {"predictions": ${cube('-1e308')}}}`,
  },
  {
    name: 'performance all null',
    url: '/monitor/performance',
    payload: `{"actuals": ${cube('null')}, "forecasts": {"predictions": ${cube('null')}}}`,
  },
  {
    name: 'performance ragged',
    url: '/monitor/performance',
    payload: '{"actuals": [[[1]],[[1],[2]]], "forecasts": {"predictions": [[[1],[2]],[[1]]]}}',
  },
  {
    name: 'performance empty cubes',
    url: '/monitor/performance',
    payload: '{"actuals": [], "forecasts": {"predictions": []}}',
  },
  {
    name: 'performance empty windows',
    url: '/monitor/performance',
    payload: '{"actuals": [[]], "forecasts": {"predictions": [[]]}}',
  },
  {
    name: 'performance empty steps',
    url: '/monitor/performance',
    payload: '{"actuals": [[[]]], "forecasts": {"predictions": [[[]]]}}',
  },
  {
    name: 'performance 10k-deep cube',
    url: '/monitor/performance',
    payload: `{"actuals": ${nested(10_000)}, "forecasts": {"predictions": ${cube('1')}}}`,
  },
  {
    name: 'performance bad timestamps',
    url: '/monitor/performance',
    payload: `{"actuals": ${cube('1')}, "forecasts": {"predictions": ${cube('1')}, "timestamps": [["x", "y"]]}}`,
  },
  {
    name: 'performance records NaN strings',
    url: '/monitor/performance',
    payload: '{"records": [{"load": "NaN", "load_forecast": "Infinity"}]}',
  },
  {
    name: 'performance records 1e400',
    url: '/monitor/performance',
    payload: '{"records": [{"load": 1e400, "load_forecast": -1e400, "time": 1e400}]}',
  },
  {
    name: 'performance records missing field',
    url: '/monitor/performance',
    payload: '{"records": [{"x": 1}]}',
  },
  {
    name: 'performance records empty target names',
    url: '/monitor/performance',
    payload: '{"records": [{"": 1}], "record_targets": [{"actual": "", "forecast": ""}]}',
  },
  {
    name: 'performance degradation_ratio 1e400',
    url: '/monitor/performance',
    payload: `{"actuals": ${cube('1')}, "forecasts": {"predictions": ${cube('1')}}, "degradation_ratio": 1e400, "reference": {"actuals": ${cube('1')}, "forecasts": {"predictions": ${cube('2')}}}}`,
  },
  {
    name: 'performance reference mismatched',
    url: '/monitor/performance',
    payload: `{"actuals": ${cube('1')}, "forecasts": {"predictions": ${cube('1')}}, "reference": {"actuals": [[[1]]], "forecasts": {"predictions": [[[1,2]]]}}}`,
  },
  {
    name: 'drift 1e400 threshold',
    url: '/monitor/drift',
    payload: '{"records": [{"load": 1}], "threshold": 1e400}',
  },
  {
    name: 'drift NaN strings',
    url: '/monitor/drift',
    payload: '{"records": [{"load": "NaN", "temp": "Infinity", "time": "x"}]}',
  },
  {
    name: 'drift 1e400 cells',
    url: '/monitor/drift',
    payload: '{"records": [{"load": 1e400, "temp": -1e400}, {"load": 1, "temp": 2}]}',
  },
  { name: 'drift path dataset', url: '/monitor/drift', payload: '{"dataset": "../../etc/passwd"}' },
  { name: 'drift absolute dataset', url: '/monitor/drift', payload: '{"dataset": "/etc/passwd.csv"}' },
  { name: 'drift missing dataset', url: '/monitor/drift', payload: '{"dataset": "nope.csv"}' },
  {
    name: 'drift unknown column',
    url: '/monitor/drift',
    payload: '{"records": [{"load": 1}], "columns": ["zzz"]}',
  },
  {
    name: 'drift both inputs',
    url: '/monitor/drift',
    payload: '{"records": [{"load": 1}], "dataset": "a.csv"}',
  },
  {
    name: 'drift ±1e308 cells',
    url: '/monitor/drift',
    payload: `{"records": ${JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ load: i % 2 ? 1e308 : -1e308, temp: i % 3 ? 1e308 : -1e308, time: new Date(Date.UTC(2024, 5, 1) + i * 3_600_000).toISOString() })))}, "method": "wasserstein"}`,
  },
  {
    name: 'drift ±1e308 cells, psi',
    url: '/monitor/drift',
    payload: `{"records": ${JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ load: i % 2 ? 1e308 : -1e308, temp: 1e308 })))}, "method": "psi", "columns": ["load", "temp"]}`,
  },
  {
    name: 'drift drift_share 5e-324',
    url: '/monitor/drift',
    payload: '{"records": [{"load": 1, "temp": 1}], "drift_share": 5e-324}',
  },
];

describe('hostile bodies never give a 5xx, and every 4xx names its code', () => {
  let app: TwigaApp;
  let env: Awaited<ReturnType<typeof tempSettings>>;

  beforeAll(async () => {
    // Load shedding off: a 100k-record request blocks the loop for a while, and the next request would
    // otherwise (rightly) get 503 OVERLOADED.
    env = await tempSettings({
      TWIGA_SERVE_API_KEY: KEY,
      TWIGA_SERVE_MAX_EVENT_LOOP_DELAY_MS: 0,
      TWIGA_LOG_LEVEL: 'error',
    });
    await saveFullCheckpoint(env.dir);
    app = await createApp({ settings: env.settings });
  });
  afterAll(async () => {
    await app.close();
    await env.cleanup();
  });

  async function send(c: Case) {
    return app.inject({
      method: 'POST',
      url: c.url,
      headers: { 'x-api-key': KEY, 'content-type': c.contentType ?? 'application/json' },
      payload: c.payload,
    });
  }

  /** Status < 500, and a 4xx body of the error shape with a non-empty code. */
  function expectClientSafe(res: Awaited<ReturnType<typeof send>>, name: string) {
    expect(res.statusCode, `${name}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode >= 400) {
      const code = (res.json() as { error?: { code?: unknown } }).error?.code;
      expect(typeof code === 'string' && code.length > 0, `${name}: ${res.body.slice(0, 300)}`).toBe(true);
    }
  }

  it.each(bodyCases.map((c) => [`${c.url} ${c.name}`, c] as const))('%s', async (name, c) => {
    const res = await send(c);
    expectClientSafe(res, name);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
  });

  it.each(predictCases.map((c) => [`${c.url} ${c.name}`, c] as const))('%s', async (name, c) => {
    expectClientSafe(await send(c), name);
  });

  it.each(intervalCases.map((c) => [c.name, c] as const))('/predict-interval %s', async (name, c) => {
    expectClientSafe(await send(c), name);
  });

  it.each(monitorCases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    expectClientSafe(await send(c), name);
  });

  it('a valid request still answers 200 with a 6-step forecast', async () => {
    const res = await send({ name: 'valid', url: '/predict', payload: recordsText() });
    expect(res.statusCode).toBe(200);
    expect(res.json().forecast_horizon).toBe(6);
  });

  it('100k records (the default maximum) forecast within seconds; one more is 413', async () => {
    // 100 000 hourly rows continuing the synthetic series, the last 6 with load withheld.
    const records = syntheticRecords(100_000, Date.UTC(2010, 0, 1)).map((r, i) =>
      i >= 100_000 - 6 ? { ...r, load: null } : r,
    );
    // Without the checkpoint's tail: these rows are years before it, so prepending it would be out of order.
    const payload = JSON.stringify({ records, prepare_test_data: false });
    const started = performance.now();
    const res = await send({ name: '100k records', url: '/predict', payload });
    const ms = performance.now() - started;
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json().forecast_horizon).toBe(6);
    expect(ms).toBeLessThan(10_000);
    // With the tail prepended the order breaks: a 4xx naming the problem, never a 5xx.
    const tail = await send({
      name: '100k records + tail',
      url: '/predict',
      payload: JSON.stringify({ records }),
    });
    expectClientSafe(tail, '100k records + tail');
    // One record more is refused before any parsing work.
    const over = await send({
      name: '100 001 records',
      url: '/predict',
      payload: JSON.stringify({ records: [...records, records[0]] }),
    });
    expect(over.statusCode).toBe(413);
    expect(over.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('100k records of garbage answer 4xx with a code', async () => {
    const payload = JSON.stringify({
      records: Array.from({ length: 100_000 }, (_, i) => ({ time: i, load: 'NaN' })),
    });
    const res = await send({ name: '100k garbage', url: '/predict', payload });
    expectClientSafe(res, '100k garbage');
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
  });
});

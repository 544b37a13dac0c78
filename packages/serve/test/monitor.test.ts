import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointStore, fromRecords, TwigaForecaster } from '@twiga/forecaster';
import { buildReferenceProfile, MonitorResponseSchema, serializeReferenceProfile } from '@twiga/monitor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type TwigaApp } from '../src/index.js';
import { saveCheckpoint, syntheticRecords, TEST_CONFIG, tempSettings } from './fixtures.js';

/** Train on synthetic rows and save a checkpoint whose extras hold the training rows' reference profile. */
async function saveCheckpointWithProfile(dir: string): Promise<void> {
  const forecaster = TwigaForecaster.create({
    data: TEST_CONFIG.data,
    models: [{ name: 'seasonal-naive' }, { name: 'linear', params: { alpha: 0.1 } }],
  });
  const frame = fromRecords(syntheticRecords(400), forecaster.columnSpec());
  await forecaster.fit(frame);
  await new CheckpointStore(dir).save(forecaster, {
    extras: { 'reference_profile.json': serializeReferenceProfile(buildReferenceProfile(frame)) },
  });
  await forecaster.close();
}

/** Rows like the training data (same generator, later hours), optionally with temperature shifted. */
function currentRecords(rows: number, tempShift = 0): Record<string, string | number | null>[] {
  return syntheticRecords(rows, Date.UTC(2024, 2, 1)).map((r) => ({
    ...r,
    temp: (r.temp as number) + tempShift,
  }));
}

describe('POST /monitor/drift, POST /monitor/performance, GET /reports/:name', () => {
  let app: TwigaApp;
  let env: Awaited<ReturnType<typeof tempSettings>>;
  let reportDir: string;
  const KEY = 'monitor-test-key';
  const headers = { 'x-api-key': KEY };

  beforeAll(async () => {
    env = await tempSettings({ TWIGA_SERVE_API_KEY: KEY });
    reportDir = join(env.dir, 'reports');
    await saveCheckpointWithProfile(env.dir);
    app = await createApp({
      settings: { ...env.settings, TWIGA_SERVE_REPORT_DIR: reportDir },
    });
  });
  afterAll(async () => {
    await app.close();
    await env.cleanup();
  });

  const post = (url: string, payload: unknown, h: Record<string, string> = headers) =>
    app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers: h });

  it('needs the API key like every route but /health', async () => {
    const res = await post('/monitor/drift', { records: currentRecords(50) }, {});
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
    expect((await app.inject({ method: 'GET', url: '/reports/x.html' })).statusCode).toBe(401);
  });

  it('finds no drift in data like the training rows, and writes a report it serves', async () => {
    const res = await post('/monitor/drift', { records: currentRecords(300) });
    expect(res.statusCode).toBe(200);
    const body = MonitorResponseSchema.parse(res.json());
    expect(body.monitor_type).toBe('data_drift');
    expect(body.checkpoint_version).toBe(1);
    const drift = body.drift!;
    expect(drift.total).toBe(2);
    expect(Object.keys(drift.feature_drift).sort()).toEqual(['load', 'temp']);
    // 400 reference rows (≤ 1000) and many distinct values: Evidently's KS.
    expect(drift.columns.map((c) => c.method)).toEqual(['ks', 'ks']);
    expect(drift.columns.find((c) => c.column === 'temp')!.drift_detected).toBe(false);
    expect(body.report_url).toMatch(/^\/reports\/drift-\d{8}T\d{9}Z-[0-9a-f]{6}\.html$/);
    expect(body.report_path).toBe(join(reportDir, body.report_url!.slice('/reports/'.length)));
    const page = await app.inject({ method: 'GET', url: body.report_url!, headers });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('temp');
  });

  it('detects drift in a shifted covariate, with the columns and thresholds asked for', async () => {
    const res = await post('/monitor/drift', {
      records: currentRecords(300, 4),
      columns: ['temp'],
      per_column: { temp: { method: 'wasserstein', threshold: 0.2 } },
      report: false,
    });
    expect(res.statusCode).toBe(200);
    const drift = res.json().drift;
    expect(res.json().alert).toBe(true);
    expect(res.json().report_path).toBeNull();
    expect(drift.columns).toHaveLength(1);
    expect(drift.columns[0]).toMatchObject({
      column: 'temp',
      method: 'wasserstein',
      threshold: 0.2,
      drift_detected: true,
    });
    // A 4-degree shift of a series with std ≈ 3.5: normed Wasserstein ≈ 4 / 3.5.
    expect(drift.columns[0].score).toBeGreaterThan(1);
    expect(drift).toMatchObject({ drift_detected: true, n_drifted: 1, total: 1, dataset_drift_score: 1 });
  });

  it('reads a dataset by name from <report dir>/datasets', async () => {
    await mkdir(join(reportDir, 'datasets'), { recursive: true });
    const rows = currentRecords(120);
    const csv = ['time,load,temp', ...rows.map((r) => `${r.time},${r.load},${r.temp}`)].join('\n');
    await writeFile(join(reportDir, 'datasets', 'today.csv'), csv);
    const res = await post('/monitor/drift', { dataset: 'today.csv', report: false });
    expect(res.statusCode).toBe(200);
    expect(res.json().drift.columns.map((c: { n_current: number }) => c.n_current)).toEqual([120, 120]);
    for (const dataset of ['missing.csv', '../secrets.csv', '/etc/passwd'])
      expect((await post('/monitor/drift', { dataset })).json().error.code).toBe('MONITOR_DATASET_NOT_FOUND');
  });

  it.each([
    [
      'an unknown column',
      { records: currentRecords(20), columns: ['humidity'] },
      'MONITOR_COLUMN_UNKNOWN',
      'humidity',
    ],
    [
      'a column no record carries',
      { records: currentRecords(20).map(({ temp: _t, ...r }) => r) },
      'MONITOR_COLUMN_UNKNOWN',
      'temp',
    ],
    [
      'an all-missing column',
      { records: currentRecords(20).map((r) => ({ ...r, load: null })) },
      'MONITOR_COLUMN_EMPTY',
      'load',
    ],
    [
      'text in a numeric column',
      { records: currentRecords(20).map((r, i) => (i === 3 ? { ...r, temp: 'warm' } : r)) },
      'MONITOR_COLUMN_TYPE',
      'temp',
    ],
    [
      'a test that does not fit the column',
      { records: currentRecords(20), method: 'chisquare' },
      'MONITOR_METHOD_INVALID',
      'load',
    ],
  ])('answers 422 naming the column for %s', async (_, payload, code, column) => {
    const res = await post('/monitor/drift', payload);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.details.column).toBe(column);
  });

  it('rejects a body with both records and dataset, or neither, as a schema error', async () => {
    for (const payload of [
      {},
      { records: currentRecords(5), dataset: 'x.csv' },
      { records: [], threshold: -1 },
    ]) {
      const res = await post('/monitor/drift', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('REQUEST_INVALID');
    }
  });

  it('scores forecasts against actuals (cubes as /predict answers them) and flags degradation', async () => {
    const predictions = [
      [[100], [102], [104]],
      [[101], [103], [105]],
    ];
    const actuals = [
      [[101], [100], [110]],
      [[99], [103], [null]],
    ];
    const res = await post('/monitor/performance', {
      actuals,
      forecasts: {
        predictions,
        lower: predictions.map((w) => w.map(([v]) => [v! - 3])),
        upper: predictions.map((w) => w.map(([v]) => [v! + 3])),
        timestamps: [
          ['2024-03-01T01:00:00Z', '2024-03-01T02:00:00Z', '2024-03-01T03:00:00Z'],
          ['2024-03-01T02:00:00Z', '2024-03-01T03:00:00Z', '2024-03-01T04:00:00Z'],
        ],
      },
      // A reference period whose forecasts were off by exactly 1.
      reference: {
        actuals: predictions,
        forecasts: { predictions: predictions.map((w) => w.map(([v]) => [v! + 1])) },
      },
    });
    expect(res.statusCode).toBe(200);
    const perf = MonitorResponseSchema.parse(res.json()).performance!;
    // Errors ŷ − y over the 5 present cells: -1, 2, -6, 2, 0.
    expect(perf.metrics.count).toBe(5);
    expect(perf.metrics.mae).toBeCloseTo(11 / 5, 12);
    expect(perf.metrics.me).toBeCloseTo(-3 / 5, 12);
    expect(perf.metrics.rmse).toBeCloseTo(Math.sqrt(45 / 5), 12);
    // Inside [ŷ − 3, ŷ + 3]: all but the error of 6.
    expect(perf.metrics.coverage).toBeCloseTo(4 / 5, 12);
    expect(perf.metrics.interval_width).toBe(6);
    expect(perf.reference_metrics!.mae).toBe(1);
    expect(perf.degradation_detected).toBe(true);
    expect(res.json().alert).toBe(true);
    expect(res.json().report_url).toMatch(/^\/reports\/performance-/);
  });

  it('scores records that carry actual and forecast fields', async () => {
    const records = [
      { time: '2024-03-01T00:00:00Z', load: 10, load_forecast: 12 },
      { time: '2024-03-01T01:00:00Z', load: 20, load_forecast: 18 },
      { time: '2024-03-01T02:00:00Z', load: 0, load_forecast: 1 },
    ];
    const res = await post('/monitor/performance', { records, report: false });
    expect(res.statusCode).toBe(200);
    const m = res.json().performance.metrics;
    expect(m.mae).toBeCloseTo(5 / 3, 12);
    expect(m.wmape).toBeCloseTo(5 / 30, 12);
    // sMAPE survives the zero actual: (2·2/22 + 2·2/38 + 2·1/1) / 3.
    expect(m.smape).toBeCloseTo((4 / 22 + 4 / 38 + 2) / 3, 12);
    // Evidently's MAPE counts a zero actual as 100%.
    expect(m.mape).toBeCloseTo((100 * (2 / 10 + 2 / 20 + 1)) / 3, 10);
  });

  it('answers 422 MONITOR_LENGTH_MISMATCH when actuals and forecasts differ in shape', async () => {
    const res = await post('/monitor/performance', {
      actuals: [[[1], [2]]],
      forecasts: { predictions: [[[1], [2], [3]]] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('MONITOR_LENGTH_MISMATCH');
    expect(res.json().error.details.column).toBe('actuals');
  });

  it('serves only report names it writes: traversal and unknown names are 404', async () => {
    const written = await readdir(reportDir);
    expect(written.some((f) => f.startsWith('drift-'))).toBe(true);
    for (const url of [
      '/reports/..%2F..%2Fetc%2Fpasswd',
      '/reports/..%2Fdatasets%2Ftoday.csv',
      '/reports/drift-20240101T000000000Z-abcdef.html',
      '/reports/notes.html',
    ]) {
      const res = await app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('MONITOR_REPORT_NOT_FOUND');
    }
  });
});

describe('a checkpoint without a reference profile', () => {
  it('answers 503 MONITOR_NO_REFERENCE on /monitor/drift, and still scores performance', async () => {
    const env = await tempSettings();
    await saveCheckpoint(env.dir);
    const app = await createApp({
      settings: { ...env.settings, TWIGA_SERVE_REPORT_DIR: join(env.dir, 'r') },
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/monitor/drift',
        payload: { records: currentRecords(10) },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('MONITOR_NO_REFERENCE');
      const perf = await app.inject({
        method: 'POST',
        url: '/monitor/performance',
        payload: { actuals: [[[1]]], forecasts: { predictions: [[[2]]] }, report: false },
      });
      expect(perf.statusCode).toBe(200);
      expect(perf.json().performance.metrics.mae).toBe(1);
    } finally {
      await app.close();
      await env.cleanup();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { CheckpointStore } from './checkpoint/store.js';
import { fromRecords } from './data/read-csv.js';
import { toSeries } from './data/series.js';
import { latestAnchor, trainingAnchors } from './features/anchors.js';
import { featureLayout } from './features/layout.js';
import { fitModels } from './fit-models.js';
import { TwigaForecaster } from './forecaster.js';
import { predictGbdt } from './models/gbdt/predict.js';
import { syntheticRecords, tempDir } from './test-utils.js';
import { buildWindowBatch } from './windows.js';

const data = {
  dateColumn: 'ts',
  targets: ['load'],
  period: '1h',
  lookbackWindowSize: 24,
  forecastHorizon: 4,
  lags: [24],
  calendarFeatures: ['hour' as const],
  exogenousFeatures: ['temp'],
};
const gbdt = {
  name: 'gbdt' as const,
  params: { nEstimators: 40, learningRate: 0.2, numLeaves: 15, threads: 2 },
};

describe('the gbdt model inside the forecaster', () => {
  it('serves through ONNX Runtime exactly what the TypeScript trees predict, and beats seasonal naive', async () => {
    // No trend: trees do not extrapolate one (a known limit of tree models).
    const rows = syntheticRecords({ n: 900, seed: 7, trend: 0 });
    const forecaster = TwigaForecaster.create({ data, models: [{ name: 'seasonal-naive' }, gbdt] });
    const spec = forecaster.columnSpec();
    const progress: number[] = [];
    await forecaster.fit(fromRecords(rows.slice(0, 700), spec), { onProgress: (p) => progress.push(p.done) });
    // One ensemble per horizon step (4 × 1 target), reported as it completes.
    expect(progress.sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);

    const report = await forecaster.evaluate(fromRecords(rows.slice(650), spec));
    expect(report.models.gbdt!.overall.mase).toBeLessThan(0.8);

    // Parity: refit the same trees in TypeScript (deterministic for the seed) and score them there.
    const request = fromRecords(
      rows.slice(800, 830).map((r, i) => (i >= 26 ? { ...r, load: null } : r)),
      spec,
    );
    const [, served] = await forecaster.predict(request, { prepareTestData: false });
    const fullCtx = {
      config: forecaster.config,
      layout: featureLayout(forecaster.config),
      scalers: forecaster.state.scalers,
      periodMs: forecaster.state.periodMs,
    };
    const trainSeries = toSeries(fromRecords(rows.slice(0, 700), spec), forecaster.config, 'train');
    const [fitted] = await fitModels(
      fullCtx,
      { series: trainSeries, anchors: trainSeries.map((s) => trainingAnchors(forecaster.config, s)) },
      [forecaster.models[1]!],
      24,
    );
    const series = toSeries(request, forecaster.config, 'predict');
    const batch = buildWindowBatch(fullCtx, series, [
      Int32Array.of(latestAnchor(forecaster.config, series[0]!)),
    ]);
    const { center, scale } = forecaster.state.scalers['']!.load!;
    if (fitted!.kind !== 'gbdt') throw new Error('gbdt expected');
    fitted!.ensembles.forEach((ensemble, h) => {
      const out = new Float64Array(1);
      predictGbdt(ensemble, batch.features, 1, fullCtx.layout.width, out);
      expect(Math.abs(served!.loc[h]! - (out[0]! * scale + center))).toBeLessThan(
        1e-6 * Math.max(1, Math.abs(served!.loc[h]!)),
      );
    });
    await forecaster.close();
  }, 60_000);

  it('saves to a checkpoint and loads back with identical forecasts (quantile objective too)', async () => {
    const rows = syntheticRecords({ n: 600, seed: 8 });
    const forecaster = TwigaForecaster.create({
      data,
      models: [
        gbdt,
        { name: 'gbdt', label: 'gbdt-p90', params: { ...gbdt.params, objective: 'quantile', alpha: 0.9 } },
      ],
    });
    const spec = forecaster.columnSpec();
    await forecaster.fit(fromRecords(rows.slice(0, 500), spec));
    const request = fromRecords(
      rows.slice(550, 580).map((r, i) => (i >= 26 ? { ...r, load: null } : r)),
      spec,
    );
    const before = await forecaster.predict(request);
    // The 90 % quantile model forecasts above the median model.
    for (let h = 0; h < 4; h++) expect(before[1]!.loc[h]!).toBeGreaterThan(before[0]!.loc[h]!);
    const dir = await tempDir();
    const store = new CheckpointStore(dir);
    await store.save(forecaster);
    const loaded = await store.load();
    expect(loaded.meta.model_type).toBe('gbdt');
    const after = await loaded.forecaster.predict(request);
    expect(after.map((p) => Array.from(p.loc))).toEqual(before.map((p) => Array.from(p.loc)));
    await loaded.forecaster.close();
    await forecaster.close();
  }, 60_000);
});

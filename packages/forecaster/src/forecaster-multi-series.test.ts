import { describe, expect, it } from 'vitest';
import { fromRecords } from './data/read-csv.js';
import { TwigaForecaster } from './forecaster.js';
import { rejected, syntheticRecords } from './test-utils.js';

/** Two series an order of magnitude apart, interleaved by time as a long-format file would hold them. */
function twoSeries(n: number): Record<string, unknown>[] {
  const small = syntheticRecords({ n, level: 50, amplitude: 10, seed: 1, covariate: undefined });
  const large = syntheticRecords({
    n,
    level: 5000,
    amplitude: 1000,
    noise: 50,
    seed: 2,
    covariate: undefined,
  });
  return small.flatMap((row, i) => [
    { ...row, site: 'small' },
    { ...large[i], site: 'large' },
  ]);
}

describe('many series: one global model, scaling per series', () => {
  const data = {
    dateColumn: 'ts',
    targets: ['load'],
    seriesId: 'site',
    period: '1h',
    lookbackWindowSize: 24,
    forecastHorizon: 6,
  };

  it('fits one model over all series and forecasts each in its own units', async () => {
    const forecaster = TwigaForecaster.create({
      data,
      models: [{ name: 'seasonal-naive' }, { name: 'linear', params: { alpha: 0.1 } }],
    });
    const rows = twoSeries(400);
    await forecaster.fit(fromRecords(rows.slice(0, 600), forecaster.columnSpec()));
    // Each series has its own scaler, fitted on its own rows.
    expect(Object.keys(forecaster.state.scalers).sort()).toEqual(['large', 'small']);
    expect(forecaster.state.scalers.large!.load!.center).toBeGreaterThan(
      40 * forecaster.state.scalers.small!.load!.center,
    );
    // Training windows come from both series.
    expect(forecaster.state.trainWindows).toBe(2 * (300 - 24 - 6 + 1));

    const report = await forecaster.evaluate(fromRecords(rows.slice(500), forecaster.columnSpec()));
    expect(report.windows).toBe(2 * (150 - 24 - 6 + 1));
    expect(report.models.linear!.overall.mase).toBeLessThan(1);

    const [, linear] = await forecaster.predict(fromRecords(rows.slice(700, 760), forecaster.columnSpec()));
    expect(linear!.seriesIds).toEqual(['small', 'large']);
    const [n, H] = linear!.shape;
    expect(n).toBe(2);
    const smallMean = linear!.loc.subarray(0, H).reduce((a, b) => a + b, 0) / H;
    const largeMean = linear!.loc.subarray(H, 2 * H).reduce((a, b) => a + b, 0) / H;
    expect(smallMean).toBeGreaterThan(30);
    expect(smallMean).toBeLessThan(80);
    expect(largeMean).toBeGreaterThan(3000);
    expect(largeMean).toBeLessThan(8000);
    await forecaster.close();
  });

  it('a series the model never saw is DATA_INVALID naming it', async () => {
    const forecaster = TwigaForecaster.create({ data, models: [{ name: 'linear' }] });
    const rows = twoSeries(200);
    await forecaster.fit(fromRecords(rows, forecaster.columnSpec()));
    const unseen = syntheticRecords({ n: 40, covariate: undefined }).map((r) => ({ ...r, site: 'new' }));
    const err = await rejected(forecaster.predict(fromRecords(unseen, forecaster.columnSpec())));
    expect(err).toMatchObject({ code: 'DATA_INVALID', details: { series: 'new', column: 'site' } });
    await forecaster.close();
  });
});

import { describe, expect, it } from 'vitest';
import { fromRecords } from './data/read-csv.js';
import { TwigaForecaster } from './forecaster.js';
import { rejected, syntheticRecords } from './test-utils.js';

const data = {
  dateColumn: 'ts',
  targets: ['load'],
  period: '1h',
  lookbackWindowSize: 24,
  forecastHorizon: 6,
};

/** Fit on the first 2000 rows, calibrate on the next 1000, return the forecaster and the test frame. */
async function fitted(seed: number, noise = 1) {
  const rows = syntheticRecords({ n: 5000, seed, noise, trend: 0, covariate: undefined });
  const forecaster = TwigaForecaster.create({
    data,
    models: [{ name: 'seasonal-naive' }, { name: 'linear', params: { alpha: 1 } }],
  });
  const spec = forecaster.columnSpec();
  await forecaster.fit(fromRecords(rows.slice(0, 2000), spec), {
    validation: fromRecords(rows.slice(2000 - 29, 3000), spec),
  });
  return { forecaster, test: fromRecords(rows.slice(3000 - 29), spec), rows, spec };
}

describe('split conformal intervals', () => {
  it('cover 90 % of held-out points within ±2 points over repeated seeds (known gaussian noise)', async () => {
    const coverages: number[] = [];
    for (const seed of [11, 12, 13, 14, 15]) {
      const { forecaster, test } = await fitted(seed);
      const report = await forecaster.evaluate(test, { alpha: 0.1 });
      coverages.push(report.intervals!.models.linear!.coverage);
      // With N(0, 1) noise the best 90 % interval is ±1.645 wide each side; conformal should be near it.
      expect(report.intervals!.models.linear!.meanWidth).toBeGreaterThan(2 * 1.645 * 0.9);
      expect(report.intervals!.models.linear!.meanWidth).toBeLessThan(2 * 1.645 * 1.3);
      await forecaster.close();
    }
    const mean = coverages.reduce((a, b) => a + b, 0) / coverages.length;
    expect(mean).toBeGreaterThan(0.88);
    expect(mean).toBeLessThan(0.92);
  }, 60_000);

  it('predictInterval brackets the point forecast; lower alpha gives wider intervals', async () => {
    const { forecaster, rows, spec } = await fitted(3);
    const frame = fromRecords(rows.slice(4000, 4030), spec);
    const [, p90] = await forecaster.predictInterval(frame, { alpha: 0.1 });
    const [, p50] = await forecaster.predictInterval(frame, { alpha: 0.5 });
    const [, point] = await forecaster.predict(frame);
    expect(p90!.kind).toBe('interval');
    for (let i = 0; i < point!.loc.length; i++) {
      expect(p90!.lower![i]!).toBeLessThan(p50!.lower![i]!);
      expect(p50!.lower![i]!).toBeLessThan(point!.loc[i]!);
      expect(p50!.upper![i]!).toBeGreaterThan(point!.loc[i]!);
      expect(p90!.upper![i]!).toBeGreaterThan(p50!.upper![i]!);
      // Symmetric around the point forecast (absolute-residual scores).
      expect(p90!.upper![i]! - point!.loc[i]!).toBeCloseTo(point!.loc[i]! - p90!.lower![i]!, 4);
    }
    await forecaster.close();
  });

  it('predictQuantiles is monotone in the level and its median is the point forecast', async () => {
    const { forecaster, rows, spec } = await fitted(4);
    const frame = fromRecords(rows.slice(4000, 4030), spec);
    const levels = [0.9, 0.05, 0.5, 0.25];
    const [, q] = await forecaster.predictQuantiles(frame, levels);
    const [, point] = await forecaster.predict(frame);
    expect(q!.levels).toEqual([0.05, 0.25, 0.5, 0.9]);
    for (let i = 0; i < point!.loc.length; i++) {
      const cell = Array.from(q!.quantiles!.subarray(i * 4, i * 4 + 4));
      expect([...cell].sort((a, b) => a - b)).toEqual(cell);
      expect(cell[2]).toBeCloseTo(point!.loc[i]!, 4);
    }
    await expect(forecaster.predictQuantiles(frame, [0])).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await forecaster.close();
  });

  it('calibrate() recalibrates without refitting and survives a checkpoint round trip', async () => {
    const { forecaster, rows, spec } = await fitted(5);
    const frame = fromRecords(rows.slice(4000, 4030), spec);
    const before = (await forecaster.predict(frame))[1]!.loc;
    // Recalibrate on much noisier data: point forecasts unchanged, intervals wider.
    const noisy = syntheticRecords({ n: 1000, seed: 99, noise: 4, trend: 0, covariate: undefined });
    const [, narrow] = await forecaster.predictInterval(frame);
    await forecaster.calibrate(fromRecords(noisy, spec));
    const [, wide] = await forecaster.predictInterval(frame);
    expect(Array.from((await forecaster.predict(frame))[1]!.loc)).toEqual(Array.from(before));
    expect(wide!.upper![0]! - wide!.lower![0]!).toBeGreaterThan(
      2 * (narrow!.upper![0]! - narrow!.lower![0]!),
    );
    const restored = await TwigaForecaster.fromState(
      JSON.parse(JSON.stringify(forecaster.state)),
      forecaster.onnxBytes,
    );
    const [, again] = await restored.predictInterval(frame);
    expect(Array.from(again!.upper!)).toEqual(Array.from(wide!.upper!));
    await restored.close();
    await forecaster.close();
  });

  it('without calibration, intervals are MODEL_NOT_CALIBRATED', async () => {
    const rows = syntheticRecords({ n: 400, covariate: undefined });
    const forecaster = TwigaForecaster.create({ data, models: [{ name: 'linear' }] });
    await forecaster.fit(fromRecords(rows, forecaster.columnSpec()));
    const err = await rejected(
      forecaster.predictInterval(fromRecords(rows.slice(-30), forecaster.columnSpec())),
    );
    expect(err).toMatchObject({ code: 'MODEL_NOT_CALIBRATED' });
    expect((await forecaster.evaluate(fromRecords(rows, forecaster.columnSpec()))).intervals).toBeUndefined();
    await forecaster.close();
  });
});

import { describe, expect, it } from 'vitest';
import { fromRecords } from './data/read-csv.js';
import { TwigaForecaster } from './forecaster.js';
import { gaussian, HOUR_MS, iso, prng, rejected, T0 } from './test-utils.js';

/** Hourly series whose noise is 10× larger in the afternoon than at night: intervals should adapt. */
function heteroscedastic(n: number, seed: number): Record<string, unknown>[] {
  const normal = gaussian(prng(seed));
  return Array.from({ length: n }, (_, i) => {
    const phase = (2 * Math.PI * i) / 24;
    const sigma = 0.3 + (2.7 * (1 + Math.sin(phase)) ** 2) / 4;
    return { ts: iso(T0 + i * HOUR_MS), load: 50 + 10 * Math.sin(phase) + sigma * normal() };
  });
}

const quantile = (alpha: number) => ({
  name: 'gbdt' as const,
  label: `q${alpha}`,
  params: {
    objective: 'quantile' as const,
    alpha,
    nEstimators: 200,
    learningRate: 0.1,
    numLeaves: 7,
    threads: 2,
  },
});

describe('conformalized quantile regression (CQR) on quantile GBDTs', () => {
  it('covers about 90 % and, with noise that varies by hour, beats constant-width split conformal', async () => {
    const rows = heteroscedastic(3000, 21);
    const forecaster = TwigaForecaster.create({
      data: {
        dateColumn: 'ts',
        targets: ['load'],
        period: '1h',
        lookbackWindowSize: 24,
        forecastHorizon: 3,
        calendarFeatures: ['hour'],
      },
      models: [{ name: 'linear', params: { alpha: 1 } }, quantile(0.05), quantile(0.95)],
      cqr: { lower: 'q0.05', upper: 'q0.95' },
    });
    const spec = forecaster.columnSpec();
    await forecaster.fit(fromRecords(rows.slice(0, 1500), spec), {
      validation: fromRecords(rows.slice(1500 - 26, 2200), spec),
    });
    const report = await forecaster.evaluate(fromRecords(rows.slice(2200 - 26), spec), { alpha: 0.1 });
    const cqr = report.intervals!.models['cqr(q0.05,q0.95)']!;
    const split = report.intervals!.models.linear!;
    expect(cqr.coverage).toBeGreaterThan(0.86);
    expect(cqr.coverage).toBeLessThan(0.94);
    // Adaptive bands: a better Winkler score than the constant-width band around the linear forecast.
    expect(cqr.winkler).toBeLessThan(split.winkler);

    // predictInterval(…, { method: 'cqr' }) gives the band for the newest window; it survives a round trip.
    const request = fromRecords(rows.slice(2900, 2930), spec);
    const [band] = await forecaster.predictInterval(request, { alpha: 0.1, method: 'cqr' });
    expect(band!.model).toBe('cqr(q0.05,q0.95)');
    for (let h = 0; h < 3; h++) expect(band!.lower![h]!).toBeLessThan(band!.upper![h]!);
    const restored = await TwigaForecaster.fromState(
      JSON.parse(JSON.stringify(forecaster.state)),
      forecaster.onnxBytes,
    );
    const [again] = await restored.predictInterval(request, { alpha: 0.1, method: 'cqr' });
    expect(Array.from(again!.upper!)).toEqual(Array.from(band!.upper!));
    await restored.close();
    await forecaster.close();
  }, 60_000);

  it('a cqr pair naming an unknown model is CONFIG_INVALID; CQR without calibration is MODEL_NOT_CALIBRATED', async () => {
    const data = {
      dateColumn: 'ts',
      targets: ['load'],
      period: '1h',
      lookbackWindowSize: 24,
      forecastHorizon: 3,
    };
    expect(() =>
      TwigaForecaster.create({ data, models: [quantile(0.05)], cqr: { lower: 'q0.05', upper: 'nope' } }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    const forecaster = TwigaForecaster.create({
      data,
      models: [quantile(0.05), quantile(0.95)],
      cqr: { lower: 'q0.05', upper: 'q0.95' },
    });
    const rows = heteroscedastic(300, 3);
    await forecaster.fit(fromRecords(rows, forecaster.columnSpec()));
    const err = await rejected(
      forecaster.predictInterval(fromRecords(rows.slice(-30), forecaster.columnSpec()), { method: 'cqr' }),
    );
    expect(err).toMatchObject({ code: 'MODEL_NOT_CALIBRATED' });
    await forecaster.close();
  }, 60_000);
});

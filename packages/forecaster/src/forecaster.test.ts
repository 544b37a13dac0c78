import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { covariateColumns, type DataPipelineConfigInput } from './config.js';
import type { SeriesData } from './data/frame.js';
import { ConfigInvalidError, DataInvalidError, ModelNotFittedError } from './errors.js';
import { latestAnchor, trainingAnchors } from './features/anchors.js';
import { buildFeatures, type FeatureContext } from './features/build-features.js';
import { featureLayout } from './features/layout.js';
import { fitScaler } from './features/scaler.js';
import { fitModels } from './fit-models.js';
import { TwigaForecaster } from './forecaster.js';
import { type LinearHead, scoreLinearHead } from './models/linear-head.js';
import type { ModelSpecInput } from './models/model-spec.js';
import { frameFor, HOUR_MS, rejected, seriesFor, syntheticRecords, T0, thrown } from './test-utils.js';

/** Relative tolerance of ONNX (float32) against the float64 TypeScript reference. */
const REL = 1e-5;

const DATA: DataPipelineConfigInput = {
  dateColumn: 'ts',
  targets: ['load'],
  period: '1h',
  lookbackWindowSize: 24,
  forecastHorizon: 6,
  lags: [48],
  rollingWindows: [6],
  calendarFeatures: ['hour', 'dayofweek'],
  exogenousFeatures: ['temp'],
};
const MODELS: ModelSpecInput[] = [{ name: 'seasonal-naive' }, { name: 'linear', params: { alpha: 1 } }];

// 800 hourly rows of 50 + 0.01·i + 10·sin(2πi/24) + noise, with a temperature covariate.
const RECORDS = syntheticRecords({ n: 800, seed: 7 });
const TRAIN_END = 600; // fit on rows [0, 600)
const HISTORY = 48; // max(lookback 24, lag 48, window 6)
const H = 6;

/** Rows [from, to) observed, then H horizon rows with the target left empty (covariates known). */
function request(from: number, to: number): Record<string, unknown>[] {
  return [...RECORDS.slice(from, to), ...RECORDS.slice(to, to + H).map((r) => ({ ...r, load: '' }))];
}

function relErr(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
}

/** Everything fit() computes, recomputed in float64 TypeScript from the same building blocks. */
async function tsReference(forecaster: TwigaForecaster) {
  const cfg = forecaster.config;
  const train = seriesFor(cfg, RECORDS.slice(0, TRAIN_END));
  const scaler = fitScaler(train, [...cfg.targets, ...covariateColumns(cfg)], cfg.scaling);
  const ctx: FeatureContext = {
    config: cfg,
    layout: featureLayout(cfg),
    scalers: { '': scaler },
    periodMs: HOUR_MS,
  };
  const anchors = train.map((s) => trainingAnchors(cfg, s));
  const heads = (await fitModels(ctx, { series: train, anchors }, forecaster.models, 24)).map((f) => {
    if (f.kind !== 'linear') throw new Error('linear heads expected');
    return f.head;
  });
  const { center, scale } = scaler.load!;
  /** Forecasts in original units for the given anchors of a series, `[anchors, H]`. */
  const forecast = (head: LinearHead, s: SeriesData, at: Int32Array): Float64Array => {
    const x = new Float64Array(at.length * ctx.layout.width);
    buildFeatures(ctx, s, at, x);
    const out = new Float64Array(at.length * H);
    scoreLinearHead(head, x, at.length, out);
    return out.map((v) => v * scale + center);
  };
  return { ctx, heads, forecast, linear: heads[forecaster.models.findIndex((m) => m.name === 'linear')]! };
}

describe.each(['none', 'standard'] as const)("TwigaForecaster with scaling '%s'", (scaling) => {
  let forecaster: TwigaForecaster;
  let ref: Awaited<ReturnType<typeof tsReference>>;

  beforeAll(async () => {
    forecaster = TwigaForecaster.create({ data: { ...DATA, scaling }, models: MODELS });
    await forecaster.fit(frameFor(forecaster.config, RECORDS.slice(0, TRAIN_END)));
    ref = await tsReference(forecaster);
  });

  afterAll(async () => {
    await forecaster.close();
  });

  it('records the fitted state: models, feature names, scaler, season, windows, tail', () => {
    const { state } = forecaster;
    expect(forecaster.isFitted).toBe(true);
    expect(state.models.map((m) => m.label)).toEqual(['seasonal-naive', 'linear']);
    expect(state.featureNames).toEqual(ref.ctx.layout.names);
    expect(state.scalers).toEqual(ref.ctx.scalers);
    expect(state.seasonLength).toBe(24);
    expect(state.periodMs).toBe(HOUR_MS);
    expect(state.trainWindows).toBe(TRAIN_END - HISTORY + 1 - H);
    expect(state.tails).toHaveLength(1);
    expect(state.tails[0]!.timestamps).toEqual(
      Array.from({ length: HISTORY }, (_, i) => T0 + (TRAIN_END - HISTORY + i) * HOUR_MS),
    );
    expect(forecaster.onnxBytes.length).toBeGreaterThan(0);
  });

  it('(a) ONNX parity: predict() equals the float64 TypeScript reference (fitModels + scoreLinearHead)', async () => {
    const req = request(0, 700);
    const [naive, linear] = await forecaster.predict(frameFor(forecaster.config, req), {
      prepareTestData: false,
    });
    const s = seriesFor(forecaster.config, req, 'predict')[0]!;
    const anchor = latestAnchor(forecaster.config, s);
    expect(anchor).toBe(699);
    for (const [pred, head] of [
      [naive!, ref.heads[0]!],
      [linear!, ref.linear],
    ] as const) {
      expect(pred.shape).toEqual([1, H, 1]);
      expect(pred.targets).toEqual(['load']);
      expect(pred.seriesIds).toEqual(['']);
      expect(Array.from(pred.timestamps)).toEqual(
        Array.from({ length: H }, (_, h) => T0 + (700 + h) * HOUR_MS),
      );
      const want = ref.forecast(head, s, Int32Array.of(anchor));
      for (let i = 0; i < H; i++) {
        expect(relErr(pred.loc[i]!, want[i]!), `${pred.model} step ${i + 1}`).toBeLessThanOrEqual(REL);
      }
    }
    // The seasonal naive forecast is the value one season (24 h) before each step.
    for (let h = 0; h < H; h++) {
      expect(relErr(naive!.loc[h]!, RECORDS[700 + h - 24]!.load as number)).toBeLessThanOrEqual(REL);
    }
  });

  it('(a) ONNX parity: evaluate() metrics equal those of the TypeScript reference forecasts', async () => {
    const test = RECORDS.slice(TRAIN_END - HISTORY + 1);
    const report = await forecaster.evaluate(frameFor(forecaster.config, test));
    const s = seriesFor(forecaster.config, test)[0]!;
    const anchors = trainingAnchors(forecaster.config, s);
    expect(report.windows).toBe(anchors.length);
    expect(report.windows).toBe(test.length - HISTORY + 1 - H);
    expect(report.horizon).toBe(H);
    expect(report.targets).toEqual(['load']);
    const want = ref.forecast(ref.linear, s, anchors);
    let absErr = 0;
    let sqErr = 0;
    anchors.forEach((t, r) => {
      for (let h = 1; h <= H; h++) {
        const e = s.columns.load![t + h]! - want[r * H + h - 1]!;
        absErr += Math.abs(e);
        sqErr += e * e;
      }
    });
    const cells = anchors.length * H;
    const linear = report.models.linear!.overall;
    expect(relErr(linear.mae, absErr / cells)).toBeLessThanOrEqual(REL);
    expect(relErr(linear.rmse, Math.sqrt(sqErr / cells))).toBeLessThanOrEqual(REL);
  });

  it('(b) evaluate() reports every model; MASE of seasonal-naive is 1 overall and per step', async () => {
    const report = await forecaster.evaluate(
      frameFor(forecaster.config, RECORDS.slice(TRAIN_END - HISTORY + 1)),
    );
    expect(Object.keys(report.models).sort()).toEqual(['linear', 'seasonal-naive']);
    const naive = report.models['seasonal-naive']!;
    // With scaling 'none' ONNX reproduces the quantised values exactly; with 'standard' the float32
    // round trip through (y − centre) / scale leaves a relative error of order 1e-7.
    const tol = scaling === 'none' ? 1e-9 : 1e-5;
    expect(Math.abs(naive.overall.mase - 1)).toBeLessThanOrEqual(tol);
    expect(naive.perStep[0]).toHaveLength(H);
    for (const step of naive.perStep[0]!) expect(Math.abs(step.mase - 1)).toBeLessThanOrEqual(tol);
    // The linear model sees trend, season and temperature: it beats the baseline on this data.
    expect(report.models.linear!.overall.mase).toBeLessThan(1);
  });

  it('(c) with prepareTestData, sending only the newest rows equals predicting with the full history', async () => {
    const cfg = forecaster.config;
    const full = await forecaster.predict(frameFor(cfg, request(0, TRAIN_END + 3)), {
      prepareTestData: false,
    });
    // 3 new observed rows (< lookback 24) + the 6 horizon rows: the stored training tail supplies the rest.
    const recent = await forecaster.predict(frameFor(cfg, request(TRAIN_END, TRAIN_END + 3)));
    // Rows overlapping the tail are fine too: request rows win, the tail fills in before them.
    const overlap = await forecaster.predict(frameFor(cfg, request(TRAIN_END - 10, TRAIN_END + 3)), {
      prepareTestData: true,
    });
    expect(recent.map((p) => p.model)).toEqual(['seasonal-naive', 'linear']);
    for (const other of [recent, overlap]) {
      other.forEach((p, i) => {
        expect(Array.from(p.timestamps)).toEqual(Array.from(full[i]!.timestamps));
        expect(Array.from(p.loc)).toEqual(Array.from(full[i]!.loc));
      });
    }
    expect(full[0]!.timestamps[0]).toBe(T0 + (TRAIN_END + 3) * HOUR_MS);
  });

  it('(c) a request of horizon rows only forecasts from the end of the training data', async () => {
    const cfg = forecaster.config;
    const full = await forecaster.predict(frameFor(cfg, request(0, TRAIN_END)), { prepareTestData: false });
    const onlyHorizon = await forecaster.predict(frameFor(cfg, request(TRAIN_END, TRAIN_END)));
    onlyHorizon.forEach((p, i) => {
      expect(Array.from(p.timestamps)).toEqual(Array.from(full[i]!.timestamps));
      expect(Array.from(p.loc)).toEqual(Array.from(full[i]!.loc));
    });
    expect(full[0]!.timestamps[0]).toBe(T0 + TRAIN_END * HOUR_MS);
    const err = await rejected(
      forecaster.predict(frameFor(cfg, request(TRAIN_END, TRAIN_END)), { prepareTestData: false }),
    );
    expect((err as DataInvalidError).code).toBe('DATA_INVALID');
  });

  it('(d) too few rows with prepareTestData false → DATA_INVALID naming the target', async () => {
    const frame = frameFor(forecaster.config, request(TRAIN_END, TRAIN_END + 3));
    const err = await rejected(forecaster.predict(frame, { prepareTestData: false }));
    expect(err).toBeInstanceOf(DataInvalidError);
    expect((err as DataInvalidError).code).toBe('DATA_INVALID');
    expect((err as DataInvalidError).details).toEqual({ column: 'load' });
  });

  it('(d) new rows that do not continue the training tail are not joined to it → DATA_INVALID', async () => {
    const frame = frameFor(forecaster.config, request(TRAIN_END + 2, TRAIN_END + 5)); // 2-row gap after training
    const err = await rejected(forecaster.predict(frame));
    expect(err).toBeInstanceOf(DataInvalidError);
    expect((err as DataInvalidError).code).toBe('DATA_INVALID');
  });

  it('missing future covariate rows → DATA_INVALID naming the covariate', async () => {
    const req = request(0, 700).slice(0, 700 + 3); // only 3 of the 6 horizon rows
    const err = await rejected(forecaster.predict(frameFor(forecaster.config, req)));
    expect(err).toBeInstanceOf(DataInvalidError);
    expect((err as DataInvalidError).details).toEqual({ column: 'temp' });
  });
});

describe('TwigaForecaster.create', () => {
  function configError(fn: () => unknown): ConfigInvalidError {
    const err = thrown(fn);
    expect(err).toBeInstanceOf(ConfigInvalidError);
    expect((err as ConfigInvalidError).code).toBe('CONFIG_INVALID');
    return err as ConfigInvalidError;
  }
  const issuesOf = (err: ConfigInvalidError) =>
    (err.details as { issues: { path: string; message: string }[] }).issues;

  it('(e) an unknown key in data → CONFIG_INVALID whose details.issues name the key', () => {
    const err = configError(() =>
      TwigaForecaster.create({ data: { ...DATA, lookbackWindow: 24 } as DataPipelineConfigInput }),
    );
    const issues = issuesOf(err);
    expect(issues).toEqual(err.issues);
    expect(issues.some((i) => i.path === 'data' && i.message.includes('lookbackWindow'))).toBe(true);
  });

  it('unknown keys at the top level and in model params are named too', () => {
    const top = configError(() =>
      TwigaForecaster.create({ data: DATA, modles: [] } as Parameters<typeof TwigaForecaster.create>[0]),
    );
    expect(issuesOf(top).some((i) => i.message.includes('modles'))).toBe(true);
    const params = configError(() =>
      TwigaForecaster.create({
        data: DATA,
        models: [{ name: 'linear', params: { alpah: 1 } } as unknown as ModelSpecInput],
      }),
    );
    expect(issuesOf(params).some((i) => i.path === 'models.0.params' && i.message.includes('alpah'))).toBe(
      true,
    );
  });

  it('invalid values name their path', () => {
    const paths = (data: Partial<DataPipelineConfigInput>) =>
      issuesOf(configError(() => TwigaForecaster.create({ data: { ...DATA, ...data } }))).map((i) => i.path);
    expect(paths({ lookbackWindowSize: 0 })).toEqual(['data.lookbackWindowSize']);
    expect(paths({ period: 'fortnight' })).toEqual(['data.period']);
    expect(paths({ exogenousFeatures: ['load'] })).toEqual(['data.exogenousFeatures.0']);
  });

  it('two models with the same label (two linear models, no labels) → CONFIG_INVALID', () => {
    const err = configError(() =>
      TwigaForecaster.create({ data: DATA, models: [{ name: 'linear' }, { name: 'linear' }] }),
    );
    expect(issuesOf(err).map((i) => i.path)).toEqual(['models.1.label']);
  });

  it('two models of one type with distinct labels are fitted and reported separately', async () => {
    const f = TwigaForecaster.create({
      data: DATA,
      models: [
        { name: 'seasonal-naive' },
        { name: 'linear', label: 'ridge-small', params: { alpha: 0.01 } },
        { name: 'linear', label: 'ridge-large', params: { alpha: 1000 } },
      ],
    });
    await f.fit(frameFor(f.config, RECORDS.slice(0, 300)));
    const report = await f.evaluate(frameFor(f.config, RECORDS.slice(300 - HISTORY + 1, 400)));
    expect(Object.keys(report.models).sort()).toEqual(['ridge-large', 'ridge-small', 'seasonal-naive']);
    expect(report.models['ridge-small']!.overall.mae).not.toBe(report.models['ridge-large']!.overall.mae);
    await f.close();
  });

  it('defaults to seasonal-naive + linear', () => {
    const f = TwigaForecaster.create({ data: DATA });
    expect(f.models.map((m) => m.label)).toEqual(['seasonal-naive', 'linear']);
    expect(f.isFitted).toBe(false);
  });
});

describe('TwigaForecaster lifecycle', () => {
  const small = RECORDS.slice(0, 200);

  it('(f) predict, evaluate, state and onnxBytes before fit → MODEL_NOT_FITTED', async () => {
    const f = TwigaForecaster.create({ data: DATA, models: MODELS });
    const frame = frameFor(f.config, small);
    for (const err of [
      await rejected(f.predict(frame)),
      await rejected(f.evaluate(frame)),
      thrown(() => f.state),
      thrown(() => f.onnxBytes),
    ]) {
      expect(err).toBeInstanceOf(ModelNotFittedError);
      expect((err as ModelNotFittedError).code).toBe('MODEL_NOT_FITTED');
    }
  });

  it('after close() the forecaster is unfitted again', async () => {
    const f = TwigaForecaster.create({ data: DATA, models: MODELS });
    await f.fit(frameFor(f.config, small));
    await f.close();
    expect(f.isFitted).toBe(false);
    const err = await rejected(f.predict(frameFor(f.config, small)));
    expect((err as ModelNotFittedError).code).toBe('MODEL_NOT_FITTED');
  });

  it('fit with validation stores each model’s validation MAE', async () => {
    const f = TwigaForecaster.create({ data: DATA, models: MODELS });
    await f.fit(frameFor(f.config, RECORDS.slice(0, 400)), {
      validation: frameFor(f.config, RECORDS.slice(400 - HISTORY + 1, 500)),
    });
    const report = await f.evaluate(frameFor(f.config, RECORDS.slice(400 - HISTORY + 1, 500)));
    expect(f.state.validationMae).toEqual({
      'seasonal-naive': report.models['seasonal-naive']!.overall.mae,
      linear: report.models.linear!.overall.mae,
    });
    await f.close();
  });

  it('a seasonal-naive season the features cannot serve fails fit with CONFIG_INVALID', async () => {
    // Hourly data → season 24, but lookback 12 and no lag 24.
    const f = TwigaForecaster.create({ data: { ...DATA, lookbackWindowSize: 12, lags: [] }, models: MODELS });
    const err = await rejected(f.fit(frameFor(f.config, small)));
    expect(err).toBeInstanceOf(ConfigInvalidError);
    expect(f.isFitted).toBe(false);
  });

  it('training data shorter than history + horizon → CONFIG_INVALID', async () => {
    const f = TwigaForecaster.create({ data: DATA, models: [{ name: 'linear' }] });
    const err = await rejected(f.fit(frameFor(f.config, RECORDS.slice(0, HISTORY + H - 1))));
    expect(err).toBeInstanceOf(ConfigInvalidError);
  });
});

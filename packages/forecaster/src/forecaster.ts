import { covariateColumns, type DataPipelineConfig } from './config.js';
import { calibrationStride, conformalScores, cqrScores, decodeScores, encodeScores } from './conformal.js';
import type { Frame, SeriesData } from './data/frame.js';
import type { ColumnSpec } from './data/frame-builder.js';
import { defaultSeasonLength, parsePeriod } from './data/period.js';
import { toSeries } from './data/series.js';
import {
  ConfigInvalidError,
  DataInvalidError,
  ModelNotCalibratedError,
  ModelNotFittedError,
} from './errors.js';
import { latestAnchor, trainingAnchors } from './features/anchors.js';
import type { FeatureContext } from './features/build-features.js';
import { featureLayout } from './features/layout.js';
import { fitScalers } from './features/scaler.js';
import { fitModels, forecastGraph } from './fit-models.js';
import {
  type EvaluationReport,
  type FitOptions,
  type ForecasterOptions,
  ForecasterOptionsSchema,
  type PredictOptions,
} from './forecaster-options.js';
import { checkAlpha, intervalBounds, quantilesFromIntervals, scaledActuals } from './intervals.js';
import { type IntervalMetrics, intervalMetrics } from './metrics/interval-metrics.js';
import { computePointMetrics, type MetricsReport } from './metrics/point-metrics.js';
import { OnnxScorer } from './onnx/scorer.js';
import type { RawPrediction } from './prediction.js';
import { type Scored, scoreWindows } from './score.js';
import { type NamedModel, type PipelineState, PipelineStateSchema } from './state.js';
import { tailOf, withTail } from './tail.js';
import { batchActuals, batchSeasonalNaive } from './windows.js';
import { zodIssues } from './zod-issues.js';

interface Fitted {
  /** Decoded conformal scores per model label (from `state.calibration`). */
  calibration?: Record<string, Float32Array>;
  state: PipelineState;
  ctx: FeatureContext;
  scorer: OnnxScorer;
  onnx: Uint8Array;
}

/**
 * The forecaster: validates a pipeline config, fits every configured model on the same feature rows,
 * exports them as one ONNX graph (one output per model) and predicts through ONNX Runtime — the same
 * path in evaluation and in serving.
 */
export class TwigaForecaster {
  private fitted: Fitted | undefined;

  private constructor(
    readonly config: DataPipelineConfig,
    readonly models: readonly NamedModel[],
    /** The quantile pair calibrated by conformalized quantile regression, if configured. */
    readonly cqr: { lower: string; upper: string } | null = null,
  ) {}

  /** Validate options (`CONFIG_INVALID` names each bad field) and make an unfitted forecaster. */
  static create(options: ForecasterOptions): TwigaForecaster {
    const parsed = ForecasterOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new ConfigInvalidError(
        `invalid forecaster config: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
    const names = new Set<string>();
    const models = parsed.data.models.map((m, i) => {
      const label = m.label ?? m.name;
      if (names.has(label)) {
        throw new ConfigInvalidError(`two models are labelled ${label}: give one a distinct label`, [
          { path: `models.${i}.label`, message: 'must be unique' },
        ]);
      }
      names.add(label);
      return { ...m, label } as NamedModel;
    });
    const cqr = parsed.data.cqr ?? null;
    for (const key of ['lower', 'upper'] as const) {
      if (cqr && !names.has(cqr[key])) {
        throw new ConfigInvalidError(`cqr.${key} names no model: ${cqr[key]}`, [
          { path: `cqr.${key}`, message: `one of ${[...names].join(', ')}` },
        ]);
      }
    }
    return new TwigaForecaster(parsed.data.data, models, cqr);
  }

  /** Rebuild a fitted forecaster from checkpoint contents (validated data + ONNX bytes). */
  static async fromState(
    pipeline: unknown,
    onnx: Uint8Array,
    options: { onnxThreads?: number } = {},
  ): Promise<TwigaForecaster> {
    const parsed = PipelineStateSchema.safeParse(pipeline);
    if (!parsed.success)
      throw new ConfigInvalidError('pipeline.json does not match its schema', zodIssues(parsed.error));
    const state = parsed.data;
    const forecaster = new TwigaForecaster(state.config, state.models, state.cqr);
    const ctx = forecaster.context(state.scalers);
    const scorer = await OnnxScorer.fromBytes(
      onnx,
      options.onnxThreads === undefined ? {} : { threads: options.onnxThreads },
    );
    forecaster.fitted = { state, ctx, scorer, onnx };
    return forecaster;
  }

  /** Which columns to read from a CSV or records for this pipeline. */
  columnSpec(): ColumnSpec {
    return {
      dateColumn: this.config.dateColumn,
      numericColumns: [...this.config.targets, ...covariateColumns(this.config)],
      seriesId: this.config.seriesId,
      optionalColumns: this.config.targets,
    };
  }

  /**
   * The model the checkpoint is known by (`model_type`): among the non-baseline models the one with the
   * lowest validation MAE, else the first non-baseline model, else the baseline.
   */
  get primaryModel(): NamedModel {
    const candidates = this.models.filter((m) => m.name !== 'seasonal-naive');
    const mae = this.fitted?.state.validationMae ?? {};
    const scored = candidates.filter((m) => typeof mae[m.label] === 'number');
    if (scored.length > 0) return scored.reduce((best, m) => (mae[m.label]! < mae[best.label]! ? m : best));
    return candidates[0] ?? this.models[0]!;
  }

  /** True once fitted or loaded. */
  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  /** Fitted state (what `pipeline.json` holds). */
  get state(): PipelineState {
    return this.require().state;
  }

  /** The ONNX graph bytes of all models. */
  get onnxBytes(): Uint8Array {
    return this.require().onnx;
  }

  /** Fit scalers and every model on `train`; optionally weigh models by validation MAE. */
  async fit(train: Frame, options: FitOptions = {}): Promise<void> {
    const cfg = this.config;
    const series = toSeries(train, cfg, 'train');
    const scalers = fitScalers(series, [...cfg.targets, ...covariateColumns(cfg)], cfg.scaling);
    const ctx = this.context(scalers);
    const seasonLength = this.seasonLength();
    const anchors = series.map((s) => trainingAnchors(cfg, s));
    const validationSeries = options.validation ? toSeries(options.validation, cfg, 'train') : undefined;
    const fitted = await fitModels(
      ctx,
      {
        series,
        anchors,
        validation: validationSeries && {
          series: validationSeries,
          anchors: validationSeries.map((s) => trainingAnchors(cfg, s)),
        },
      },
      this.models,
      seasonLength,
      options.onProgress,
    );
    const onnx = forecastGraph(ctx.layout.width, this.models, fitted);
    const scorer = await OnnxScorer.fromBytes(onnx);
    const state: PipelineState = {
      formatVersion: 1,
      config: cfg,
      models: [...this.models],
      featureNames: [...ctx.layout.names],
      scalers,
      periodMs: ctx.periodMs,
      seasonLength,
      validationMae: Object.fromEntries(this.models.map((m) => [m.label, null])),
      tails: series.map((s) => tailOf(s, cfg)),
      trainedAt: new Date().toISOString(),
      trainWindows: anchors.reduce((a, b) => a + b.length, 0),
      calibration: null,
      cqr: this.cqr,
    };
    await this.fitted?.scorer.release();
    this.fitted = { state, ctx, scorer, onnx };
    if (options.validation) {
      // Validation rows are the newest the forecaster has seen: their tail serves prepare_test_data.
      this.rememberTail(options.validation);
      // The validation windows both weigh the ensemble and calibrate the conformal intervals.
      await this.calibrate(options.validation);
      const report = await this.evaluate(options.validation);
      for (const m of this.models) state.validationMae[m.label] = report.models[m.label]!.overall.mae;
    }
  }

  /** Forecast the next horizon after the last observed row of each series: one window per series. */
  async predict(frame: Frame, options: PredictOptions = {}): Promise<RawPrediction[]> {
    return (await this.scoreLatest(frame, options)).predictions;
  }

  /**
   * Forecasts with split-conformal intervals at miscoverage `alpha` (coverage 1 − α), per horizon step
   * and target. Needs calibration (`fit` with `validation`, or `calibrate`), else `MODEL_NOT_CALIBRATED`.
   */
  async predictInterval(
    frame: Frame,
    options: PredictOptions & { alpha?: number; method?: 'split' | 'cqr' } = {},
  ): Promise<RawPrediction[]> {
    const alpha = checkAlpha(options.alpha ?? 0.1);
    const calibration = this.calibration();
    const scored = await this.scoreLatest(frame, options);
    if (options.method === 'cqr') return [this.cqrInterval(scored, alpha)];
    return scored.predictions.map((p) => ({
      ...p,
      kind: 'interval' as const,
      ...intervalBounds(scored, p.model, calibration, this.config, [alpha])[0]!,
    }));
  }

  /**
   * Quantile forecasts at `levels` (each in (0, 1)) from nested conformal intervals: level τ > 0.5 is the
   * upper bound at coverage 2τ − 1, τ < 0.5 the lower bound at coverage 1 − 2τ, τ = 0.5 the point forecast.
   */
  async predictQuantiles(
    frame: Frame,
    levels: readonly number[],
    options: PredictOptions = {},
  ): Promise<RawPrediction[]> {
    const calibration = this.calibration();
    const sorted = [...levels].sort((a, b) => a - b);
    for (const tau of sorted) {
      if (!(tau > 0 && tau < 1))
        throw new ConfigInvalidError(`quantile level ${tau} is not in (0, 1)`, [
          { path: 'levels', message: 'each in (0, 1)' },
        ]);
    }
    const scored = await this.scoreLatest(frame, options);
    return scored.predictions.map((p) => ({
      ...p,
      kind: 'quantile' as const,
      quantiles: quantilesFromIntervals(scored, p.model, calibration, this.config, sorted),
      levels: sorted,
    }));
  }

  /**
   * (Re)calibrate conformal intervals on held-out windows without refitting: every full window of
   * `holdout` (strided to at most 2000) scores |y − ŷ| per model, horizon step and target.
   */
  async calibrate(holdout: Frame): Promise<void> {
    const fitted = this.require();
    const cfg = this.config;
    const series = toSeries(holdout, cfg, 'train');
    const total = series.reduce((a, s) => a + trainingAnchors(cfg, s).length, 0);
    if (total === 0)
      throw new DataInvalidError('the calibration data holds no full window (history + horizon)');
    const stride = calibrationStride(total);
    const scored = await this.score(
      series,
      series.map((s) => trainingAnchors(cfg, s, stride)),
    );
    const actual = scaledActuals(batchActuals(fitted.ctx, series, scored.batch), scored.unscale, cfg);
    const cells = cfg.forecastHorizon * cfg.targets.length;
    const decoded: Record<string, Float32Array> = {};
    const encoded: Record<string, string> = {};
    for (const m of this.models) {
      decoded[m.label] = conformalScores(scored.raw[m.label]!, actual, scored.batch.n, cells);
      encoded[m.label] = encodeScores(decoded[m.label]!);
    }
    const cqr = this.cqr
      ? encodeScores(
          cqrScores(scored.raw[this.cqr.lower]!, scored.raw[this.cqr.upper]!, actual, scored.batch.n, cells),
        )
      : undefined;
    fitted.state.calibration = {
      method: 'split',
      windows: scored.batch.n,
      scores: encoded,
      ...(cqr ? { cqr } : {}),
    };
    fitted.calibration = decoded;
  }

  /**
   * Keep the newest rows of each series of `frame` as the tail that `prepare_test_data` prepends to
   * requests (fit keeps the training data's; call this with the latest data before saving).
   */
  rememberTail(frame: Frame): void {
    const fitted = this.require();
    const series = toSeries(frame, this.config, 'train');
    const fresh = new Map(series.map((s) => [s.id, tailOf(s, this.config)]));
    const kept = fitted.state.tails.filter((t) => !fresh.has(t.id));
    fitted.state.tails = [...kept, ...fresh.values()];
  }

  /**
   * The CQR band of the configured quantile pair: [q_lo − Q, q_hi + Q] with Q the conformal quantile of the
   * CQR scores at α; `loc` is the band's midpoint. `MODEL_NOT_CALIBRATED` without CQR calibration.
   */
  private cqrInterval(scored: Scored, alpha: number): RawPrediction {
    const text = this.require().state.calibration?.cqr;
    if (!this.cqr || text === undefined) throw new ModelNotCalibratedError();
    const sorted = decodeScores(text);
    const cfg = this.config;
    const bounds = (label: string) => intervalBounds(scored, label, { [label]: sorted }, cfg, [alpha])[0]!;
    // intervalBounds gives ŷ ∓ Q; CQR needs q_lo − Q and q_hi + Q.
    const lower = bounds(this.cqr.lower).lower;
    const upper = bounds(this.cqr.upper).upper;
    const loc = lower.map((v, i) => (v + upper[i]!) / 2);
    const first = scored.predictions[0]!;
    return {
      ...first,
      kind: 'interval',
      model: `cqr(${this.cqr.lower},${this.cqr.upper})`,
      loc,
      lower,
      upper,
    };
  }

  /** Windows ending at the last observed row of each series, scored. */
  private async scoreLatest(frame: Frame, options: PredictOptions): Promise<Scored> {
    const { state, ctx } = this.require();
    let series = toSeries(frame, this.config, 'predict');
    if (options.prepareTestData ?? true) series = series.map((s) => withTail(s, state.tails, ctx.periodMs));
    const anchors = series.map((s) => Int32Array.of(latestAnchor(this.config, s)));
    return this.score(series, anchors);
  }

  /** Decoded calibration, or `MODEL_NOT_CALIBRATED`. */
  private calibration(): Record<string, Float32Array> {
    const fitted = this.require();
    if (fitted.calibration) return fitted.calibration;
    const saved = fitted.state.calibration;
    if (!saved) throw new ModelNotCalibratedError();
    fitted.calibration = Object.fromEntries(
      Object.entries(saved.scores).map(([label, text]) => [label, decodeScores(text)]),
    );
    return fitted.calibration;
  }

  /** Metrics of every model over every full window of `test` (which carries its own history). */
  async evaluate(test: Frame, options: { alpha?: number } = {}): Promise<EvaluationReport> {
    const cfg = this.config;
    const series = toSeries(test, cfg, 'train');
    const anchors = series.map((s) => trainingAnchors(cfg, s));
    const scored = await this.score(series, anchors);
    const { predictions, batch } = scored;
    const { ctx, state } = this.require();
    const actual = batchActuals(ctx, series, batch);
    const naive = batchSeasonalNaive(ctx, series, batch, state.seasonLength);
    const models: Record<string, MetricsReport> = {};
    for (const p of predictions) {
      models[p.model] = computePointMetrics({
        actual,
        forecast: p.loc,
        naive,
        n: batch.n,
        horizon: cfg.forecastHorizon,
        targets: cfg.targets.length,
      });
    }
    const report: EvaluationReport = {
      windows: batch.n,
      targets: cfg.targets,
      horizon: cfg.forecastHorizon,
      models,
    };
    if (!state.calibration) return report;
    const alpha = checkAlpha(options.alpha ?? 0.1);
    const calibration = this.calibration();
    const intervals: Record<string, IntervalMetrics> = {};
    for (const p of predictions) {
      const { lower, upper } = intervalBounds(scored, p.model, calibration, cfg, [alpha])[0]!;
      intervals[p.model] = intervalMetrics(actual, lower, upper, alpha);
    }
    if (this.cqr && state.calibration.cqr !== undefined) {
      const band = this.cqrInterval(scored, alpha);
      intervals[band.model] = intervalMetrics(actual, band.lower!, band.upper!, alpha);
    }
    return { ...report, intervals: { alpha, models: intervals } };
  }

  /** Be told of every ONNX Runtime call of this forecaster: rows scored and `run` calls joined (metrics). */
  observeOnnx(observer: ((rows: number, calls: number) => void) | undefined): void {
    this.require().scorer.observe(observer);
  }

  /** Release ONNX Runtime resources. */
  async close(): Promise<void> {
    await this.fitted?.scorer.release();
    this.fitted = undefined;
  }

  /** Run the ONNX graph on windows and turn outputs back into original units. */
  private async score(series: SeriesData[], anchors: Int32Array[]): Promise<Scored> {
    const { ctx, scorer } = this.require();
    return scoreWindows(ctx, scorer, this.models, series, anchors);
  }

  private context(scalers: FeatureContext['scalers']): FeatureContext {
    return {
      config: this.config,
      layout: featureLayout(this.config),
      scalers,
      periodMs: parsePeriod(this.config.period)!,
    };
  }

  private seasonLength(): number {
    const naive = this.models.find((m) => m.name === 'seasonal-naive');
    const explicit = naive?.name === 'seasonal-naive' ? naive.params.seasonLength : undefined;
    return explicit ?? defaultSeasonLength(parsePeriod(this.config.period)!);
  }

  private require(): Fitted {
    if (!this.fitted) throw new ModelNotFittedError();
    return this.fitted;
  }
}

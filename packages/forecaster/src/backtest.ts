import { z } from 'zod';
import { historyRowsNeeded } from './config.js';
import type { Frame } from './data/frame.js';
import { parsePeriod } from './data/period.js';
import { ConfigInvalidError } from './errors.js';
import { TwigaForecaster } from './forecaster.js';
import type { EvaluationReport, ForecasterOptions } from './forecaster-options.js';
import { POINT_METRICS, type PointMetric } from './metrics/point-metrics.js';
import { filterRows } from './split.js';
import { zodIssues } from './zod-issues.js';

/** Time-based cross-validation folds; sizes are in steps of the pipeline's period. */
export const BacktestFoldsSchema = z
  .object({
    /** `expanding`: every fold trains from the first step; `rolling`: a window of `trainSize` slides. @default expanding */
    mode: z.enum(['expanding', 'rolling']).default('expanding'),
    /** Steps in the first (expanding) or every (rolling) training window. */
    trainSize: z.number().int().positive(),
    /** Steps whose values are forecast in each fold. */
    testSize: z.number().int().positive(),
    /** Steps skipped between training and test, so no information leaks across. @default 0 */
    gap: z.number().int().nonnegative().default(0),
    /** Steps between the starts of consecutive folds. @default testSize */
    stride: z.number().int().positive().optional(),
    /** Steps at the end of each training window held out to calibrate intervals and weigh the ensemble. @default 0 */
    validationSize: z.number().int().nonnegative().default(0),
    /** At most this many folds (the first ones). */
    maxFolds: z.number().int().positive().optional(),
  })
  .strict();
/** Input of {@link BacktestFoldsSchema}. */
export type BacktestFoldsInput = z.input<typeof BacktestFoldsSchema>;

/** One fold: what it trained and tested on (epoch ms, inclusive) and its evaluation. */
export interface BacktestFold {
  index: number;
  /** First and last timestamp of the training rows. */
  train: { start: number; end: number; windows: number };
  /** First and last forecast target timestamp scored. */
  test: { start: number; end: number; windows: number };
  report: EvaluationReport;
}

/** Per model and metric: mean and standard deviation over folds. */
export type BacktestSummary = Record<string, Record<PointMetric, { mean: number; std: number }>>;

/** Result of {@link backtest}. */
export interface BacktestResult {
  folds: BacktestFold[];
  summary: BacktestSummary;
}

/**
 * Time-based cross-validation: for each fold, fit a fresh forecaster on the training window only and
 * evaluate it on the following test window (its history comes from before the test window, never its
 * targets). Folds are laid on the timestamp grid, so many series are cut at the same instants.
 */
export async function backtest(
  options: ForecasterOptions,
  frame: Frame,
  folds: BacktestFoldsInput,
  hooks: { onFold?: (done: number, total: number) => void; alpha?: number } = {},
): Promise<BacktestResult> {
  const parsed = BacktestFoldsSchema.safeParse(folds);
  if (!parsed.success) throw new ConfigInvalidError('invalid backtest folds', zodIssues(parsed.error));
  const f = parsed.data;
  const probe = TwigaForecaster.create(options);
  const period = parsePeriod(probe.config.period)!;
  const context = (historyRowsNeeded(probe.config) - 1) * period;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of frame.timestamps) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const stride = f.stride ?? f.testSize;
  const plan: { trainStart: number; trainEnd: number; testStart: number; testEnd: number }[] = [];
  for (let k = 0; ; k++) {
    const trainEnd = first + (f.trainSize + k * stride) * period; // exclusive
    const trainStart = f.mode === 'expanding' ? first : trainEnd - f.trainSize * period;
    const testStart = trainEnd + f.gap * period;
    const testEnd = testStart + f.testSize * period; // exclusive
    if (testEnd - period > last || (f.maxFolds !== undefined && k >= f.maxFolds)) break;
    plan.push({ trainStart, trainEnd, testStart, testEnd });
  }
  if (plan.length === 0) {
    throw new ConfigInvalidError('the data is too short for one fold', [
      { path: 'folds.trainSize', message: 'trainSize + gap + testSize must fit in the data' },
    ]);
  }

  const out: BacktestFold[] = [];
  for (const [index, p] of plan.entries()) {
    const forecaster = TwigaForecaster.create(options);
    const valStart = p.trainEnd - f.validationSize * period;
    const train = filterRows(frame, (t) => t >= p.trainStart && t < valStart);
    const validation =
      f.validationSize > 0 ? filterRows(frame, (t) => t >= valStart - context && t < p.trainEnd) : undefined;
    // The test frame carries `context` rows of history before testStart; its windows' targets all lie in [testStart, testEnd).
    const test = filterRows(frame, (t) => t >= p.testStart - period - context && t < p.testEnd);
    await forecaster.fit(train, validation ? { validation } : {});
    const report = await forecaster.evaluate(test, hooks.alpha === undefined ? {} : { alpha: hooks.alpha });
    const trainWindows = forecaster.state.trainWindows;
    await forecaster.close();
    out.push({
      index,
      train: { start: min(train.timestamps), end: max(train.timestamps), windows: trainWindows },
      test: { start: p.testStart, end: p.testEnd - period, windows: report.windows },
      report,
    });
    hooks.onFold?.(index + 1, plan.length);
  }
  return { folds: out, summary: summarize(out) };
}

function summarize(folds: BacktestFold[]): BacktestSummary {
  const summary: BacktestSummary = {};
  for (const model of Object.keys(folds[0]!.report.models)) {
    const perMetric = {} as Record<PointMetric, { mean: number; std: number }>;
    for (const metric of POINT_METRICS) {
      const values = folds.map((fold) => fold.report.models[model]!.overall[metric]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      perMetric[metric] = { mean, std: Math.sqrt(variance) };
    }
    summary[model] = perMetric;
  }
  return summary;
}

function min(values: Float64Array): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < m) m = v;
  return m;
}

function max(values: Float64Array): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > m) m = v;
  return m;
}

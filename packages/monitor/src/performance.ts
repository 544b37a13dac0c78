import { computePointMetrics } from '@twiga/forecaster';
import { MonitorLengthMismatchError } from './errors.js';

/**
 * Forecasts to score, flat row-major `[n, horizon, targets]` like the forecaster's `RawPrediction` (which
 * can be passed as is). `lower`/`upper` give a prediction interval; `timestamps` (`[n, horizon]`, epoch ms)
 * place each step in time for the report.
 */
export interface ForecastValues {
  readonly shape: readonly [number, number, number];
  readonly loc: Float64Array;
  readonly lower?: Float64Array | undefined;
  readonly upper?: Float64Array | undefined;
  readonly targets?: readonly string[] | undefined;
  readonly timestamps?: Float64Array | undefined;
}

/** Accuracy of forecasts against actuals over a set of cells. `null` where a metric is undefined. */
export interface PerformanceMetrics {
  /** Cells scored: actual and forecast both present. */
  count: number;
  /** Mean absolute error. */
  mae: number | null;
  /** Root mean squared error. */
  rmse: number | null;
  /** Mean error ŷ − y (bias; positive = over-forecast), Evidently's sign. */
  me: number | null;
  /**
   * Evidently's MAPE in percent (0.7, `zero_handling='replace'`): 100 · mean(aᵢ) with aᵢ = 1 when
   * |yᵢ| ≤ ε (2⁻⁵²) and |ŷᵢ − yᵢ| / max(yᵢ, ε) otherwise. A negative actual is divided by ε, so one makes
   * it astronomically large: read WMAPE or sMAPE for such targets.
   */
  mape: number | null;
  /** Σ|ŷ − y| / Σ|y| (a fraction); `null` when every actual is 0. */
  wmape: number | null;
  /** mean(2|ŷ − y| / (|y| + |ŷ|)), 0/0 terms as 0 (a fraction in [0, 2]); defined for zeros and negatives. */
  smape: number | null;
  /** Share of actuals inside [lower, upper]; `null` without an interval. */
  coverage: number | null;
  /** Mean interval width upper − lower; `null` without an interval. */
  interval_width: number | null;
}

/** Names of the metrics whose growth means worse forecasts (the degradation check reads these). */
export const DEGRADATION_METRICS = ['mae', 'rmse', 'wmape', 'smape'] as const;
/** One metric the degradation check can compare. */
export type DegradationMetric = (typeof DEGRADATION_METRICS)[number];

/** Options of a performance check. */
export interface PerformanceOptions {
  /** The reference period: its metrics, or its actuals and forecasts to score. */
  reference?: PerformanceMetrics | { actuals: Float64Array; forecasts: ForecastValues };
  /** Degraded when a metric exceeds the reference's by this factor. @default 1.2 */
  degradationRatio?: number;
  /** Metrics compared with the reference. @default ['mae', 'rmse', 'wmape'] */
  degradationMetrics?: readonly DegradationMetric[];
}

/** Defaults of {@link PerformanceOptions}. */
export const PERFORMANCE_DEFAULTS = Object.freeze({
  degradationRatio: 1.2,
  degradationMetrics: Object.freeze(['mae', 'rmse', 'wmape'] as const),
});

/** One metric compared with the reference period. */
export interface DegradationCheck {
  metric: DegradationMetric;
  current: number | null;
  reference: number | null;
  /** current / reference; `null` when either is undefined or the reference is 0. */
  ratio: number | null;
  degraded: boolean;
}

/** Outcome of a performance check. */
export interface PerformanceResult {
  /** Over every cell. */
  metrics: PerformanceMetrics;
  /** Per target. */
  per_target: Record<string, PerformanceMetrics>;
  /** Per target, MAE at each horizon step. */
  mae_by_step: Record<string, (number | null)[]>;
  reference_metrics: PerformanceMetrics | null;
  degradation_ratio: number;
  degradation: DegradationCheck[];
  /** True when any compared metric degraded. */
  degradation_detected: boolean;
  n_windows: number;
  horizon: number;
  targets: string[];
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Score forecasts against actuals (`actuals` shaped like `forecasts.loc`). Cells whose actual or forecast
 * is missing (NaN, ±Infinity) are skipped, as Evidently drops such rows. MAE, RMSE, WMAPE and sMAPE are
 * the forecaster's own point metrics (`computePointMetrics`), so training and monitoring report the same
 * numbers; ME and MAPE follow Evidently's definitions.
 */
export function computePerformance(
  actuals: Float64Array,
  forecasts: ForecastValues,
  options: PerformanceOptions = {},
): PerformanceResult {
  const [n, horizon, nTargets] = forecasts.shape;
  const cells = n * horizon * nTargets;
  checkLength('forecasts.loc', forecasts.loc.length, cells);
  checkLength('actuals', actuals.length, cells);
  if (forecasts.lower) checkLength('forecasts.lower', forecasts.lower.length, cells);
  if (forecasts.upper) checkLength('forecasts.upper', forecasts.upper.length, cells);
  const targets = forecasts.targets
    ? [...forecasts.targets]
    : Array.from({ length: nTargets }, (_, t) => `y${t}`);
  if (targets.length !== nTargets)
    throw new MonitorLengthMismatchError(`forecasts name ${targets.length} targets, shape has ${nTargets}`, {
      column: 'targets',
      expected: nTargets,
      actual: targets.length,
    });
  // A cell counts only when both sides are present; masking the actual makes the point metrics skip it too.
  const actual = actuals.map((y, i) =>
    Number.isFinite(y) && Number.isFinite(forecasts.loc[i]!) ? y : Number.NaN,
  );
  const point = computePointMetrics({
    actual,
    forecast: forecasts.loc,
    naive: forecasts.loc,
    n,
    horizon,
    targets: nTargets,
  });
  const extra = extraMetrics(actual, forecasts, nTargets);
  const merge = (p: (typeof point)['overall'], e: ExtraSums): PerformanceMetrics => ({
    count: e.count,
    mae: finiteOrNull(p.mae),
    rmse: finiteOrNull(p.rmse),
    me: e.count ? e.sumErr / e.count : null,
    mape: e.count ? finiteOrNull((100 * e.sumApe) / e.count) : null,
    wmape: finiteOrNull(p.wmape),
    smape: finiteOrNull(p.smape),
    coverage: e.intervalCount ? e.covered / e.intervalCount : null,
    interval_width: e.intervalCount ? e.sumWidth / e.intervalCount : null,
  });
  const metrics = merge(point.overall, extra[0]!);
  const perTarget: Record<string, PerformanceMetrics> = {};
  const maeByStep: Record<string, (number | null)[]> = {};
  targets.forEach((name, t) => {
    perTarget[name] = merge(point.perTarget[t]!, extra[t + 1]!);
    maeByStep[name] = point.perStep[t]!.map((m) => finiteOrNull(m.mae));
  });
  const reference =
    options.reference === undefined
      ? null
      : 'count' in options.reference
        ? options.reference
        : computePerformance(options.reference.actuals, options.reference.forecasts).metrics;
  const ratio = options.degradationRatio ?? PERFORMANCE_DEFAULTS.degradationRatio;
  const degradation = reference
    ? (options.degradationMetrics ?? PERFORMANCE_DEFAULTS.degradationMetrics).map((metric) =>
        compare(metric, metrics[metric], reference[metric], ratio),
      )
    : [];
  return {
    metrics,
    per_target: perTarget,
    mae_by_step: maeByStep,
    reference_metrics: reference,
    degradation_ratio: ratio,
    degradation,
    degradation_detected: degradation.some((d) => d.degraded),
    n_windows: n,
    horizon,
    targets,
  };
}

function compare(metric: DegradationMetric, current: number | null, reference: number | null, ratio: number) {
  const r = current === null || reference === null || reference === 0 ? null : current / reference;
  const degraded =
    current !== null && reference !== null && (reference === 0 ? current > 0 : current > reference * ratio);
  return { metric, current, reference, ratio: r, degraded };
}

function checkLength(what: string, actual: number, expected: number): void {
  if (actual !== expected)
    throw new MonitorLengthMismatchError(
      `${what} has ${actual} values, expected n·horizon·targets = ${expected}`,
      {
        column: what,
        expected,
        actual,
      },
    );
}

interface ExtraSums {
  count: number;
  sumErr: number;
  sumApe: number;
  intervalCount: number;
  covered: number;
  sumWidth: number;
}

/** ME, MAPE and interval sums: group 0 = overall, 1 + t = target t. */
function extraMetrics(actual: Float64Array, forecasts: ForecastValues, nTargets: number): ExtraSums[] {
  const groups: ExtraSums[] = Array.from({ length: nTargets + 1 }, () => ({
    count: 0,
    sumErr: 0,
    sumApe: 0,
    intervalCount: 0,
    covered: 0,
    sumWidth: 0,
  }));
  const { loc, lower, upper } = forecasts;
  const eps = Number.EPSILON;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i]!;
    if (Number.isNaN(y)) continue;
    const err = loc[i]! - y;
    // Evidently replaces the share of a near-zero actual by 1 (100%), then divides by max(y, ε), not |y|.
    const ape = Math.abs(y) <= eps ? 1 : Math.abs(err) / Math.max(y, eps);
    const lo = lower?.[i];
    const hi = upper?.[i];
    const hasInterval = lo !== undefined && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi);
    for (const g of [groups[0]!, groups[1 + (i % nTargets)]!]) {
      g.count++;
      g.sumErr += err;
      g.sumApe += ape;
      if (hasInterval) {
        g.intervalCount++;
        if (y >= lo && y <= hi) g.covered++;
        g.sumWidth += hi - lo;
      }
    }
  }
  return groups;
}

import { join } from 'node:path';
import {
  CheckpointStore,
  ConfigInvalidError,
  type Frame,
  filterRows,
  type LoadedCheckpoint,
  splitFrame,
  TwigaForecaster,
} from '@twiga/forecaster';
import { type DriftOptions, DriftSummarySchema } from '@twiga/monitor';
import { z } from 'zod';
import { readAlias, restoreAlias } from './champion-alias.js';
import { PipelineNoReferenceError, PipelineReloadFailedError } from './errors.js';
import { FLOW_RUNS_DIR, recorded } from './flow-record.js';
import {
  evaluateModel,
  fitForecaster,
  loadData,
  logToMlflow,
  type ModelMetrics,
  REFERENCE_PROFILE_FILE,
  reloadServers,
  runDriftCheck,
  saveCheckpoint,
} from './tasks.js';
import {
  dataSource,
  FLOW_SPLIT_DEFAULTS,
  type FlowCommonOptions,
  type FlowConfig,
  trackerOf,
} from './training-flow.js';

/** Metrics a promotion may compare (lower is better for each). */
export const PROMOTION_METRICS = ['mae', 'rmse', 'wmape', 'smape', 'mase'] as const;
/** One of {@link PROMOTION_METRICS}. */
export type PromotionMetric = (typeof PROMOTION_METRICS)[number];

/** Defaults of {@link RetrainingFlowOptions}. */
export const RETRAINING_DEFAULTS = Object.freeze({ metric: 'mae' as PromotionMetric, minImprovement: 0.01 });

/** Options of {@link retrainingFlow}. */
export interface RetrainingFlowOptions extends FlowCommonOptions {
  /** The challenger's config. @default the champion's data pipeline and models */
  config?: FlowConfig;
  /** Retrain even without drift (and without a reference profile). @default false */
  force?: boolean;
  /** Metric of the primary model that decides the promotion. @default 'mae' */
  metric?: PromotionMetric;
  /** Relative margin the challenger must beat the champion by: promote iff challenger < champion · (1 − m). @default 0.01 */
  minImprovement?: number;
  /** Drift test options (method, threshold, share of drifted columns). */
  drift?: DriftOptions;
  /** Where the drift HTML report goes; unset writes none. */
  reportDir?: string;
  /** Base URLs of servers to `POST /reload` after a promotion. @default none */
  servers?: readonly string[];
  /** `X-API-Key` for `/reload`. */
  apiKey?: string | undefined;
}

const MetricsSchema = z.record(z.string(), z.record(z.string(), z.number()));

/** What a retraining flow did. */
export const RetrainingResultSchema = z.object({
  retrained: z.boolean(),
  promoted: z.boolean(),
  /** Why it stopped where it did: `no-drift`, `promoted`, `not-better`, `champion-changed`. */
  reason: z.enum(['no-drift', 'promoted', 'not-better', 'champion-changed']),
  /** Drift of the current window against the champion's reference; null when forced without a reference. */
  driftSummary: DriftSummarySchema.nullable(),
  /** The version served before (and, unless promoted, after) this run. */
  championVersion: z.number().int(),
  checkpointPath: z.string().optional(),
  checkpointVersion: z.number().int().optional(),
  mlflowRunId: z.string().nullable().optional(),
  runId: z.string().optional(),
  /** The challenger's holdout metrics `{ model: { metric: value } }`. */
  metrics: MetricsSchema.optional(),
  /** The champion's metrics on the same holdout. */
  championMetrics: MetricsSchema.optional(),
  comparison: z
    .object({
      metric: z.enum(PROMOTION_METRICS),
      championModel: z.string(),
      challengerModel: z.string(),
      champion: z.number(),
      challenger: z.number(),
      minImprovement: z.number(),
    })
    .optional(),
  /** Servers that answered `/reload` with the new version. */
  servers: z.array(
    z.object({ url: z.string(), version: z.number(), previousVersion: z.number().nullable() }),
  ),
  seconds: z.number(),
});
/** What a retraining flow did. */
export type RetrainingResult = z.output<typeof RetrainingResultSchema>;

/** The model a promotion compares: the first non-baseline model, as the checkpoint's `model_type`. */
export function primaryModel(forecaster: TwigaForecaster): string {
  return (forecaster.models.find((m) => m.name !== 'seasonal-naive') ?? forecaster.models[0]!).label;
}

/** Rows of the newest `fraction` of the time range: the window drift is checked on. */
export function newestRows(frame: Frame, fraction: number): Frame {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const t of frame.timestamps) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const cut = max - (max - min) * fraction;
  return filterRows(frame, (t) => t >= cut);
}

/**
 * Retrain: check drift of the current window (the newest `testFraction` of the data) against the champion's
 * reference profile; on drift (or `force`) fit a challenger on the training part of the data, score champion
 * and challenger on the same holdout, and promote only when the challenger's metric beats the champion's by
 * `minImprovement`. A promotion saves the challenger (manifest version + 1), logs it (registered
 * `@champion` when a model name is given) and reloads every server. Nothing is saved before the decision;
 * when logging or a reload fails after the save, the manifest is rolled back to the champion, `@champion`
 * is moved back to the version it named before, and the servers that already reloaded are reloaded again,
 * so manifest, registry and servers agree on the old version, and the error is rethrown.
 */
export function retrainingFlow(options: RetrainingFlowOptions): Promise<RetrainingResult> {
  const recordDir = options.recordDir ?? join(options.checkpointDir, FLOW_RUNS_DIR);
  return recorded('retraining', recordDir, () => retrain(options));
}

async function retrain(options: RetrainingFlowOptions): Promise<RetrainingResult> {
  const started = performance.now();
  const run = { logger: options.logger, signal: options.signal };
  const metric = options.metric ?? RETRAINING_DEFAULTS.metric;
  const minImprovement = options.minImprovement ?? RETRAINING_DEFAULTS.minImprovement;
  if (
    !(PROMOTION_METRICS as readonly string[]).includes(metric) ||
    !(minImprovement >= 0 && minImprovement < 1)
  )
    throw new ConfigInvalidError('invalid promotion rule', [
      { path: 'metric', message: `one of ${PROMOTION_METRICS.join(', ')}` },
      { path: 'minImprovement', message: 'a number in [0, 1)' },
    ]);
  const store = new CheckpointStore(options.checkpointDir, {
    ...(options.retention === undefined ? {} : { retention: options.retention }),
  });
  const champion: LoadedCheckpoint = await store.load();
  const championVersion = champion.meta.version;
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const { split: splitOption, ...forecasterOptions } = options.config ?? {
      data: champion.forecaster.config,
      models: [...champion.forecaster.models],
    };
    const split = { ...FLOW_SPLIT_DEFAULTS, ...splitOption };
    const challengerSpec = TwigaForecaster.create(forecasterOptions).columnSpec();
    const championSpec = champion.forecaster.columnSpec();
    const source = (spec: typeof championSpec) =>
      typeof options.data === 'string' ? { path: options.data, spec } : { frame: options.data };
    const frame = await loadData(source(challengerSpec), run);
    const championFrame =
      JSON.stringify(championSpec) === JSON.stringify(challengerSpec)
        ? frame
        : await loadData(source(championSpec), run);

    // 1. Drift of the newest window against what the champion was trained on.
    const reference = champion.extras[REFERENCE_PROFILE_FILE];
    if (reference === undefined && !options.force) throw new PipelineNoReferenceError(options.checkpointDir);
    const driftSummary =
      reference === undefined
        ? null
        : await runDriftCheck(
            {
              reference,
              current: newestRows(championFrame, split.testFraction),
              ...(options.drift ? { options: options.drift } : {}),
              reportDir: options.reportDir,
            },
            run,
          );
    const base = { driftSummary, championVersion, servers: [] };
    if (!options.force && !driftSummary?.drift_detected) {
      options.logger?.info({ championVersion }, 'no drift: the champion stays');
      return { ...base, retrained: false, promoted: false, reason: 'no-drift', seconds: seconds() };
    }

    const tracker = trackerOf(options);
    const runName = `retrain-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    return await tracker.run({ runName, tags: { 'twiga.flow': 'retraining' } }, async (tracked) => {
      // 2. Challenger on the current training window; 3. both scored on the same holdout.
      const { forecaster: challenger, split: frames } = await fitForecaster(
        { options: forecasterOptions, frame, split, onProgress: options.onProgress },
        run,
      );
      try {
        const championHoldout = splitFrame(championFrame, champion.forecaster.config, split).test;
        const championEval = await evaluateModel(
          { forecaster: champion.forecaster, holdout: championHoldout },
          run,
        );
        const challengerEval = await evaluateModel({ forecaster: challenger, holdout: frames.test }, run);
        const championModel = primaryModel(champion.forecaster);
        const challengerModel = primaryModel(challenger);
        const comparison = {
          metric,
          championModel,
          challengerModel,
          champion: metricOf(championEval.metrics, championModel, metric),
          challenger: metricOf(challengerEval.metrics, challengerModel, metric),
          minImprovement,
        };
        const better = comparison.challenger < comparison.champion * (1 - minImprovement);
        // 4. Promotion guard: another run may have promoted meanwhile; never overwrite what it decided.
        const stillChampion = (await store.readManifest())?.version === championVersion;
        const promoted = better && stillChampion;
        const reason = !better ? 'not-better' : stillChampion ? 'promoted' : 'champion-changed';
        await tracked.setTags({ 'twiga.promoted': String(promoted), 'twiga.promotion.reason': reason });
        await tracked.logMetrics({
          'promotion.champion': comparison.champion,
          'promotion.challenger': comparison.challenger,
          ...(driftSummary ? { 'drift.dataset_drift_score': driftSummary.dataset_drift_score } : {}),
        });
        await tracked.logEvaluation(championEval.report, {
          prefix: 'champion',
          artifactDir: 'champion-evaluation',
        });
        const common = {
          ...base,
          retrained: true,
          mlflowRunId: tracked.remoteRunId ?? null,
          runId: tracked.id,
          metrics: challengerEval.metrics,
          championMetrics: championEval.metrics,
          comparison,
        };
        const logInput = {
          run: tracked,
          forecaster: challenger,
          data: { frame: frames.train, source: dataSource(options.data) },
          report: challengerEval.report,
          params: { 'promotion.metric': metric, 'promotion.min_improvement': minImprovement },
        };
        if (!promoted) {
          await logToMlflow(logInput, run);
          options.logger?.info({ comparison, reason }, 'challenger not promoted: the champion stays');
          return { ...common, promoted: false, reason, seconds: seconds() };
        }
        // 5. Save (version + 1), log and move @champion, reload: undone together if any part fails.
        const meta = await saveCheckpoint(
          {
            forecaster: challenger,
            checkpointDir: options.checkpointDir,
            reference: frames.train,
            latest: frame,
            // The champion must survive the save's pruning, or a rollback would have nothing to go back to.
            retention: Math.max(2, options.retention ?? 5),
          },
          run,
        );
        let reloaded: { url: string; version: number; previousVersion: number | null }[] = [];
        const aliasBefore = await readAlias(tracker, options.registeredModelName, 'champion');
        let aliasMoved = false;
        try {
          const logged = await logToMlflow(
            {
              ...logInput,
              checkpointDir: options.checkpointDir,
              registeredModelName: options.registeredModelName,
              onProgress: options.onProgress,
            },
            run,
          );
          aliasMoved = logged?.aliasSet === true;
          const outcome = await reloadServers({ urls: options.servers ?? [], apiKey: options.apiKey }, run);
          reloaded = outcome.reloaded;
          const failed = outcome.failed[0];
          if (failed) {
            throw failed.error instanceof PipelineReloadFailedError
              ? failed.error
              : new PipelineReloadFailedError(failed.url, failed.error.message, failed.error);
          }
        } catch (err) {
          options.logger?.error(
            { version: meta.version, championVersion, err: String(err) },
            'promotion failed after the save: rolling the manifest back to the champion',
          );
          await store.rollback(championVersion);
          if (aliasMoved && options.registeredModelName !== undefined)
            await restoreAlias(tracker, options.registeredModelName, 'champion', aliasBefore, options.logger);
          // Servers that already took the challenger go back to the champion.
          await reloadServers(
            { urls: reloaded.map((r) => r.url), apiKey: options.apiKey },
            { logger: options.logger },
          );
          await tracked.setTags({ 'twiga.promoted': 'false', 'twiga.promotion.reason': 'rolled-back' });
          throw err;
        }
        options.logger?.info({ comparison, version: meta.version }, 'challenger promoted');
        return {
          ...common,
          promoted: true,
          reason: 'promoted',
          checkpointPath: join(options.checkpointDir, meta.checkpoint_file),
          checkpointVersion: meta.version,
          servers: reloaded,
          seconds: seconds(),
        };
      } finally {
        await challenger.close();
      }
    });
  } finally {
    await champion.forecaster.close();
  }
}

function metricOf(metrics: ModelMetrics, model: string, metric: PromotionMetric): number {
  const value = metrics[model]?.[metric];
  if (value === undefined || !Number.isFinite(value))
    throw new ConfigInvalidError(`metric ${metric} of model ${model} is not available on the holdout`, [
      { path: 'metric', message: `${model}.${metric} is ${String(value)}` },
    ]);
  return value;
}

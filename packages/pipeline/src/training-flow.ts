import { join } from 'node:path';
import { type Logger, loadSettings } from '@twiga/core';
import type { FitProgress, ForecasterOptions, Frame, SplitOptions } from '@twiga/forecaster';
import { TwigaForecaster } from '@twiga/forecaster';
import { TwigaTracker } from '@twiga/tracking';
import { z } from 'zod';
import { FLOW_RUNS_DIR, recorded } from './flow-record.js';
import { evaluateModel, fitForecaster, loadData, logToMlflow, saveCheckpoint } from './tasks.js';

/** What to fit: the forecaster options plus the time split. */
export interface FlowConfig extends ForecasterOptions {
  /** @default { testFraction: 0.2, validationFraction: 0.1 } */
  split?: SplitOptions;
}

/** Default time split of the flows: last 20 % held out, 10 % before it for calibration. */
export const FLOW_SPLIT_DEFAULTS = Object.freeze({ testFraction: 0.2, validationFraction: 0.1 });

/** Options shared by both flows. */
export interface FlowCommonOptions {
  /** A CSV path, or a frame already read. */
  data: string | Frame;
  /** Checkpoint directory (`TWIGA_MODEL_CHECKPOINT_DIR`). */
  checkpointDir: string;
  /** Checkpoint versions kept. @default 5 */
  retention?: number;
  /** Where runs are tracked. @default `TwigaTracker.fromSettings(loadSettings())` */
  tracker?: TwigaTracker;
  /** Register saved checkpoints in MLflow's model registry under this name and point `champion` at them. */
  registeredModelName?: string | undefined;
  logger?: Logger | undefined;
  onProgress?: ((p: FitProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Folder of the flow-run JSON records; false writes none. @default `<checkpointDir>/flow-runs` */
  recordDir?: string | false;
}

/** Options of {@link trainingFlow}. */
export interface TrainingFlowOptions extends FlowCommonOptions {
  config: FlowConfig;
}

/** What a training flow produced. */
export const TrainingResultSchema = z.object({
  /** The saved version's directory. */
  checkpointPath: z.string(),
  checkpointVersion: z.number().int(),
  /** The MLflow run id, or null when the run went only to the local store. */
  mlflowRunId: z.string().nullable(),
  /** The local store's run id (always set). */
  runId: z.string(),
  /** Held-out metrics: `{ model: { metric: value } }`. */
  metrics: z.record(z.string(), z.record(z.string(), z.number())),
  windows: z.object({ train: z.number().int(), test: z.number().int() }),
  registeredVersion: z.string().nullable(),
  seconds: z.number(),
});
/** What a training flow produced. */
export type TrainingResult = z.output<typeof TrainingResultSchema>;

/** Where a data source came from, for the tracked dataset input. */
export function dataSource(data: string | Frame): string {
  return typeof data === 'string' ? data : 'in-memory frame';
}

/** The tracker given, or one from `TWIGA_MLFLOW_*` settings. */
export function trackerOf(options: Pick<FlowCommonOptions, 'tracker' | 'logger'>): TwigaTracker {
  return (
    options.tracker ??
    TwigaTracker.fromSettings(loadSettings(), options.logger ? { logger: options.logger } : {})
  );
}

/**
 * Train: read the data, split by time, fit every model (calibrated on the validation part), evaluate on the
 * held-out tail, save a checkpoint version with its drift reference profile, and log the run (metadata,
 * metrics, the checkpoint; registered `@champion` when a model name is given). Records the result under
 * `<checkpointDir>/flow-runs/`.
 */
export function trainingFlow(options: TrainingFlowOptions): Promise<TrainingResult> {
  const recordDir = options.recordDir ?? join(options.checkpointDir, FLOW_RUNS_DIR);
  return recorded('training', recordDir, async () => {
    const started = performance.now();
    const run = { logger: options.logger, signal: options.signal };
    const tracker = trackerOf(options);
    const runName = `train-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    return tracker.run({ runName, tags: { 'twiga.flow': 'training' } }, async (tracked) => {
      const { split: splitOptions, ...forecasterOptions } = options.config;
      const spec = TwigaForecaster.create(forecasterOptions).columnSpec();
      const frame = await loadData(
        typeof options.data === 'string' ? { path: options.data, spec } : { frame: options.data },
        run,
      );
      const { forecaster, split } = await fitForecaster(
        {
          options: forecasterOptions,
          frame,
          split: splitOptions ?? FLOW_SPLIT_DEFAULTS,
          onProgress: options.onProgress,
        },
        run,
      );
      try {
        const { report, metrics } = await evaluateModel({ forecaster, holdout: split.test }, run);
        const meta = await saveCheckpoint(
          {
            forecaster,
            checkpointDir: options.checkpointDir,
            reference: split.train,
            latest: frame,
            ...(options.retention === undefined ? {} : { retention: options.retention }),
          },
          run,
        );
        const logged = await logToMlflow(
          {
            run: tracked,
            forecaster,
            data: { frame: split.train, source: dataSource(options.data) },
            report,
            checkpointDir: options.checkpointDir,
            registeredModelName: options.registeredModelName,
            onProgress: options.onProgress,
          },
          run,
        );
        return {
          checkpointPath: join(options.checkpointDir, meta.checkpoint_file),
          checkpointVersion: meta.version,
          mlflowRunId: tracked.remoteRunId ?? null,
          runId: tracked.id,
          metrics,
          windows: { train: forecaster.state.trainWindows, test: report.windows },
          registeredVersion: logged?.version ?? null,
          seconds: (performance.now() - started) / 1000,
        };
      } finally {
        await forecaster.close();
      }
    });
  });
}

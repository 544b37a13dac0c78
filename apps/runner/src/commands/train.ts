import { loadSettings } from '@twiga/core';
import { trainingFlow } from '@twiga/pipeline';
import { TwigaTracker } from '@twiga/tracking';
import { metricsTable } from '../format.js';
import { progressReporter } from '../progress.js';
import { BUNDLED_DATA, loadTrainConfig } from '../train-config.js';

/** Options of {@link train}. */
export interface TrainOptions {
  data?: string;
  config?: string;
  checkpointDir?: string;
  json?: boolean;
  /** Register the checkpoint in the MLflow model registry under this name and point `champion` at it. */
  register?: string;
  /** Show progress of long steps on standard error. @default true */
  progress?: boolean;
}

/** What a training run produced. */
export interface TrainOutcome {
  version: number;
  checkpointDir: string;
  metrics: Record<string, Record<string, number>>;
  windows: { train: number; test: number };
  seconds: number;
  /** The tracking run (MLflow run id when a server took it, else the local store's id). */
  run: { id: string; mlflowRunId: string | undefined; registeredVersion: string | undefined };
}

/**
 * `twiga train`: the training flow (the same one the runner schedules) on a CSV, the bundled data by default:
 * split by time, fit, evaluate on the held-out tail, save a checkpoint version, log the run. Prints the
 * metrics table against seasonal naive.
 */
export async function train(options: TrainOptions, log: (line: string) => void): Promise<TrainOutcome> {
  const settings = loadSettings(
    options.checkpointDir === undefined
      ? {}
      : { overrides: { TWIGA_MODEL_CHECKPOINT_DIR: options.checkpointDir } },
  );
  const config = await loadTrainConfig(options.config);
  const tracker = TwigaTracker.fromSettings(settings);
  const checkpointDir = settings.TWIGA_MODEL_CHECKPOINT_DIR;
  const data = options.data ?? BUNDLED_DATA;
  log(`training ${config.models.map((m) => m.label ?? m.name).join(', ')} on ${data}`);
  const result = await trainingFlow({
    data,
    config,
    checkpointDir,
    retention: settings.TWIGA_CHECKPOINT_RETENTION,
    tracker,
    registeredModelName: options.register,
    ...(options.progress === false ? {} : { onProgress: progressReporter() }),
  });
  if (!options.json) {
    log(
      `\nheld-out metrics (${result.windows.test} windows, horizon ${config.data.forecastHorizon}, last ${config.split.testFraction * 100}% of the data; fitted on ${result.windows.train} windows):`,
    );
    log(metricsTable(result.metrics));
    log(`\nsaved checkpoint version ${result.checkpointVersion} (${result.checkpointPath})`);
    log(
      `tracked as run ${result.runId}${tracker.trackingUri ? ` on ${tracker.trackingUri}` : ' in the local store (twiga runs show)'}` +
        (result.registeredVersion
          ? `; registered ${options.register} version ${result.registeredVersion} @champion`
          : ''),
    );
  }
  return {
    version: result.checkpointVersion,
    checkpointDir,
    metrics: result.metrics,
    windows: result.windows,
    seconds: result.seconds,
    run: {
      id: result.runId,
      mlflowRunId: result.mlflowRunId ?? undefined,
      registeredVersion: result.registeredVersion ?? undefined,
    },
  };
}

import { loadSettings } from '@twiga/core';
import {
  CheckpointStore,
  type IntervalMetrics,
  readCsv,
  splitFrame,
  TwigaForecaster,
} from '@twiga/forecaster';
import { buildReferenceProfile, serializeReferenceProfile } from '@twiga/monitor';
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

/** Train on a CSV (the bundled data by default), evaluate on the held-out tail, save a checkpoint version. */
export async function train(options: TrainOptions, log: (line: string) => void): Promise<TrainOutcome> {
  const started = performance.now();
  const settings = loadSettings(
    options.checkpointDir === undefined
      ? {}
      : { overrides: { TWIGA_MODEL_CHECKPOINT_DIR: options.checkpointDir } },
  );
  const config = await loadTrainConfig(options.config);
  const tracker = TwigaTracker.fromSettings(settings);
  const runName = `train-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  return tracker.run({ runName, tags: { 'twiga.command': 'train' } }, async (run) => {
    const forecaster = TwigaForecaster.create({ data: config.data, models: config.models, cqr: config.cqr });
    const dataPath = options.data ?? BUNDLED_DATA;
    const frame = await readCsv(dataPath, forecaster.columnSpec());
    log(`read ${frame.length} rows from ${dataPath}`);
    const { train: trainFrame, validation, test } = splitFrame(frame, forecaster.config, config.split);
    await forecaster.fit(trainFrame, {
      ...(validation ? { validation } : {}),
      ...(options.progress === false ? {} : { onProgress: progressReporter() }),
    });
    log(
      `fitted ${forecaster.models.map((m) => m.label).join(', ')} on ${forecaster.state.trainWindows} windows`,
    );
    const report = await forecaster.evaluate(test, { alpha: 0.1 });
    await run.logForecasterMetadata(forecaster, {
      name: 'training-data',
      source: dataPath,
      frame: trainFrame,
    });
    await run.logEvaluation(report);
    // Requests to the server continue from the newest data, so that is the tail prepare_test_data prepends.
    forecaster.rememberTail(frame);
    const store = new CheckpointStore(settings.TWIGA_MODEL_CHECKPOINT_DIR, {
      retention: settings.TWIGA_CHECKPOINT_RETENTION,
    });
    // What drift checks at serving time compare with: the training rows, profiled once (POST /monitor/drift).
    const profile = buildReferenceProfile(trainFrame);
    const meta = await store.save(forecaster, {
      extras: { 'reference_profile.json': serializeReferenceProfile(profile) },
    });
    const logged = await run.logModel(
      settings.TWIGA_MODEL_CHECKPOINT_DIR,
      options.register === undefined ? {} : { registeredModelName: options.register, alias: 'champion' },
    );
    const trainWindows = forecaster.state.trainWindows;
    await forecaster.close();
    if (!options.json) {
      log(
        `\nheld-out metrics (${report.windows} windows, horizon ${report.horizon}, last ${config.split.testFraction * 100}% of the data):`,
      );
      log(metricsTable(report));
      log(
        `\nsaved checkpoint version ${meta.version} (${meta.checkpoint_file}) in ${settings.TWIGA_MODEL_CHECKPOINT_DIR}`,
      );
      log(
        `tracked as run ${run.id}${tracker.trackingUri ? ` on ${tracker.trackingUri}` : ' in the local store (twiga runs show)'}` +
          (logged.version ? `; registered ${options.register} version ${logged.version} @champion` : ''),
      );
    }
    return {
      version: meta.version,
      checkpointDir: settings.TWIGA_MODEL_CHECKPOINT_DIR,
      metrics: Object.fromEntries(
        Object.entries(report.models).map(([name, m]) => [
          name,
          { ...m.overall, ...intervalColumns(report.intervals?.models[name]) },
        ]),
      ),
      windows: { train: trainWindows, test: report.windows },
      seconds: (performance.now() - started) / 1000,
      run: { id: run.id, mlflowRunId: run.remoteRunId, registeredVersion: logged.version },
    };
  });
}

/** Interval metrics as flat metric names (`coverage90`, `width90`, `winkler90`) for JSON output. */
function intervalColumns(m: IntervalMetrics | undefined): Record<string, number> {
  return m ? { coverage90: m.coverage, width90: m.meanWidth, winkler90: m.winkler } : {};
}

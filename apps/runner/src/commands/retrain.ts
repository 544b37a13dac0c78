import { createLogger, loadSettings } from '@twiga/core';
import { type PromotionMetric, type RetrainingResult, retrainingFlow } from '@twiga/pipeline';
import { TwigaTracker } from '@twiga/tracking';
import { table } from '../format.js';
import { progressReporter } from '../progress.js';
import { BUNDLED_DATA, loadTrainConfig } from '../train-config.js';

/** Exit code of a retraining that kept the champion (no drift, or the challenger was not better). */
export const EXIT_NOT_PROMOTED = 3;

/** Options of {@link retrain}. */
export interface RetrainOptions {
  data?: string;
  /** Challenger config; unset = the champion's pipeline and models. */
  config?: string;
  checkpointDir?: string;
  /** Base URLs of servers to `POST /reload` after a promotion. */
  server?: string[];
  force?: boolean;
  /** Register a promoted checkpoint under this name and move `@champion` to it. */
  register?: string;
  metric?: PromotionMetric;
  minImprovement?: number;
  json?: boolean;
  progress?: boolean;
}

/** First API key of `TWIGA_SERVE_API_KEY` (a comma-separated list while keys rotate). */
export function firstApiKey(keys: string | undefined): string | undefined {
  return keys
    ?.split(',')
    .map((k) => k.trim())
    .find((k) => k !== '');
}

/**
 * Retrain against the current checkpoint: drift check, challenger, comparison on the same holdout,
 * promotion, reload. Returns the result and the exit code (0 promoted, 3 champion kept).
 */
export async function retrain(
  options: RetrainOptions,
  log: (line: string) => void,
): Promise<{ result: RetrainingResult; exitCode: number }> {
  const settings = loadSettings(
    options.checkpointDir === undefined
      ? {}
      : { overrides: { TWIGA_MODEL_CHECKPOINT_DIR: options.checkpointDir } },
  );
  const logger = createLogger(settings, { name: 'twiga-retrain', destination: process.stderr });
  const config = options.config === undefined ? undefined : await loadTrainConfig(options.config);
  const result = await retrainingFlow({
    data: options.data ?? BUNDLED_DATA,
    checkpointDir: settings.TWIGA_MODEL_CHECKPOINT_DIR,
    retention: settings.TWIGA_CHECKPOINT_RETENTION,
    tracker: TwigaTracker.fromSettings(settings, { logger }),
    logger,
    servers: options.server ?? [],
    apiKey: firstApiKey(settings.TWIGA_SERVE_API_KEY),
    registeredModelName: options.register,
    ...(config === undefined ? {} : { config }),
    ...(options.force ? { force: true } : {}),
    ...(options.metric === undefined ? {} : { metric: options.metric }),
    ...(options.minImprovement === undefined ? {} : { minImprovement: options.minImprovement }),
    ...(options.progress === false || options.json ? {} : { onProgress: progressReporter() }),
  });
  if (!options.json) describe(result, log);
  return { result, exitCode: result.promoted ? 0 : EXIT_NOT_PROMOTED };
}

function describe(r: RetrainingResult, log: (line: string) => void): void {
  const d = r.driftSummary;
  log(
    d === null
      ? 'drift: not checked (forced, no reference profile)'
      : `drift: ${d.drift_detected ? 'DETECTED' : 'none'} (${d.n_drifted}/${d.total} columns, share ${d.dataset_drift_score.toFixed(2)})`,
  );
  if (d)
    log(
      table(
        ['column', 'test', 'score', 'threshold', 'drift'],
        d.columns.map((c) => [
          c.column,
          c.method,
          c.score.toPrecision(4),
          String(c.threshold),
          c.drift_detected ? 'yes' : 'no',
        ]),
      ),
    );
  if (r.comparison) {
    const c = r.comparison;
    log(
      `\n${c.metric} on the same holdout: champion v${r.championVersion} ${c.championModel} ${c.champion.toFixed(4)}, challenger ${c.challengerModel} ${c.challenger.toFixed(4)} (needs < ${(c.champion * (1 - c.minImprovement)).toFixed(4)})`,
    );
  }
  const outcome: Record<RetrainingResult['reason'], string> = {
    'no-drift': `no drift: champion v${r.championVersion} stays (use --force to retrain anyway)`,
    'not-better': `challenger not better: champion v${r.championVersion} stays`,
    'champion-changed': 'another run promoted a new champion meanwhile: challenger discarded',
    promoted: `promoted: checkpoint version ${r.checkpointVersion} (${r.checkpointPath})`,
  };
  log(outcome[r.reason]);
  for (const s of r.servers) log(`reloaded ${s.url}: v${s.previousVersion ?? '-'} → v${s.version}`);
}

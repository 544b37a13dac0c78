import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ConfigInvalidError, ForecasterOptionsSchema, zodIssues } from '@twiga/forecaster';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * A training config file (JSON or YAML): the data pipeline, the models, and the time split. The same zod
 * schemas the forecaster uses validate it, so an unknown key anywhere is an error naming its path.
 */
export const TrainConfigSchema = ForecasterOptionsSchema.extend({
  split: z
    .object({
      /** Last fraction of the time range held out for the metrics table. @default 0.2 */
      testFraction: z.number().gt(0).lt(1).default(0.2),
      /** Fraction before the test part used to weigh the ensemble. @default 0.1 */
      validationFraction: z.number().min(0).lt(1).default(0.1),
    })
    .strict()
    .default({ testFraction: 0.2, validationFraction: 0.1 }),
}).strict();
/** Parsed training config. */
export type TrainConfig = z.output<typeof TrainConfigSchema>;

/** The bundled dataset: half-hourly electricity demand of Victoria, Australia (see data/README.md). */
export const BUNDLED_DATA = fileURLToPath(new URL('../../../data/vic_elec.csv', import.meta.url));

/**
 * Default config for the bundled data, as Python Twiga's 30-minute tutorial sets it up: one day ahead
 * from two days of history, daily and weekly lags, temperature as a known-ahead covariate.
 */
export const DEFAULT_TRAIN_CONFIG = Object.freeze({
  data: {
    dateColumn: 'Time',
    targets: ['Demand'],
    period: '30min',
    lookbackWindowSize: 96,
    forecastHorizon: 48,
    lags: [48, 336],
    rollingWindows: [48],
    calendarFeatures: ['hour', 'dayofweek', 'month'],
    exogenousFeatures: ['Temperature'],
    futureCovariates: ['Holiday'],
    scaling: 'standard',
  },
  // GBDT settings trade a little accuracy for a fit of about a minute on two cores: 100 rounds at rate 0.1
  // on half the rows per round, stopped early on the validation windows.
  models: [
    { name: 'seasonal-naive', params: {} },
    { name: 'linear', params: { alpha: 1 } },
    {
      name: 'gbdt',
      params: {
        nEstimators: 100,
        learningRate: 0.1,
        baggingFraction: 0.5,
        baggingFreq: 1,
        earlyStoppingRounds: 10,
      },
    },
  ],
  split: { testFraction: 0.2, validationFraction: 0.1 },
} as const);

/** Read and validate a config file (`.json`, `.yaml`, `.yml`); `CONFIG_INVALID` names each bad path. */
export async function loadTrainConfig(path: string | undefined): Promise<TrainConfig> {
  let raw: unknown = DEFAULT_TRAIN_CONFIG;
  if (path !== undefined) {
    const text = await readFile(path, 'utf8').catch((err: unknown) => {
      throw new ConfigInvalidError(
        `cannot read config ${path}`,
        [{ path: '(file)', message: (err as Error).message }],
        err,
      );
    });
    try {
      raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
    } catch (err) {
      throw new ConfigInvalidError(
        `config ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}`,
        [],
        err,
      );
    }
  }
  const parsed = TrainConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    throw new ConfigInvalidError(
      `invalid config: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return parsed.data;
}

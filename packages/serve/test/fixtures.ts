import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, type SettingsInput, type TwigaSettings } from '@twiga/core';
import { CheckpointStore, fromRecords, TwigaForecaster, type VersionMeta } from '@twiga/forecaster';
import { buildReferenceProfile, REFERENCE_PROFILE_FILE, serializeReferenceProfile } from '@twiga/monitor';
import { afterAll, beforeAll } from 'vitest';
import { hourlyDemand } from '../../forecaster/src/test-utils.js';
import { createApp, type TwigaApp } from '../src/index.js';

/** Hourly synthetic demand with a daily cycle and a known-ahead temperature, deterministic. */
export function syntheticRecords(
  rows: number,
  start = Date.UTC(2024, 0, 1),
): Record<string, string | number | null>[] {
  return hourlyDemand(rows, start);
}

/** The small pipeline the server tests train: 24 h lookback, 6 h horizon, temperature known ahead. */
export const TEST_CONFIG = {
  data: {
    dateColumn: 'time',
    targets: ['load'],
    period: '1h',
    lookbackWindowSize: 24,
    forecastHorizon: 6,
    lags: [24],
    calendarFeatures: ['hour' as const],
    exogenousFeatures: ['temp'],
  },
  models: [{ name: 'seasonal-naive' as const }, { name: 'linear' as const, params: { alpha: 0.1 } }],
};

/** Train on synthetic data and save one checkpoint version into `dir`. */
export async function saveCheckpoint(dir: string, rows = 400, alpha = 0.1): Promise<VersionMeta> {
  const forecaster = TwigaForecaster.create({
    data: TEST_CONFIG.data,
    models: [{ name: 'seasonal-naive' }, { name: 'linear', params: { alpha } }],
  });
  // The last 100 rows (with their history) calibrate the conformal intervals.
  const all = syntheticRecords(rows);
  const spec = forecaster.columnSpec();
  await forecaster.fit(fromRecords(all.slice(0, rows - 100), spec), {
    validation: fromRecords(all.slice(rows - 100 - 29), spec),
  });
  const meta = await new CheckpointStore(dir).save(forecaster);
  await forecaster.close();
  return meta;
}

/** A temp checkpoint dir plus settings pointing at it; `cleanup` removes it. */
export async function tempSettings(
  overrides: SettingsInput = {},
): Promise<{ dir: string; settings: TwigaSettings; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'twiga-serve-'));
  const settings = loadSettings({
    env: {},
    envFile: false,
    overrides: { TWIGA_MODEL_CHECKPOINT_DIR: dir, TWIGA_LOG_LEVEL: 'silent', ...overrides },
  });
  return { dir, settings, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A valid /predict body: the last `history` rows plus `future` rows whose load is withheld. */
export function predictBody(
  history = 24,
  future = 6,
  total = 400,
): { records: Record<string, string | number | null>[] } {
  const all = syntheticRecords(total + future);
  const records = all.slice(total - history).map((r, i) => (i >= history ? { ...r, load: null } : r));
  return { records };
}

/** A temp checkpoint dir and its settings (see {@link tempSettings}). */
export type TempSettings = Awaited<ReturnType<typeof tempSettings>>;

/**
 * Inside a `describe`: train and save a checkpoint and build an app over it before the tests, close both
 * after. Read `app` and `env` in the tests (they are set once `beforeAll` has run).
 */
export function useServedApp(overrides: SettingsInput = {}): {
  readonly app: TwigaApp;
  readonly env: TempSettings;
} {
  const state: { app?: TwigaApp; env?: TempSettings } = {};
  beforeAll(async () => {
    state.env = await tempSettings(overrides);
    await saveCheckpoint(state.env.dir);
    state.app = await createApp({ settings: state.env.settings });
  });
  afterAll(async () => {
    await state.app?.close();
    await state.env?.cleanup();
  });
  return {
    get app() {
      return state.app!;
    },
    get env() {
      return state.env!;
    },
  };
}

/**
 * A checkpoint with everything a route can use, so a 5xx can only be a bug: conformal calibration (for
 * `/predict-interval`) and the reference profile (for `/monitor/drift`).
 */
export async function saveFullCheckpoint(dir: string): Promise<void> {
  const forecaster = TwigaForecaster.create({ data: TEST_CONFIG.data, models: TEST_CONFIG.models });
  const spec = forecaster.columnSpec();
  const all = syntheticRecords(400);
  const train = fromRecords(all.slice(0, 300), spec);
  await forecaster.fit(train, { validation: fromRecords(all.slice(300 - 29), spec) });
  await new CheckpointStore(dir).save(forecaster, {
    extras: { [REFERENCE_PROFILE_FILE]: serializeReferenceProfile(buildReferenceProfile(train)) },
  });
  await forecaster.close();
}

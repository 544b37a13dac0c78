import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CheckpointStore,
  type EvaluationReport,
  type Frame,
  fromRecords,
  type RawPrediction,
  splitFrame,
  TwigaForecaster,
  type VersionMeta,
} from '@twiga/forecaster';
import { hourlyDemand } from '../../forecaster/src/test-utils.js';

/** Hourly synthetic demand with a daily cycle and a known-ahead temperature, deterministic. */
export function syntheticRecords(
  rows: number,
  start = Date.UTC(2024, 0, 1),
): Record<string, string | number>[] {
  return hourlyDemand(rows, start);
}

/** A small pipeline: 24 h lookback, 6 h horizon, a daily lag, temperature known ahead. */
export const CONFIG = {
  dateColumn: 'time',
  targets: ['load'],
  period: '1h',
  lookbackWindowSize: 24,
  forecastHorizon: 6,
  lags: [24],
  calendarFeatures: ['hour' as const],
  exogenousFeatures: ['temp'],
};

/** A trained forecaster with what a training run logs: data, held-out report, forecasts, a checkpoint. */
export interface Trained {
  forecaster: TwigaForecaster;
  frame: Frame;
  report: EvaluationReport;
  predictions: RawPrediction[];
  checkpointDir: string;
  meta: VersionMeta;
}

/** Train on synthetic data, evaluate on the last 20 %, save one checkpoint version in a temp dir. */
export async function trainSmall(rows = 400, alpha = 0.1): Promise<Trained> {
  const forecaster = TwigaForecaster.create({
    data: CONFIG,
    models: [{ name: 'seasonal-naive' }, { name: 'linear', params: { alpha } }],
  });
  const frame = fromRecords(syntheticRecords(rows), forecaster.columnSpec());
  const { train, test } = splitFrame(frame, forecaster.config, { testFraction: 0.2 });
  await forecaster.fit(train);
  const report = await forecaster.evaluate(test);
  const history = syntheticRecords(rows + 6).map((r, i) => (i >= rows ? { ...r, load: null } : r));
  const predictions = await forecaster.predict(fromRecords(history.slice(-30), forecaster.columnSpec()));
  const checkpointDir = await mkdtemp(join(tmpdir(), 'twiga-tracking-ck-'));
  const meta = await new CheckpointStore(checkpointDir).save(forecaster);
  return { forecaster, frame, report, predictions, checkpointDir, meta };
}

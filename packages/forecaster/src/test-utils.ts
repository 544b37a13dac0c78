// Shared fixtures for the unit tests of this package (imported only by *.test.ts files).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  covariateColumns,
  type DataPipelineConfig,
  type DataPipelineConfigInput,
  DataPipelineConfigSchema,
} from './config.js';
import type { Frame, SeriesData } from './data/frame.js';
import type { ColumnSpec } from './data/frame-builder.js';
import { fromRecords } from './data/read-csv.js';
import { type SeriesMode, toSeries } from './data/series.js';
import { seededRandom } from './models/gbdt/random.js';

/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;

/** 2024-01-01T00:00:00Z (a Monday) in epoch ms: the default start of synthetic series. */
export const T0 = Date.UTC(2024, 0, 1);

/** mulberry32: a tiny seedable PRNG returning uniform floats in [0, 1), so test data is reproducible. */
export const prng = seededRandom;

/** A standard-normal sampler (Box–Muller) driven by a seeded uniform generator. */
export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** ISO 8601 UTC text (`…Z`) of epoch ms, as a CSV or JSON client would send it. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Options of {@link syntheticRecords}. */
export interface SyntheticOptions {
  /** Rows. */
  n: number;
  /** Epoch ms of the first row. @default T0 */
  start?: number;
  /** Step between rows in ms. @default HOUR_MS */
  periodMs?: number;
  /** Steps per sine cycle. @default 24 */
  season?: number;
  /** Constant level. @default 50 */
  level?: number;
  /** Added per step. @default 0.01 */
  trend?: number;
  /** Sine amplitude. @default 10 */
  amplitude?: number;
  /** Std of the gaussian noise. @default 0.5 */
  noise?: number;
  /** PRNG seed. @default 1 */
  seed?: number;
  /** Target column name. @default 'load' */
  target?: string;
  /** Name of an extra covariate column (a noisy, phase-shifted sine), or none. @default 'temp' */
  covariate?: string | undefined;
}

/**
 * Hourly records `{ ts, load, temp }`: sine + linear trend + seeded noise. Values are rounded to 1/256 so
 * float32 (what ONNX sees) holds them exactly.
 */
export function syntheticRecords(options: SyntheticOptions): Record<string, unknown>[] {
  const {
    n,
    start = T0,
    periodMs = HOUR_MS,
    season = 24,
    level = 50,
    trend = 0.01,
    amplitude = 10,
  } = options;
  const { noise = 0.5, seed = 1, target = 'load', covariate = 'temp' } = options;
  const normal = gaussian(prng(seed));
  const q = (v: number) => Math.round(v * 256) / 256;
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const phase = (2 * Math.PI * i) / season;
    const row: Record<string, unknown> = {
      ts: iso(start + i * periodMs),
      [target]: q(level + trend * i + amplitude * Math.sin(phase) + noise * normal()),
    };
    if (covariate !== undefined) row[covariate] = q(15 + 5 * Math.sin(phase - 1) + 0.5 * normal());
    out.push(row);
  }
  return out;
}

/** Validate a pipeline config through its schema (filling defaults), as the forecaster does. */
export function pipelineConfig(input: DataPipelineConfigInput): DataPipelineConfig {
  return DataPipelineConfigSchema.parse(input);
}

/** The column spec the forecaster uses for a config (targets optional, for predict requests). */
export function specFor(cfg: DataPipelineConfig): ColumnSpec {
  return {
    dateColumn: cfg.dateColumn,
    numericColumns: [...cfg.targets, ...covariateColumns(cfg)],
    seriesId: cfg.seriesId,
    optionalColumns: cfg.targets,
  };
}

/** Records → frame with the config's column spec. */
export function frameFor(cfg: DataPipelineConfig, records: readonly Record<string, unknown>[]): Frame {
  return fromRecords(records, specFor(cfg));
}

/** Records → checked series (`toSeries`) with the config's column spec. */
export function seriesFor(
  cfg: DataPipelineConfig,
  records: readonly Record<string, unknown>[],
  mode: SeriesMode = 'train',
): SeriesData[] {
  return toSeries(frameFor(cfg, records), cfg, mode);
}

/** The error `fn` throws; throws itself when `fn` returns normally (so a test can inspect `code`/`details`). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** The error the promise rejects with; throws itself when it resolves. */
export async function rejected(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** A fresh temporary directory under the OS temp dir (callers remove it). */
export function tempDir(prefix = 'twiga-forecaster-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** One row of {@link hourlyDemand}. */
export type HourlyDemandRow = { time: string; load: number; temp: number };

/**
 * Hourly synthetic demand with a daily cycle and a known-ahead temperature, deterministic: the small data
 * the serve and tracking tests train on.
 */
export function hourlyDemand(rows: number, start = Date.UTC(2024, 0, 1)): HourlyDemandRow[] {
  const out: HourlyDemandRow[] = [];
  for (let i = 0; i < rows; i++) {
    const temp = 20 + 5 * Math.sin((2 * Math.PI * i) / 24 + 1);
    out.push({
      time: new Date(start + i * 3_600_000).toISOString(),
      load: 100 + 10 * Math.sin((2 * Math.PI * i) / 24) + 0.5 * temp + ((i * 7919) % 13) / 13,
      temp,
    });
  }
  return out;
}

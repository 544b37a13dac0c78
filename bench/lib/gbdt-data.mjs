/**
 * The GBDT benchmark's data: the real feature matrix of the bundled vic_elec dataset under the default
 * training config (one day ahead from two days of history: 297 features, 48 targets), built with the
 * forecaster's own feature builder, split by time into train / (skipped validation) / test windows, and
 * written as raw binary files that the TypeScript and the LightGBM side both read.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_DATA, DEFAULT_TRAIN_CONFIG } from '../../apps/runner/dist/train-config.js';
import {
  buildFeatures,
  buildTargets,
  DataPipelineConfigSchema,
  featureLayout,
  historyRowsNeeded,
  parsePeriod,
  readCsv,
  TwigaForecaster,
  toSeries,
} from '../../packages/forecaster/dist/index.js';

/**
 * Builds the matrices. Windows (anchors) are time-ordered; with the default split the first 70 % train,
 * the next 10 % (validation in `twiga train`) are left out, the last 20 % test. Targets and covariates
 * are standard-scaled with the training rows' mean and std, as the forecaster does.
 */
export async function vicElecMatrix({ testFraction = 0.2, validationFraction = 0.1 } = {}) {
  const cfg = DataPipelineConfigSchema.parse(DEFAULT_TRAIN_CONFIG.data);
  const frame = await readCsv(BUNDLED_DATA, TwigaForecaster.create({ data: cfg }).columnSpec());
  const [series] = toSeries(frame, cfg, 'train');
  const H = cfg.forecastHorizon;
  const first = historyRowsNeeded(cfg) - 1;
  const windows = series.length - H - first;
  const anchors = Int32Array.from({ length: windows }, (_, i) => first + i);
  const nTest = Math.round(windows * testFraction);
  const nTrain = windows - nTest - Math.round(windows * validationFraction);
  // Scaling statistics from the rows the training windows see (history and targets).
  const lastTrainRow = anchors[nTrain - 1] + H;
  const scaler = {};
  for (const name of [...cfg.targets, ...new Set([...cfg.exogenousFeatures, ...cfg.futureCovariates])]) {
    const col = series.columns[name].subarray(0, lastTrainRow + 1);
    const mean = col.reduce((a, v) => a + v, 0) / col.length;
    const std = Math.sqrt(col.reduce((a, v) => a + (v - mean) ** 2, 0) / col.length);
    scaler[name] = { center: mean, scale: std > 1e-12 ? std : 1 };
  }
  const layout = featureLayout(cfg);
  // `scalers` is keyed by series id ('' for single-series data).
  const ctx = { config: cfg, layout, scalers: { [series.id]: scaler }, periodMs: parsePeriod(cfg.period) };
  const p = layout.width;
  const k = H * cfg.targets.length;
  const take = (from, to) => {
    const a = anchors.subarray(from, to);
    const x = new Float32Array(a.length * p);
    const y = new Float64Array(a.length * k);
    buildFeatures(ctx, series, a, x);
    buildTargets(ctx, series, a, y);
    return { n: a.length, x, y };
  };
  const target = scaler[cfg.targets[0]];
  return { p, k, train: take(0, nTrain), test: take(windows - nTest, windows), scale: target.scale };
}

/** Writes the matrices for the Python side: float32 / float64 little-endian raw files and a JSON header. */
export async function writeMatrix(dir, data, meta) {
  const raw = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  await writeFile(join(dir, 'x_train.f32'), raw(data.train.x));
  await writeFile(join(dir, 'y_train.f64'), raw(data.train.y));
  await writeFile(join(dir, 'x_test.f32'), raw(data.test.x));
  await writeFile(join(dir, 'y_test.f64'), raw(data.test.y));
  const header = { p: data.p, k: data.k, nTrain: data.train.n, nTest: data.test.n, ...meta };
  await writeFile(join(dir, 'meta.json'), JSON.stringify(header));
}

/** Mean absolute error of predictions [n, stride] column `j` against targets [n, k] column `j`. */
export function maeOf(pred, predStride, predCol, y, k, j, n) {
  let s = 0;
  for (let r = 0; r < n; r++) s += Math.abs(pred[r * predStride + predCol] - y[r * k + j]);
  return s / n;
}

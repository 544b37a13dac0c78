import { createHash } from 'node:crypto';
import { FORECASTER_VERSION, type Frame, featureLayout, type TwigaForecaster } from '@twiga/forecaster';
import { MLFLOW_LIMITS } from '../client/batch.js';

/** The training data of a run, logged as an MLflow dataset input. */
export interface DataDescription {
  /** Dataset name. @default 'training-data' */
  name?: string;
  /** Where the data came from: a file path or URI. @default 'unknown' */
  source?: string;
  /** The frame trained on: its digest (and row count, columns) are computed from the values. */
  frame?: Frame;
  /** A digest to log instead of computing one from `frame`. */
  digest?: string;
  /** `mlflow.data.context` of the input. @default 'training' */
  context?: string;
}

/** A dataset input as the tracker stores and logs it. */
export interface DatasetInfo {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string | undefined;
  profile?: string | undefined;
  context?: string | undefined;
}

/** What {@link forecasterMetadata} derives from a forecaster. */
export interface ForecasterMetadata {
  params: Record<string, string>;
  tags: Record<string, string>;
  featureNames: readonly string[];
  dataset: DatasetInfo | undefined;
}

/**
 * Params, tags, feature list and dataset input describing a forecaster: the pipeline config flattened to
 * `data.*` params, each model's type and params as `model.<label>.*`, `model_type` (the primary model),
 * `n_features`, and the data's digest and source.
 */
export function forecasterMetadata(forecaster: TwigaForecaster, data?: DataDescription): ForecasterMetadata {
  const params: Record<string, string> = {};
  flatten(forecaster.config as unknown as Record<string, unknown>, 'data', params);
  for (const m of forecaster.models) {
    params[`model.${safeKey(m.label)}.type`] = m.name;
    flatten(m.params as Record<string, unknown>, `model.${safeKey(m.label)}`, params);
  }
  const primary = forecaster.models.find((m) => m.name !== 'seasonal-naive') ?? forecaster.models[0];
  const featureNames = featureLayout(forecaster.config).names;
  params.model_type = primary?.name ?? 'unknown';
  params.models = forecaster.models.map((m) => m.label).join(',');
  params.n_features = String(featureNames.length);
  const tags: Record<string, string> = { 'twiga.forecaster_version': FORECASTER_VERSION };
  if (forecaster.isFitted) {
    tags['twiga.trained_at'] = forecaster.state.trainedAt;
    params.train_windows = String(forecaster.state.trainWindows);
  }
  return { params, tags, featureNames, dataset: data === undefined ? undefined : datasetInfo(data) };
}

/** A dataset input from a data description: digest from the frame's values when not given. */
export function datasetInfo(data: DataDescription): DatasetInfo {
  const frame = data.frame;
  const digest = data.digest ?? (frame ? frameDigest(frame) : 'unknown');
  const info: DatasetInfo = {
    name: data.name ?? 'training-data',
    // MLflow keeps at most 36 characters of a digest.
    digest: digest.slice(0, 36),
    sourceType: 'local',
    source: JSON.stringify({ uri: data.source ?? 'unknown' }),
    context: data.context ?? 'training',
  };
  if (frame) {
    const columns = Object.keys(frame.columns).sort();
    info.schema = JSON.stringify({
      mlflow_colspec: [
        { type: 'datetime', name: 'timestamp', required: true },
        ...columns.map((name) => ({ type: 'double', name, required: false })),
      ],
    });
    info.profile = JSON.stringify({
      num_rows: frame.length,
      num_series: frame.seriesNames?.length ?? 1,
      start: frame.length > 0 ? new Date(frame.timestamps[0]!).toISOString() : null,
      end: frame.length > 0 ? new Date(frame.timestamps[frame.length - 1]!).toISOString() : null,
    });
  }
  return info;
}

/**
 * A content digest of a frame: sha256 over the timestamps, each column (sorted by name, with its name) and
 * the series codes and names, as raw little-endian float64/int32 bytes; 32 hex characters.
 */
export function frameDigest(frame: Frame): string {
  const hash = createHash('sha256');
  hash.update(bytesOf(frame.timestamps));
  for (const name of Object.keys(frame.columns).sort()) {
    hash.update(`\0${name}\0`);
    hash.update(bytesOf(frame.columns[name]!));
  }
  if (frame.seriesCodes && frame.seriesNames) {
    hash.update(bytesOf(frame.seriesCodes));
    hash.update(JSON.stringify(frame.seriesNames));
  }
  return hash.digest('hex').slice(0, 32);
}

/** A metric or param key with every character MLflow does not accept replaced by `_`. */
export function safeKey(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_\-. :]/g, '_').replace(/^\.+|\.+$/g, '_');
  return cleaned === '' ? '_' : cleaned;
}

function flatten(value: Record<string, unknown>, prefix: string, out: Record<string, string>): void {
  for (const [k, v] of Object.entries(value)) {
    const key = `${prefix}.${safeKey(k)}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      flatten(v as Record<string, unknown>, key, out);
    else if (v !== undefined) out[key] = clip(typeof v === 'string' ? v : JSON.stringify(v));
  }
}

/** Param values longer than MLflow keeps are cut with a marker (the full config is in the checkpoint). */
function clip(value: string): string {
  const max = MLFLOW_LIMITS.paramValueLength;
  return value.length <= max ? value : `${value.slice(0, max - 15)}…[truncated]`;
}

function bytesOf(array: Float64Array | Int32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

import { TrackingInvalidError } from '../errors.js';

/** MLflow's limits on one `runs/log-batch` request and on keys and values (`mlflow/utils/validation.py`). */
export const MLFLOW_LIMITS = Object.freeze({
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  itemsPerBatch: 1000,
  /** Bytes of one request body; a margin below MLflow's 1e6 is kept for the envelope. */
  bytesPerBatch: 1_000_000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
});

/** A metric to log; `timestamp` in epoch ms, `step` an integer (0 when not stepped). */
export interface MetricInput {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** What one `log-batch` carries. */
export interface BatchContent {
  metrics: MetricInput[];
  params: { key: string; value: string }[];
  tags: { key: string; value: string }[];
}

const NAME = /^[A-Za-z0-9_\-. /:]+$/;

/**
 * Throw `TRACKING_INVALID` unless `key` is a name MLflow accepts for a metric, param or tag: at most 250
 * characters of letters, digits, `_ - . / :` and space, that stays the same as a normalised path.
 */
export function validateKey(kind: 'metric' | 'param' | 'tag', key: string): void {
  const problem =
    key.length === 0
      ? 'is empty'
      : key.length > MLFLOW_LIMITS.keyLength
        ? `is longer than ${MLFLOW_LIMITS.keyLength} characters`
        : kind !== 'tag' && !NAME.test(key)
          ? 'may hold only letters, digits, _ - . / : and spaces'
          : key.startsWith('/') ||
              key.endsWith('/') ||
              key.split('/').some((s) => s === '' || s === '.' || s === '..')
            ? 'must not start or end with /, nor hold empty, . or .. path segments'
            : undefined;
  if (problem !== undefined)
    throw new TrackingInvalidError(`${kind} key ${JSON.stringify(key.slice(0, 60))} ${problem}`, {
      kind,
      key,
    });
}

/** Throw `TRACKING_INVALID` unless every key and value of `content` is within MLflow's limits. */
export function validateBatch(content: BatchContent): void {
  for (const m of content.metrics) {
    validateKey('metric', m.key);
    if (!Number.isInteger(m.step))
      throw new TrackingInvalidError(`metric ${m.key}: step ${m.step} is not an integer`);
    if (!Number.isInteger(m.timestamp))
      throw new TrackingInvalidError(`metric ${m.key}: timestamp ${m.timestamp} is not an integer`);
  }
  for (const p of content.params) {
    validateKey('param', p.key);
    if (p.value.length > MLFLOW_LIMITS.paramValueLength)
      throw new TrackingInvalidError(
        `param ${p.key}: value is ${p.value.length} characters, more than ${MLFLOW_LIMITS.paramValueLength}`,
        { key: p.key },
      );
  }
  for (const t of content.tags) {
    validateKey('tag', t.key);
    if (t.value.length > MLFLOW_LIMITS.tagValueLength)
      throw new TrackingInvalidError(
        `tag ${t.key}: value is ${t.value.length} characters, more than ${MLFLOW_LIMITS.tagValueLength}`,
        { key: t.key },
      );
  }
}

/**
 * Split `content` into requests that each respect MLflow's limits (≤ 1000 metrics, ≤ 100 params, ≤ 100
 * tags, ≤ 1000 items, ≤ 1 MB), in order: params, then tags, then metrics.
 */
export function splitBatch(content: BatchContent): BatchContent[] {
  const out: BatchContent[] = [];
  let current: BatchContent = { metrics: [], params: [], tags: [] };
  let bytes = 64; // the envelope: {"run_id":"…","metrics":[],"params":[],"tags":[]}
  const flush = () => {
    if (current.metrics.length + current.params.length + current.tags.length > 0) out.push(current);
    current = { metrics: [], params: [], tags: [] };
    bytes = 64;
  };
  const add = <K extends keyof BatchContent>(kind: K, item: BatchContent[K][number], limit: number) => {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    const items = current.metrics.length + current.params.length + current.tags.length;
    if (
      current[kind].length >= limit ||
      items >= MLFLOW_LIMITS.itemsPerBatch ||
      bytes + size > MLFLOW_LIMITS.bytesPerBatch
    )
      flush();
    (current[kind] as BatchContent[K][number][]).push(item);
    bytes += size;
  };
  for (const p of content.params) add('params', p, MLFLOW_LIMITS.paramsPerBatch);
  for (const t of content.tags) add('tags', t, MLFLOW_LIMITS.tagsPerBatch);
  for (const m of content.metrics) add('metrics', m, MLFLOW_LIMITS.metricsPerBatch);
  flush();
  return out;
}

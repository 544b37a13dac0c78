import { z } from 'zod';

/** A metric value in a JSON file: a finite number, or `"NaN"` / `"Infinity"` / `"-Infinity"` (as MLflow). */
export const StoredValueSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

/** Encode a number for JSON (NaN and ±Infinity as strings). */
export function encodeValue(v: number): z.output<typeof StoredValueSchema> {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** Decode a stored value. */
export function decodeValue(v: z.output<typeof StoredValueSchema>): number {
  if (typeof v === 'number') return v;
  return v === 'NaN' ? Number.NaN : v === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

/** Local run statuses (MLflow's terminal ones plus RUNNING). */
export const LOCAL_RUN_STATUSES = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'] as const;

/** Where a run stands on one MLflow server. */
export const RemoteStateSchema = z.object({
  experimentId: z.string(),
  runId: z.string(),
  /** When everything of the run reached this server; absent while something is still to replay. */
  syncedAt: z.string().optional(),
  /** The last error that stopped live logging or a sync, for `twiga runs show`. */
  error: z.string().optional(),
});
/** A run's state on one MLflow server. */
export type RemoteState = z.output<typeof RemoteStateSchema>;

/**
 * `<store>/<runId>/run.json`: everything a run logged, enough to replay it to MLflow. Metric timestamps are
 * fixed when logged, so a replay writes rows identical to any MLflow already has (and MLflow keeps one).
 */
export const LocalRunSchema = z.object({
  formatVersion: z.literal(1),
  /** Local id (32 hex), also the run's idempotency key on MLflow (tag `twiga.run_uuid`). */
  runId: z.string().regex(/^[0-9a-f]{32}$/),
  experimentName: z.string().min(1),
  runName: z.string(),
  /** The MLflow server configured when the run was logged; unset when it was logged to the local store only. */
  trackingUri: z.string().optional(),
  /** Local id of the parent run (nested runs, e.g. backtest folds). */
  parentRunId: z.string().optional(),
  status: z.enum(LOCAL_RUN_STATUSES),
  startTime: z.number().int(),
  endTime: z.number().int().optional(),
  tags: z.record(z.string(), z.string()),
  params: z.record(z.string(), z.string()),
  metrics: z.array(
    z.object({
      key: z.string(),
      value: StoredValueSchema,
      step: z.number().int(),
      timestamp: z.number().int(),
    }),
  ),
  inputs: z.array(
    z.object({
      name: z.string(),
      digest: z.string(),
      sourceType: z.string(),
      source: z.string(),
      schema: z.string().optional(),
      profile: z.string().optional(),
      context: z.string().optional(),
    }),
  ),
  /** Artifacts by path; `local` when the bytes are in `<store>/<runId>/artifacts/<path>`. */
  artifacts: z.array(
    z.object({ path: z.string(), size: z.number().int(), sha256: z.string(), local: z.boolean() }),
  ),
  /** Model registrations asked for by `logModel`; `version` once MLflow made one. */
  models: z.array(
    z.object({
      registeredModelName: z.string(),
      artifactPath: z.string(),
      alias: z.string().optional(),
      loggedAt: z.number().int(),
      version: z.string().optional(),
      checkpointVersion: z.number().int().optional(),
    }),
  ),
  /** State per MLflow tracking URI the run was sent to. */
  remotes: z.record(z.string(), RemoteStateSchema),
});
/** A run in the local store. */
export type LocalRun = z.output<typeof LocalRunSchema>;
/** A stored metric row. */
export type LocalMetric = LocalRun['metrics'][number];
/** A stored dataset input. */
export type LocalInput = LocalRun['inputs'][number];

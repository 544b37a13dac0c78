import { z } from 'zod';

/**
 * Zod schemas of the MLflow 3 REST entities this client reads. Unknown fields are dropped (MLflow adds
 * fields between versions); 64-bit integers arrive as numbers or strings and are read as numbers.
 */

const int64 = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number);

/** A metric value as MLflow's JSON carries it: a number, or `"NaN"` / `"Infinity"` / `"-Infinity"`. */
export const MetricValueSchema = z.union([
  z.number(),
  z
    .enum(['NaN', 'Infinity', '-Infinity'])
    .transform((v) =>
      v === 'NaN' ? Number.NaN : v === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
    ),
]);

/** One metric value at a step. */
export const MetricSchema = z.object({
  key: z.string(),
  value: MetricValueSchema,
  timestamp: int64,
  step: int64.default(0),
});
/** One metric value at a step, as MLflow stores it. */
export type Metric = z.output<typeof MetricSchema>;

/** A key/value pair (params and tags). */
export const KeyValueSchema = z.object({ key: z.string(), value: z.string().default('') });
/** A param or tag. */
export type KeyValue = z.output<typeof KeyValueSchema>;

/** Run statuses. */
export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
/** A run status. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** `Experiment`. */
export const ExperimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string().optional(),
  lifecycle_stage: z.string().optional(),
  tags: z.array(KeyValueSchema).optional(),
});
/** An MLflow experiment. */
export type Experiment = z.output<typeof ExperimentSchema>;

/** `RunInfo`. */
export const RunInfoSchema = z.object({
  run_id: z.string(),
  experiment_id: z.string(),
  run_name: z.string().optional(),
  status: z.enum(RUN_STATUSES),
  start_time: int64.optional(),
  end_time: int64.optional(),
  artifact_uri: z.string(),
  lifecycle_stage: z.string().optional(),
});
/** An MLflow run's info. */
export type RunInfo = z.output<typeof RunInfoSchema>;

/** A dataset as logged with `log-inputs`. */
export const DatasetSchema = z.object({
  name: z.string(),
  digest: z.string(),
  source_type: z.string(),
  source: z.string(),
  schema: z.string().optional(),
  profile: z.string().optional(),
});
/** An MLflow dataset. */
export type Dataset = z.output<typeof DatasetSchema>;

/** A dataset input of a run, with its tags (e.g. `mlflow.data.context`). */
export const DatasetInputSchema = z.object({
  dataset: DatasetSchema,
  tags: z.array(KeyValueSchema).default([]),
});
/** An MLflow dataset input. */
export type DatasetInput = z.output<typeof DatasetInputSchema>;

/** `Run`: info, data (latest metrics, params, tags) and inputs. */
export const RunSchema = z.object({
  info: RunInfoSchema,
  data: z
    .object({
      metrics: z.array(MetricSchema).default([]),
      params: z.array(KeyValueSchema).default([]),
      tags: z.array(KeyValueSchema).default([]),
    })
    .default({ metrics: [], params: [], tags: [] }),
  inputs: z
    .object({ dataset_inputs: z.array(DatasetInputSchema).default([]) })
    .default({ dataset_inputs: [] }),
});
/** An MLflow run. */
export type Run = z.output<typeof RunSchema>;

/** One entry of an artifact listing. */
export const FileInfoSchema = z.object({
  path: z.string(),
  is_dir: z.boolean().default(false),
  file_size: int64.optional(),
});
/** An artifact file or directory. */
export type FileInfo = z.output<typeof FileInfoSchema>;

/** Model version statuses. */
export const MODEL_VERSION_STATUSES = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'] as const;

/** `ModelVersion`. */
export const ModelVersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  status: z.enum(MODEL_VERSION_STATUSES).default('READY'),
  status_message: z.string().optional(),
  creation_timestamp: int64.optional(),
  tags: z.array(KeyValueSchema).default([]),
  aliases: z.array(z.string()).default([]),
});
/** A registered model version. */
export type ModelVersion = z.output<typeof ModelVersionSchema>;

/** `RegisteredModel`. */
export const RegisteredModelSchema = z.object({
  name: z.string(),
  creation_timestamp: int64.optional(),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })).default([]),
  latest_versions: z.array(ModelVersionSchema).default([]),
});
/** A registered model. */
export type RegisteredModel = z.output<typeof RegisteredModelSchema>;

/** An empty answer (`{}`); extra fields are ignored. */
export const EmptySchema = z.object({});

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';
import { SettingsInvalidError, type SettingsIssue } from './errors.js';

/** Log levels accepted by `TWIGA_LOG_LEVEL` (pino's). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const port = z.coerce
  .number({ error: 'an integer port from 0 to 65535' })
  .int('an integer port from 0 to 65535')
  .min(0, 'an integer port from 0 to 65535')
  .max(65535, 'an integer port from 0 to 65535');

const url = (what: string) =>
  optionalString.pipe(z.url({ error: `${what}, e.g. http://127.0.0.1:5000` }).optional());

/**
 * The one schema of every `TWIGA_*` setting. Keys are the environment variable names, so an error can
 * name the variable a user has to fix. Later packages add their variables here.
 */
export const SettingsSchema = z.object({
  /** Where versioned checkpoints and `_checkpoint_manifest.json` live. @default ./checkpoints */
  TWIGA_MODEL_CHECKPOINT_DIR: z.string().trim().min(1, 'a directory path').default('./checkpoints'),
  /** How many checkpoint versions to keep on disk (older ones are deleted after a save). @default 5 */
  TWIGA_CHECKPOINT_RETENTION: z.coerce
    .number({ error: 'an integer ≥ 1' })
    .int('an integer ≥ 1')
    .min(1, 'an integer ≥ 1')
    .default(5),
  /** Interface the server binds. @default 127.0.0.1 */
  TWIGA_SERVE_HOST: z.string().trim().min(1, 'a host name or IP address').default('127.0.0.1'),
  /** Port the server listens on. @default 8000 */
  TWIGA_SERVE_PORT: port.default(8000),
  /**
   * API key(s) required in `X-API-Key` by every route but /health; several comma-separated keys allow
   * rotation. Unset (and no key file) turns auth off, warned at start.
   */
  TWIGA_SERVE_API_KEY: optionalString,
  /** Where monitoring reports are written. @default ./reports */
  TWIGA_SERVE_REPORT_DIR: z.string().trim().min(1, 'a directory path').default('./reports'),
  /** Largest accepted request body in bytes. @default 10485760 (10 MiB) */
  TWIGA_SERVE_BODY_LIMIT: z.coerce
    .number({ error: 'a positive integer number of bytes' })
    .int('a positive integer number of bytes')
    .positive('a positive integer number of bytes')
    .default(10 * 1024 * 1024),
  /** File with API keys, one per line ('#' comments); keys from it are accepted beside TWIGA_SERVE_API_KEY. */
  TWIGA_SERVE_API_KEY_FILE: optionalString,
  /** Separate key for GET /metrics; unset = /metrics is public (like /health). */
  TWIGA_SERVE_METRICS_API_KEY: optionalString,
  /** Most records one request may carry (413 above). @default 100000 */
  TWIGA_SERVE_MAX_RECORDS: z.coerce
    .number({ error: 'a positive integer' })
    .int('a positive integer')
    .positive('a positive integer')
    .default(100_000),
  /** Requests per minute per API key (per client IP without auth); 0 = no limit. @default 0 */
  TWIGA_SERVE_RATE_LIMIT: z.coerce
    .number({ error: 'an integer ≥ 0' })
    .int('an integer ≥ 0')
    .min(0, 'an integer ≥ 0')
    .default(0),
  /** Milliseconds a client may take to send its request (slow clients get 408). @default 30000 */
  TWIGA_SERVE_REQUEST_TIMEOUT_MS: z.coerce
    .number({ error: 'an integer ≥ 0 of milliseconds' })
    .int('an integer ≥ 0 of milliseconds')
    .min(0, 'an integer ≥ 0 of milliseconds')
    .default(30_000),
  /** Event-loop delay in ms beyond which requests are refused with 503 + Retry-After; 0 = off. @default 1000 */
  TWIGA_SERVE_MAX_EVENT_LOOP_DELAY_MS: z.coerce
    .number({ error: 'an integer ≥ 0 of milliseconds' })
    .int('an integer ≥ 0 of milliseconds')
    .min(0, 'an integer ≥ 0 of milliseconds')
    .default(1000),
  /**
   * Worker threads for large forecast requests (JSON parsing, validation, features, ONNX); 0 = all inline.
   * Off by default: on 2 cores `pnpm bench:pool` measured no gain (see bench/README.md). @default 0
   */
  TWIGA_SERVE_WORKERS: z.coerce
    .number({ error: 'an integer ≥ 0' })
    .int('an integer ≥ 0')
    .min(0, 'an integer ≥ 0')
    .default(0),
  /** Forecast bodies of at least this many bytes are parsed and answered on a worker thread. @default 262144 */
  TWIGA_SERVE_WORKER_MIN_BYTES: z.coerce
    .number({ error: 'a positive integer of bytes' })
    .int('a positive integer of bytes')
    .positive('a positive integer of bytes')
    .default(262_144),
  /**
   * ONNX Runtime threads per served model. With a spare core, 2 score one row of the default GBDT 1.56×
   * faster (518 → 332 µs); batches gain nothing, and on 2 cores shared with the load generator /predict
   * gained nothing (bench/README.md). @default 1
   */
  TWIGA_SERVE_ONNX_THREADS: z.coerce
    .number({ error: 'an integer from 1 to 64' })
    .int('an integer from 1 to 64')
    .min(1, 'an integer from 1 to 64')
    .max(64, 'an integer from 1 to 64')
    .default(1),
  /**
   * Server processes sharing the port (node:cluster), each with its own model copy; `/reload` swaps the
   * model in all of them together and `/metrics` adds them up. `auto` = one per CPU. On 2 cores shared
   * with the load generator, 2 processes answered 1.27-1.54x the requests of one under concurrency
   * (bench/README.md). @default 1
   */
  TWIGA_SERVE_PROCESSES: z
    .union([z.literal('auto'), z.coerce.number().int().min(1).max(256)], {
      error: "'auto' or an integer from 1 to 256",
    })
    .default(1),
  /** MLflow tracking server; unset = the local on-disk store. */
  TWIGA_MLFLOW_TRACKING_URI: url('an http(s) URL of an MLflow server'),
  /** MLflow experiment name. @default twiga */
  TWIGA_MLFLOW_EXPERIMENT: z.string().trim().min(1, 'a non-empty experiment name').default('twiga'),
  /** MLflow basic-auth user (with the password); unset falls back to `MLFLOW_TRACKING_USERNAME`. */
  TWIGA_MLFLOW_TRACKING_USERNAME: optionalString,
  /** MLflow basic-auth password; unset falls back to `MLFLOW_TRACKING_PASSWORD`. */
  TWIGA_MLFLOW_TRACKING_PASSWORD: optionalString,
  /** MLflow bearer token (used when no username/password); unset falls back to `MLFLOW_TRACKING_TOKEN`. */
  TWIGA_MLFLOW_TRACKING_TOKEN: optionalString,
  /** Timeout of each MLflow request try, in ms. @default 120000 (MLflow's own client default) */
  TWIGA_MLFLOW_REQUEST_TIMEOUT_MS: z.coerce
    .number({ error: 'a positive integer number of milliseconds' })
    .int('a positive integer number of milliseconds')
    .positive('a positive integer number of milliseconds')
    .default(120_000),
  /** Tries of each MLflow request (the first included) on network errors and 408/429/5xx. @default 7 */
  TWIGA_MLFLOW_MAX_TRIES: z.coerce
    .number({ error: 'an integer from 1 to 20' })
    .int('an integer from 1 to 20')
    .min(1, 'an integer from 1 to 20')
    .max(20, 'an integer from 1 to 20')
    .default(7),
  /** Local run store: every run without an MLflow server, and runs spooled while it was unreachable. @default ./twiga-runs */
  TWIGA_MLFLOW_LOCAL_STORE: z.string().trim().min(1, 'a directory path').default('./twiga-runs'),
  /** Where `models:/name@alias` checkpoints are downloaded; unset = `<os tmpdir>/twiga-model-cache`. */
  TWIGA_MLFLOW_MODEL_CACHE_DIR: optionalString,
  /** Log level. @default info */
  TWIGA_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** Redis for the distributed runner; unset = the in-process scheduler. */
  TWIGA_REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
      .optional(),
  ),
  /** Runs (trainings and retrainings) at once over all runner processes sharing TWIGA_REDIS_URL. @default 1 */
  TWIGA_RUNNER_CONCURRENCY: z.coerce
    .number({ error: 'an integer from 1 to 64' })
    .int('an integer from 1 to 64')
    .min(1, 'an integer from 1 to 64')
    .max(64, 'an integer from 1 to 64')
    .default(1),
});

/** Validated, frozen settings. Field names are the `TWIGA_*` variables they come from. */
export type TwigaSettings = Readonly<z.output<typeof SettingsSchema>>;
/** What a caller may pass explicitly; wins over env and `.env`. Strings or typed values. */
export type SettingsInput = Partial<Record<keyof z.input<typeof SettingsSchema>, string | number | boolean>>;

/** Every variable name the schema knows. */
export const SETTINGS_VARIABLES = Object.keys(SettingsSchema.shape) as (keyof TwigaSettings)[];

/** Options of {@link loadSettings}. */
export interface LoadSettingsOptions {
  /** Explicit values; they win over everything else. */
  overrides?: SettingsInput;
  /** Environment to read. @default process.env */
  env?: Record<string, string | undefined>;
  /** `.env` file to read; `false` reads none. @default `<cwd>/.env` */
  envFile?: string | false;
}

/**
 * Resolve settings: explicit option → environment variable → `.env` file → default. Throws
 * {@link SettingsInvalidError} (`SETTINGS_INVALID`) naming each bad variable, its value and what is allowed.
 */
export function loadSettings(options: LoadSettingsOptions = {}): TwigaSettings {
  const env = options.env ?? process.env;
  const envFile = options.envFile ?? resolve(process.cwd(), '.env');
  const fromFile = envFile !== false && existsSync(envFile) ? dotenv.parse(readFileSync(envFile)) : {};

  const raw: Record<string, unknown> = {};
  for (const name of SETTINGS_VARIABLES) {
    const explicit = options.overrides?.[name];
    const value = explicit ?? env[name] ?? fromFile[name];
    if (value !== undefined) raw[name] = typeof value === 'string' ? value : String(value);
  }

  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues: SettingsIssue[] = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'settings');
      const value = raw[variable];
      return { variable, value: value === undefined ? undefined : String(value), allowed: issue.message };
    });
    throw new SettingsInvalidError(issues);
  }
  return Object.freeze(parsed.data);
}

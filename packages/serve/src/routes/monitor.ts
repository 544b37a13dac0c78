import { basename, join } from 'node:path';
import { DataInvalidError } from '@twiga/forecaster';
import {
  DRIFT_METHODS,
  type DriftOptions,
  ForecastMonitor,
  type ForecastValues,
  MonitorDatasetNotFoundError,
  MonitorLengthMismatchError,
  MonitorNoReferenceError,
  type MonitorResponse,
  MonitorResponseSchema,
  type MonitorTable,
  profileKinds,
  readTableCsv,
  tableFromRecords,
} from '@twiga/monitor';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModelLoader, ServedModel } from '../model-loader.js';
import { ErrorResponseSchema, RecordsSchema } from '../schemas.js';
import { nonFinitePath } from './shape.js';

/**
 * Refuse a numeric column whose range overflows (e.g. −1e308 and 1e308): histogram binning divides by
 * that range and would fail with a RangeError (a 500). Missing values (NaN, ±Infinity) are skipped.
 */
function checkFiniteRanges(table: MonitorTable): void {
  for (const [column, values] of Object.entries(table.numeric)) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min <= max && !Number.isFinite(max - min))
      throw new DataInvalidError(`values from ${min} to ${max} span more than a double can hold`, {
        column,
      });
  }
}

/** Refuse a summary JSON cannot carry (NaN, ±Infinity from finite but extreme inputs): 422, not a 500. */
function checkFiniteSummary(summary: unknown, what: string): void {
  const path = nonFinitePath(summary);
  if (path !== undefined)
    throw new DataInvalidError(
      `the ${what} is not finite at ${path.slice(1)}: the values are too large in magnitude`,
    );
}

/** The checkpoint extra holding the reference profile saved at training time. */
export const REFERENCE_PROFILE_FILE = 'reference_profile.json';

/** A dataset named by reference: a plain `.csv` file name inside the dataset directory. */
const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}\.csv$/;

const Method = z.enum(DRIFT_METHODS);
const Threshold = z.number().positive().finite();

/** `POST /monitor/drift` body: the current data (records, or a dataset by name) and test options. */
export const DriftRequestSchema = z
  .object({
    /** Current rows, keyed by column. */
    records: RecordsSchema.optional(),
    /** Or a CSV file name in the server's dataset directory (`<TWIGA_SERVE_REPORT_DIR>/datasets`). */
    dataset: z.string().max(204).optional(),
    /** Columns to check. @default every column of the reference profile */
    columns: z.array(z.string().max(256)).min(1).optional(),
    /** Test for every column (Evidently's names). @default Evidently's choice per column */
    method: Method.optional(),
    /** Threshold for every column. @default the method's */
    threshold: Threshold.optional(),
    /** Per-column method and threshold. */
    per_column: z
      .record(
        z.string().max(256),
        z.object({ method: Method.optional(), threshold: Threshold.optional() }).strict(),
      )
      .optional(),
    /** Dataset drift when at least this share of columns drifted. @default 0.5 */
    drift_share: z.number().gt(0).max(1).optional(),
    /** Write an HTML report. @default true */
    report: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.records === undefined) !== (b.dataset === undefined), {
    message: 'send exactly one of records or dataset',
    path: ['records'],
  });
export type DriftRequest = z.output<typeof DriftRequestSchema>;

const Cell = z.number().nullable();
/** `[n][horizon][targets]`, as `POST /predict` answers `predictions`; null = missing. */
const Cube = z.array(z.array(z.array(Cell)));
/** Forecasts as `POST /predict` returns one model's: predictions, optional interval and timestamps. */
const ForecastsSchema = z
  .object({
    predictions: Cube,
    lower: Cube.optional(),
    upper: Cube.optional(),
    /** ISO 8601 time of each step, `[n][horizon]`. */
    timestamps: z.array(z.array(z.string())).optional(),
  })
  .strict();
const PairSchema = z.object({ actuals: Cube, forecasts: ForecastsSchema }).strict();

/** Which record fields hold a target's actual, forecast and interval. */
const RecordTargetSchema = z
  .object({
    actual: z.string(),
    forecast: z.string(),
    lower: z.string().optional(),
    upper: z.string().optional(),
  })
  .strict();

/** `POST /monitor/performance` body: actuals and forecasts as cubes, or records carrying both. */
export const PerformanceRequestSchema = z
  .object({
    actuals: Cube.optional(),
    forecasts: ForecastsSchema.optional(),
    /** Or one row per time step carrying actual and forecast fields (see `record_targets`). */
    records: RecordsSchema.optional(),
    /**
     * Fields of each target in `records`. @default per served target T: actual `T`, forecast `T_forecast`,
     * interval `T_lower`/`T_upper` when present
     */
    record_targets: z.array(RecordTargetSchema).min(1).optional(),
    /** Field of `records` holding the time. @default the training config's date column */
    timestamp_column: z.string().optional(),
    /** Names of the targets (last axis of the cubes). @default the served model's targets */
    targets: z.array(z.string()).min(1).optional(),
    /** A reference period to compare with. */
    reference: PairSchema.optional(),
    /** Degraded when a metric exceeds the reference's by this factor. @default 1.2 */
    degradation_ratio: z.number().gt(1).optional(),
    report: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.records === undefined) !== (b.actuals === undefined && b.forecasts === undefined), {
    message: 'send actuals and forecasts, or records',
    path: ['records'],
  })
  .refine((b) => b.records !== undefined || (b.actuals !== undefined && b.forecasts !== undefined), {
    message: 'actuals and forecasts go together',
    path: ['forecasts'],
  });
export type PerformanceRequest = z.output<typeof PerformanceRequestSchema>;

/** Options of {@link monitorRoute}. */
export interface MonitorRouteOptions {
  loader: ModelLoader;
  /** Where reports are written (`TWIGA_SERVE_REPORT_DIR`). */
  reportDir: string;
  /** Where `dataset` names are looked up. @default `<reportDir>/datasets` */
  datasetDir?: string;
}

/** Flatten `[n][h][t]` into a typed array, checking the cube is rectangular and has `targets` columns. */
function flatten(cube: (number | null)[][][], field: string, shape?: readonly [number, number, number]) {
  const n = cube.length;
  const h = cube[0]?.length ?? 0;
  const t = cube[0]?.[0]?.length ?? 0;
  const want = shape ?? ([n, h, t] as const);
  const out = new Float64Array(want[0] * want[1] * want[2]);
  const mismatch = (what: string, expected: number, actual: number) =>
    new MonitorLengthMismatchError(`${field}: ${what} is ${actual}, expected ${expected}`, {
      column: field,
      expected,
      actual,
    });
  if (n !== want[0]) throw mismatch('the number of windows', want[0], n);
  let k = 0;
  for (const steps of cube) {
    if (steps.length !== want[1]) throw mismatch('a window length', want[1], steps.length);
    for (const cells of steps) {
      if (cells.length !== want[2]) throw mismatch('a step width', want[2], cells.length);
      for (const v of cells) out[k++] = v ?? Number.NaN;
    }
  }
  return { values: out, shape: want };
}

/** Actuals and forecasts from the request's cubes. */
function pairFromCubes(
  actualsCube: (number | null)[][][],
  f: z.output<typeof ForecastsSchema>,
  targets: readonly string[],
  prefix = '',
): { actuals: Float64Array; forecasts: ForecastValues } {
  const loc = flatten(f.predictions, `${prefix}forecasts.predictions`);
  if (loc.shape[2] !== targets.length && loc.shape[0] > 0)
    throw new MonitorLengthMismatchError(
      `${prefix}forecasts.predictions has ${loc.shape[2]} targets, expected ${targets.length}`,
      {
        column: `${prefix}forecasts.predictions`,
        expected: targets.length,
        actual: loc.shape[2],
      },
    );
  const actuals = flatten(actualsCube, `${prefix}actuals`, loc.shape).values;
  const [n, H] = loc.shape;
  let timestamps: Float64Array | undefined;
  if (f.timestamps) {
    timestamps = new Float64Array(n * H);
    if (f.timestamps.length !== n)
      throw new MonitorLengthMismatchError(
        `${prefix}forecasts.timestamps has ${f.timestamps.length} windows, expected ${n}`,
        {
          column: `${prefix}forecasts.timestamps`,
          expected: n,
          actual: f.timestamps.length,
        },
      );
    f.timestamps.forEach((row, i) => {
      if (row.length !== H)
        throw new MonitorLengthMismatchError(
          `${prefix}forecasts.timestamps[${i}] has ${row.length} steps, expected ${H}`,
          {
            column: `${prefix}forecasts.timestamps`,
            expected: H,
            actual: row.length,
          },
        );
      row.forEach((ts, h) => {
        timestamps![i * H + h] = Date.parse(ts);
      });
    });
  }
  return {
    actuals,
    forecasts: {
      shape: loc.shape,
      loc: loc.values,
      lower: f.lower ? flatten(f.lower, `${prefix}forecasts.lower`, loc.shape).values : undefined,
      upper: f.upper ? flatten(f.upper, `${prefix}forecasts.upper`, loc.shape).values : undefined,
      targets,
      timestamps,
    },
  };
}

/** Actuals and forecasts from records: one window of `records.length` steps. */
function pairFromRecords(
  records: readonly Readonly<Record<string, unknown>>[],
  specs: readonly z.output<typeof RecordTargetSchema>[],
  timestampColumn: string | undefined,
): { actuals: Float64Array; forecasts: ForecastValues } {
  const fields = specs.flatMap((s) => [
    s.actual,
    s.forecast,
    ...(s.lower ? [s.lower] : []),
    ...(s.upper ? [s.upper] : []),
  ]);
  const table = tableFromRecords(records, {
    columns: fields,
    kinds: Object.fromEntries(fields.map((f) => [f, 'numeric' as const])),
  });
  const col = (name: string): Float64Array => {
    const values = table.numeric[name];
    if (values === undefined)
      throw new MonitorLengthMismatchError(`records carry no field ${name}`, {
        column: name,
        expected: records.length,
        actual: 0,
      });
    return values;
  };
  const H = records.length;
  const T = specs.length;
  const interleave = (pick: (s: (typeof specs)[number]) => string | undefined) => {
    if (specs.some((s) => pick(s) === undefined)) return undefined;
    const out = new Float64Array(H * T);
    specs.forEach((s, t) => {
      const values = col(pick(s)!);
      for (let h = 0; h < H; h++) out[h * T + t] = values[h]!;
    });
    return out;
  };
  let timestamps: Float64Array | undefined;
  if (timestampColumn !== undefined && records.every((r) => r[timestampColumn] !== undefined)) {
    timestamps = Float64Array.from(records, (r) => Date.parse(String(r[timestampColumn])));
  }
  return {
    actuals: interleave((s) => s.actual)!,
    forecasts: {
      shape: [1, H, T],
      loc: interleave((s) => s.forecast)!,
      lower: interleave((s) => s.lower),
      upper: interleave((s) => s.upper),
      targets: specs.map((s) => s.actual),
      timestamps,
    },
  };
}

/**
 * `POST /monitor/drift` and `POST /monitor/performance`: data drift of current records against the
 * reference profile saved in the served checkpoint, and forecast accuracy against actuals. Both answer
 * the seed's `MonitorResponse` and write an HTML report served by `GET /reports/:name`.
 */
export const monitorRoute: FastifyPluginAsyncZod<MonitorRouteOptions> = async (app, options) => {
  const { loader, reportDir } = options;
  const datasetDir = options.datasetDir ?? join(reportDir, 'datasets');
  // One monitor per served model: its reference profile is parsed and decoded once, not per request.
  const monitors = new WeakMap<ServedModel, ForecastMonitor>();
  const monitorFor = (model: ServedModel): ForecastMonitor => {
    let monitor = monitors.get(model);
    if (monitor === undefined) {
      monitor = new ForecastMonitor({ reportDir });
      const bytes = model.extras[REFERENCE_PROFILE_FILE];
      if (bytes !== undefined) monitor.setReference(bytes);
      monitors.set(model, monitor);
    }
    return monitor;
  };
  /** The seed's MonitorResponse around one run's summary. */
  const respond = (
    model: ServedModel,
    run:
      | { type: 'data_drift'; summary: NonNullable<MonitorResponse['drift']> }
      | { type: 'performance'; summary: NonNullable<MonitorResponse['performance']> },
  ): MonitorResponse => {
    const { summary } = run;
    return {
      status: 'ok',
      monitor_type: run.type,
      alert: run.type === 'data_drift' ? run.summary.drift_detected : run.summary.degradation_detected,
      drift: run.type === 'data_drift' ? run.summary : null,
      performance: run.type === 'performance' ? run.summary : null,
      report_path: summary.report_path,
      report_url: summary.report_path === null ? null : `/reports/${basename(summary.report_path)}`,
      timestamp: summary.timestamp,
      checkpoint_version: model.meta.version,
    };
  };
  const schema = (body: z.ZodType) => ({
    body,
    response: { 200: MonitorResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
  });

  app.post('/monitor/drift', { schema: schema(DriftRequestSchema) }, async (request) =>
    loader.use(async (model) => {
      const body = request.body as DriftRequest;
      const monitor = monitorFor(model);
      const profile = monitor.referenceProfile;
      if (profile === undefined)
        throw new MonitorNoReferenceError(
          `checkpoint version ${model.meta.version} has no ${REFERENCE_PROFILE_FILE}: retrain with this version of twiga train`,
        );
      const columns = body.columns ?? Object.keys(profile.columns);
      const kinds = profileKinds(profile);
      let table: MonitorTable;
      if (body.dataset !== undefined) {
        if (!DATASET_NAME.test(body.dataset)) throw new MonitorDatasetNotFoundError(body.dataset);
        table = await readTableCsv(join(datasetDir, body.dataset), { columns, kinds });
      } else {
        table = tableFromRecords(body.records!, { columns, kinds });
      }
      checkFiniteRanges(table);
      const driftOptions: DriftOptions = {
        columns,
        ...(body.method === undefined ? {} : { method: body.method }),
        ...(body.threshold === undefined ? {} : { threshold: body.threshold }),
        ...(body.drift_share === undefined ? {} : { driftShare: body.drift_share }),
        ...(body.per_column === undefined
          ? {}
          : {
              perColumn: Object.fromEntries(
                Object.entries(body.per_column).map(([c, o]) => [
                  c,
                  {
                    ...(o.method === undefined ? {} : { method: o.method }),
                    ...(o.threshold === undefined ? {} : { threshold: o.threshold }),
                  },
                ]),
              ),
            }),
      };
      const summary = await monitor.runDataDrift(table, { ...driftOptions, report: body.report });
      checkFiniteSummary(summary, 'drift summary');
      return respond(model, { type: 'data_drift', summary });
    }),
  );

  app.post('/monitor/performance', { schema: schema(PerformanceRequestSchema) }, async (request) =>
    loader.use(async (model) => {
      const body = request.body as PerformanceRequest;
      const config = model.forecaster.state.config;
      const targets = body.targets ?? config.targets;
      const current =
        body.records !== undefined
          ? pairFromRecords(
              body.records,
              body.record_targets ??
                targets.map((t) => ({
                  actual: t,
                  forecast: `${t}_forecast`,
                  ...(body.records![0]![`${t}_lower`] === undefined ? {} : { lower: `${t}_lower` }),
                  ...(body.records![0]![`${t}_upper`] === undefined ? {} : { upper: `${t}_upper` }),
                })),
              body.timestamp_column ?? config.dateColumn,
            )
          : pairFromCubes(body.actuals!, body.forecasts!, targets);
      const reference = body.reference
        ? pairFromCubes(body.reference.actuals, body.reference.forecasts, targets, 'reference.')
        : undefined;
      const summary = await monitorFor(model).runPerformance(current.actuals, current.forecasts, {
        ...(reference ? { reference } : {}),
        ...(body.degradation_ratio === undefined ? {} : { degradationRatio: body.degradation_ratio }),
        report: body.report,
      });
      checkFiniteSummary(summary, 'performance summary');
      return respond(model, { type: 'performance', summary });
    }),
  );
};

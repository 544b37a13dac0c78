import { basename, join } from 'node:path';
import { DataInvalidError } from '@twiga/forecaster';
import {
  type DriftOptions,
  ForecastMonitor,
  MonitorDatasetNotFoundError,
  MonitorNoReferenceError,
  type MonitorResponse,
  MonitorResponseSchema,
  type MonitorTable,
  profileKinds,
  REFERENCE_PROFILE_FILE,
  readTableCsv,
  tableFromRecords,
} from '@twiga/monitor';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { ModelLoader, ServedModel } from '../model-loader.js';
import { ErrorResponseSchema } from '../schemas.js';
import { pairFromCubes, pairFromRecords } from './monitor-pairs.js';
import {
  DATASET_NAME,
  type DriftRequest,
  DriftRequestSchema,
  type PerformanceRequest,
  PerformanceRequestSchema,
} from './monitor-schemas.js';
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

/** Options of {@link monitorRoute}. */
export interface MonitorRouteOptions {
  loader: ModelLoader;
  /** Where reports are written (`TWIGA_SERVE_REPORT_DIR`). */
  reportDir: string;
  /** Where `dataset` names are looked up. @default `<reportDir>/datasets` */
  datasetDir?: string;
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

import { fromRecords, type RawPrediction, type TwigaForecaster } from '@twiga/forecaster';
import { RequestInvalidError } from '../errors.js';
import type { ModelLoader, ServedModel } from '../model-loader.js';
import { PoolUnavailableError } from '../predict-pool/pool.js';
import type { IntervalRequest } from '../schemas.js';
import { type ForecastBody, type ForecastRoute, parseForecastBody, RawJsonBody } from './raw-body.js';
import { checkFiniteForecasts, checkRecordCount, ensembleOf } from './shape.js';

/** Options of the forecast routes (`/predict`, `/predict-interval`). */
export interface ForecastRouteOptions {
  loader: ModelLoader;
  /** `TWIGA_SERVE_MAX_RECORDS`. */
  maxRecords: number;
}

/**
 * The forecast routes' serializer: plain `JSON.stringify`. Their answers are built by typed code from the
 * response schema's type (and non-finite numbers are refused before), so re-validating every number with zod
 * on the way out (~5 % of a request) checks nothing new. The schemas still document the answers.
 */
export const plainJsonSerializer = () => (data: unknown) => JSON.stringify(data);

/** A forecast body's fields besides its records (what the route needs after forecasting). */
export type BodyFields<R extends ForecastRoute> = Omit<ForecastBody<R>, 'records'>;

/** What {@link forecastBody} returns: the request's other fields and every model's forecasts. */
export interface Forecasts<R extends ForecastRoute> {
  fields: BodyFields<R>;
  predictions: RawPrediction[];
}

/** The miscoverage an interval request asks for, and the field it came from. */
export function intervalAlpha(body: Pick<IntervalRequest, 'alpha' | 'coverage'>): {
  alpha: number;
  field: 'alpha' | 'coverage';
} {
  const alpha = body.alpha ?? (body.coverage === undefined ? 0.1 : 1 - body.coverage);
  const field = body.alpha === undefined ? 'coverage' : 'alpha';
  // A coverage below 2^-53 rounds 1 − coverage to exactly 1, outside (0, 1).
  if (!(alpha > 0 && alpha < 1)) {
    const message = `${field} gives alpha ${alpha}, which is not in (0, 1)`;
    throw new RequestInvalidError(message, [{ path: `body.${field}`, message }]);
  }
  return { alpha, field };
}

/**
 * Forecasts of a validated body with one forecaster: records → frame → features → ONNX Runtime. Runs on the
 * event loop for ordinary requests, and on a worker thread for large ones.
 */
export async function forecastValidated<R extends ForecastRoute>(
  forecaster: TwigaForecaster,
  route: R,
  body: ForecastBody<R>,
): Promise<Forecasts<R>> {
  const { records, ...fields } = body;
  const frame = fromRecords(records, forecaster.columnSpec());
  const prepareTestData = body.prepare_test_data;
  const predictions =
    route === 'interval'
      ? await forecaster.predictInterval(frame, {
          alpha: intervalAlpha(body as IntervalRequest).alpha,
          method: (body as IntervalRequest).method,
          prepareTestData,
        })
      : await forecaster.predict(frame, { prepareTestData });
  return { fields: fields as BodyFields<R>, predictions };
}

/**
 * Forecasts of a request body with the served model. A large body (a {@link RawJsonBody}) is parsed,
 * validated and forecast on one of the model's worker threads; when it has none (or they died) the same
 * work runs here, with the same answers and errors.
 */
export async function forecastBody<R extends ForecastRoute>(
  model: ServedModel,
  route: R,
  body: ForecastBody<R> | RawJsonBody,
  maxRecords: number,
): Promise<Forecasts<R>> {
  if (!(body instanceof RawJsonBody)) return forecastValidated(model.forecaster, route, body);
  if (model.pool) {
    try {
      return (await model.pool.run({ route, text: body.text, maxRecords })) as Forecasts<R>;
    } catch (err) {
      if (!(err instanceof PoolUnavailableError)) throw err;
    }
  }
  return forecastValidated(model.forecaster, route, parseForecastBody(route, body.text, maxRecords));
}

/** What {@link forecastRequest} hands a route to shape its answer. */
export interface ForecastDone<R extends ForecastRoute> extends Forecasts<R> {
  model: ServedModel;
  /** Seconds spent forecasting (parsing a raw body, features, ONNX Runtime, ensemble). */
  seconds: number;
}

/**
 * The shared work of the forecast routes: refuse too many records before any model work (even with no model
 * loaded), forecast the body with the served model (kept alive until the answer is shaped), add the
 * `ensemble` forecast when asked, refuse non-finite forecasts, then let the route shape its answer.
 */
export function forecastRequest<R extends ForecastRoute, T>(
  { loader, maxRecords }: ForecastRouteOptions,
  route: R,
  requestBody: unknown,
  shape: (done: ForecastDone<R>) => T,
): Promise<T> {
  // A large body arrives unparsed (RawJsonBody) and is validated off the event loop.
  const body = requestBody as ForecastBody<R> | RawJsonBody;
  if (!(body instanceof RawJsonBody)) checkRecordCount(body.records.length, maxRecords);
  return loader.use(async (model) => {
    const started = performance.now();
    const { fields, predictions } = await forecastBody(model, route, body, maxRecords);
    const strategy = fields.ensemble_strategy;
    if (strategy !== undefined && predictions.length > 1)
      predictions.push(ensembleOf(model.forecaster, predictions, strategy));
    checkFiniteForecasts(predictions);
    return shape({ model, fields, predictions, seconds: (performance.now() - started) / 1000 });
  });
}

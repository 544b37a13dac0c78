import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ErrorResponseSchema,
  IntervalRequestSchema,
  type IntervalResponse,
  IntervalResponseSchema,
} from '../schemas.js';
import { type ForecastRouteOptions, forecastBody, intervalAlpha, plainJsonSerializer } from './forecast.js';
import { RawJsonBody } from './raw-body.js';
import {
  checkFiniteBounds,
  checkFiniteForecasts,
  checkRecordCount,
  ensembleOf,
  forecastEnvelope,
  toNested,
} from './shape.js';

/**
 * `POST /predict-interval`: point forecasts with split-conformal intervals from the checkpoint's
 * calibration, per horizon step and target, at the requested `alpha` (or `coverage` = 1 − alpha).
 */
export const predictIntervalRoute: FastifyPluginAsyncZod<ForecastRouteOptions> = async (
  app,
  { loader, maxRecords },
) => {
  app.post(
    '/predict-interval',
    {
      serializerCompiler: plainJsonSerializer,
      schema: {
        body: IntervalRequestSchema,
        response: { 200: IntervalResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) => {
      // A large body arrives unparsed (RawJsonBody) and is validated off the event loop.
      const body = request.body as typeof request.body | RawJsonBody;
      // Too many records is refused before any model work (and even with no model loaded).
      if (!(body instanceof RawJsonBody)) checkRecordCount(body.records.length, maxRecords);
      return loader.use(async (model): Promise<IntervalResponse> => {
        const started = performance.now();
        const { fields, predictions } = await forecastBody(model, 'interval', body, maxRecords);
        const { alpha, field } = intervalAlpha(fields);
        const strategy = fields.ensemble_strategy;
        if (strategy !== undefined && predictions.length > 1)
          predictions.push(ensembleOf(model.forecaster, predictions, strategy));
        checkFiniteForecasts(predictions);
        checkFiniteBounds(predictions, alpha, field);
        const seconds = (performance.now() - started) / 1000;
        for (const p of predictions) app.twigaCountPredictions(p.model, p.shape[0]);
        return {
          forecasts: predictions.map((p) => ({
            model: p.model,
            lower: toNested(p, p.lower!),
            forecast: toNested(p, p.loc),
            upper: toNested(p, p.upper!),
            coverage: 1 - alpha,
            inference_time: seconds,
          })),
          ...forecastEnvelope(predictions, model.meta.version),
        };
      });
    },
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ErrorResponseSchema,
  IntervalRequestSchema,
  type IntervalResponse,
  IntervalResponseSchema,
} from '../schemas.js';
import {
  type ForecastRouteOptions,
  forecastRequest,
  intervalAlpha,
  plainJsonSerializer,
} from './forecast.js';
import { checkFiniteBounds, forecastEnvelope, toNested } from './shape.js';

/**
 * `POST /predict-interval`: point forecasts with split-conformal intervals from the checkpoint's
 * calibration, per horizon step and target, at the requested `alpha` (or `coverage` = 1 − alpha).
 */
export const predictIntervalRoute: FastifyPluginAsyncZod<ForecastRouteOptions> = async (app, options) => {
  app.post(
    '/predict-interval',
    {
      serializerCompiler: plainJsonSerializer,
      schema: {
        body: IntervalRequestSchema,
        response: { 200: IntervalResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) =>
      forecastRequest(options, 'interval', request.body, ({ model, fields, predictions, seconds }) => {
        const { alpha, field } = intervalAlpha(fields);
        checkFiniteBounds(predictions, alpha, field);
        for (const p of predictions) app.twigaCountPredictions(p.model, p.shape[0]);
        const answer: IntervalResponse = {
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
        return answer;
      }),
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ErrorResponseSchema,
  ForecastRequestSchema,
  type ForecastResponse,
  ForecastResponseSchema,
} from '../schemas.js';
import { type ForecastRouteOptions, forecastRequest, plainJsonSerializer } from './forecast.js';
import { forecastEnvelope, toNested } from './shape.js';

/** `POST /predict`: forecasts of every model in the checkpoint for the newest window of each series. */
export const predictRoute: FastifyPluginAsyncZod<ForecastRouteOptions> = async (app, options) => {
  app.post(
    '/predict',
    {
      serializerCompiler: plainJsonSerializer,
      schema: {
        body: ForecastRequestSchema,
        response: { 200: ForecastResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) =>
      forecastRequest(
        options,
        'predict',
        request.body,
        ({ model, predictions, seconds }): ForecastResponse => {
          for (const p of predictions) app.twigaCountPredictions(p.model, p.shape[0]);
          return {
            forecasts: predictions.map((p) => ({
              model: p.model,
              predictions: toNested(p, p.loc),
              inference_time: seconds,
            })),
            ...forecastEnvelope(predictions, model.meta.version),
          };
        },
      ),
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ErrorResponseSchema,
  ForecastRequestSchema,
  type ForecastResponse,
  ForecastResponseSchema,
} from '../schemas.js';
import { type ForecastRouteOptions, forecastBody, plainJsonSerializer } from './forecast.js';
import { RawJsonBody } from './raw-body.js';
import { checkFiniteForecasts, checkRecordCount, ensembleOf, forecastEnvelope, toNested } from './shape.js';

/** `POST /predict`: forecasts of every model in the checkpoint for the newest window of each series. */
export const predictRoute: FastifyPluginAsyncZod<ForecastRouteOptions> = async (
  app,
  { loader, maxRecords },
) => {
  app.post(
    '/predict',
    {
      serializerCompiler: plainJsonSerializer,
      schema: {
        body: ForecastRequestSchema,
        response: { 200: ForecastResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) => {
      // A large body arrives unparsed (RawJsonBody) and is validated off the event loop.
      const body = request.body as typeof request.body | RawJsonBody;
      // Too many records is refused before any model work (and even with no model loaded).
      if (!(body instanceof RawJsonBody)) checkRecordCount(body.records.length, maxRecords);
      return loader.use(async (model): Promise<ForecastResponse> => {
        const started = performance.now();
        const { fields, predictions } = await forecastBody(model, 'predict', body, maxRecords);
        const strategy = fields.ensemble_strategy;
        if (strategy !== undefined && predictions.length > 1)
          predictions.push(ensembleOf(model.forecaster, predictions, strategy));
        checkFiniteForecasts(predictions);
        const seconds = (performance.now() - started) / 1000;
        for (const p of predictions) app.twigaCountPredictions(p.model, p.shape[0]);
        return {
          forecasts: predictions.map((p) => ({
            model: p.model,
            predictions: toNested(p, p.loc),
            inference_time: seconds,
          })),
          ...forecastEnvelope(predictions, model.meta.version),
        };
      });
    },
  );
};

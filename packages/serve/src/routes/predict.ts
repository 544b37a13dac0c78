import { fromRecords } from '@twiga/forecaster';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ModelLoader } from '../model-loader.js';
import {
  ErrorResponseSchema,
  ForecastRequestSchema,
  type ForecastResponse,
  ForecastResponseSchema,
} from '../schemas.js';
import { checkFiniteForecasts, checkRecordCount, ensembleOf, forecastEnvelope, toNested } from './shape.js';

/** `POST /predict`: forecasts of every model in the checkpoint for the newest window of each series. */
export const predictRoute: FastifyPluginAsyncZod<{ loader: ModelLoader; maxRecords: number }> = async (
  app,
  { loader, maxRecords },
) => {
  app.post(
    '/predict',
    {
      schema: {
        body: ForecastRequestSchema,
        response: { 200: ForecastResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) => {
      checkRecordCount(request.body.records.length, maxRecords);
      return loader.use(async ({ forecaster, meta }): Promise<ForecastResponse> => {
        const started = performance.now();
        const frame = fromRecords(request.body.records, forecaster.columnSpec());
        const predictions = await forecaster.predict(frame, {
          prepareTestData: request.body.prepare_test_data,
        });
        const strategy = request.body.ensemble_strategy;
        if (strategy !== undefined && predictions.length > 1)
          predictions.push(ensembleOf(forecaster, predictions, strategy));
        checkFiniteForecasts(predictions);
        const seconds = (performance.now() - started) / 1000;
        for (const p of predictions) app.twigaCountPredictions(p.model, p.shape[0]);
        return {
          forecasts: predictions.map((p) => ({
            model: p.model,
            predictions: toNested(p, p.loc),
            inference_time: seconds,
          })),
          ...forecastEnvelope(predictions, meta.version),
        };
      });
    },
  );
};

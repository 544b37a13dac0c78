import { fromRecords } from '@twiga/forecaster';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { RequestInvalidError } from '../errors.js';
import type { ModelLoader } from '../model-loader.js';
import {
  ErrorResponseSchema,
  IntervalRequestSchema,
  type IntervalResponse,
  IntervalResponseSchema,
} from '../schemas.js';
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
export const predictIntervalRoute: FastifyPluginAsyncZod<{
  loader: ModelLoader;
  maxRecords: number;
}> = async (app, { loader, maxRecords }) => {
  app.post(
    '/predict-interval',
    {
      schema: {
        body: IntervalRequestSchema,
        response: { 200: IntervalResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) => {
      checkRecordCount(request.body.records.length, maxRecords);
      return loader.use(async ({ forecaster, meta }): Promise<IntervalResponse> => {
        const started = performance.now();
        const { records, coverage, ensemble_strategy: strategy, prepare_test_data } = request.body;
        const alpha = request.body.alpha ?? (coverage === undefined ? 0.1 : 1 - coverage);
        const field = request.body.alpha === undefined ? 'coverage' : 'alpha';
        // A coverage below 2^-53 rounds 1 − coverage to exactly 1, outside (0, 1).
        if (!(alpha > 0 && alpha < 1)) {
          const message = `${field} gives alpha ${alpha}, which is not in (0, 1)`;
          throw new RequestInvalidError(message, [{ path: `body.${field}`, message }]);
        }
        const frame = fromRecords(records, forecaster.columnSpec());
        const predictions = await forecaster.predictInterval(frame, {
          alpha,
          method: request.body.method,
          prepareTestData: prepare_test_data,
        });
        if (strategy !== undefined && predictions.length > 1)
          predictions.push(ensembleOf(forecaster, predictions, strategy));
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
          ...forecastEnvelope(predictions, meta.version),
        };
      });
    },
  );
};

import { combinePredictions, fromRecords, type RawPrediction } from '@twiga/forecaster';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ModelLoader } from '../model-loader.js';
import {
  ErrorResponseSchema,
  ForecastRequestSchema,
  type ForecastResponse,
  ForecastResponseSchema,
} from '../schemas.js';

/** `POST /predict`: forecasts of every model in the checkpoint for the newest window of each series. */
export const predictRoute: FastifyPluginAsyncZod<{ loader: ModelLoader }> = async (app, { loader }) => {
  app.post(
    '/predict',
    {
      schema: {
        body: ForecastRequestSchema,
        response: { 200: ForecastResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request) =>
      loader.use(async ({ forecaster, meta }): Promise<ForecastResponse> => {
        const started = performance.now();
        const frame = fromRecords(request.body.records, forecaster.columnSpec());
        const predictions = await forecaster.predict(frame, {
          prepareTestData: request.body.prepare_test_data,
        });
        const strategy = request.body.ensemble_strategy;
        if (strategy !== undefined && predictions.length > 1) {
          const mae = forecaster.state.validationMae;
          const weights = predictions.map((p) => {
            const v = mae[p.model];
            return v === null || v === undefined || v <= 0 ? 1 : 1 / v;
          });
          predictions.push({ ...combinePredictions(predictions, strategy, weights), model: 'ensemble' });
        }
        const seconds = (performance.now() - started) / 1000;
        const first = predictions[0]!;
        return {
          forecasts: predictions.map((p) => ({
            model: p.model,
            predictions: toNested(p),
            inference_time: seconds,
          })),
          targets: [...first.targets],
          forecast_horizon: first.shape[1],
          timestamps: toTimestamps(first),
          series_ids: [...first.seriesIds],
          checkpoint_version: meta.version,
        };
      }),
  );
};

/** `[n, horizon, targets]` flat → nested arrays, as the seed's clients read them. */
function toNested(p: RawPrediction): number[][][] {
  const [n, H, T] = p.shape;
  const out: number[][][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const steps: number[][] = new Array(H);
    for (let h = 0; h < H; h++) {
      const o = (i * H + h) * T;
      steps[h] = Array.from(p.loc.subarray(o, o + T));
    }
    out[i] = steps;
  }
  return out;
}

function toTimestamps(p: RawPrediction): string[][] {
  const [n, H] = p.shape;
  return Array.from({ length: n }, (_, i) =>
    Array.from(p.timestamps.subarray(i * H, (i + 1) * H), (ms) => new Date(ms).toISOString()),
  );
}

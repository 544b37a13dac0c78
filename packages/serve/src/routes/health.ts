import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ModelLoader } from '../model-loader.js';
import { HealthResponseSchema } from '../schemas.js';

/** `GET /health`: liveness plus what is served; `degraded` (still 200) when no model is loaded. */
export const healthRoute: FastifyPluginAsyncZod<{ loader: ModelLoader }> = async (app, { loader }) => {
  app.get('/health', { schema: { response: { 200: HealthResponseSchema } } }, async () => {
    const model = loader.current;
    if (!model)
      return {
        status: 'degraded' as const,
        models: [],
        forecast_horizon: null,
        targets: [],
        checkpoint: null,
      };
    const { config, models } = model.forecaster.state;
    return {
      status: 'ok' as const,
      models: models.map((m) => m.label),
      forecast_horizon: config.forecastHorizon,
      targets: config.targets,
      checkpoint: {
        version: model.meta.version,
        saved_at: model.meta.saved_at,
        model_type: model.meta.model_type,
      },
    };
  });
};

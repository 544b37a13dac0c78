import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ModelLoader } from '../model-loader.js';
import { ErrorResponseSchema, ReloadResponseSchema } from '../schemas.js';

/**
 * `POST /reload`: load the checkpoint the manifest names now; on failure the old model keeps serving. With
 * several server processes, all of them swap or none does.
 */
export const reloadRoute: FastifyPluginAsyncZod<{ loader: ModelLoader }> = async (app, { loader }) => {
  app.post(
    '/reload',
    {
      schema: {
        response: { 200: ReloadResponseSchema, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async () => {
      const { previous, current, processes } = await loader.reload();
      return {
        status: 'reloaded' as const,
        models: [...current.meta.models],
        previous_version: previous?.version ?? null,
        version: current.meta.version,
        processes: processes ?? 1,
      };
    },
  );
};

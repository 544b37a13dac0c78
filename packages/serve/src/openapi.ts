import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { SERVE_VERSION } from './version.js';

/**
 * OpenAPI 3.1, generated from the same zod schemas that validate requests (so the document cannot
 * disagree with the server), served at `GET /openapi.json`.
 */
const openApi: FastifyPluginAsync = async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Twiga-TS forecasting API',
        description:
          'Forecasts from the served checkpoint. Errors: `{ error: { code, message, details? } }`.',
        version: SERVE_VERSION,
      },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};

/** OpenAPI plugin: register before the routes so it sees them. */
export const openApiPlugin = fp(openApi, { name: 'twiga-openapi', fastify: '5.x' });

/** Swagger UI at `/docs`, its assets served from the package (no CDN). */
export const docsUiPlugin: FastifyPluginAsync = async (app) => {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list' },
    staticCSP: true,
  });
};

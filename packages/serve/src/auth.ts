import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { UnauthorizedError } from './errors.js';

/** Options of {@link authPlugin}. */
export interface AuthOptions {
  /** Accepted API key; undefined turns auth off. */
  apiKey: string | undefined;
  /** Paths served without a key. @default ['/health'] */
  publicPaths?: readonly string[];
}

/**
 * Constant-time comparison of two secrets: both are hashed first, so neither the content nor the
 * length of the expected key leaks through timing.
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const auth: FastifyPluginAsync<AuthOptions> = async (app, options) => {
  const { apiKey } = options;
  if (apiKey === undefined) return;
  const publicPaths = new Set(options.publicPaths ?? ['/health']);
  app.addHook('onRequest', async (request) => {
    if (publicPaths.has(request.routeOptions.url ?? request.url)) return;
    const given = request.headers['x-api-key'];
    if (typeof given !== 'string' || !safeEqual(given, apiKey)) throw new UnauthorizedError();
  });
};

/**
 * Requires `X-API-Key` on every route but the public ones when a key is configured. Wrapped with
 * fastify-plugin so its hook applies to routes registered beside it, not only inside its own scope.
 */
export const authPlugin = fp(auth, { name: 'twiga-auth', fastify: '5.x' });

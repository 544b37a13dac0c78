import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { UnauthorizedError } from './errors.js';
import type { KeyRing } from './key-ring.js';
import { safeEqual } from './safe-equal.js';

export { safeEqual } from './safe-equal.js';

/** Options of {@link authPlugin}. */
export interface AuthOptions {
  /** Accepted API keys; auth is off when the ring is empty. */
  keys: KeyRing;
  /** Key for `/metrics` alone; undefined = `/metrics` is public. */
  metricsKey?: string | undefined;
  /** Paths (or prefixes ending in `*`) served without a key. @default ['/health', '/docs*', '/openapi.json'] */
  publicPaths?: readonly string[];
}

const auth: FastifyPluginAsync<AuthOptions> = async (app, options) => {
  const { keys, metricsKey } = options;
  const patterns = options.publicPaths ?? ['/health', '/docs*', '/openapi.json'];
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  const isPublic = (path: string) => exact.has(path) || prefixes.some((p) => path.startsWith(p));
  app.addHook('onRequest', async (request) => {
    const path = request.routeOptions.url ?? request.url.split('?')[0]!;
    const given = request.headers['x-api-key'];
    const key = typeof given === 'string' ? given : undefined;
    if (path === '/metrics') {
      if (metricsKey !== undefined && (key === undefined || !safeEqual(key, metricsKey)))
        throw new UnauthorizedError();
      return;
    }
    if (!keys.enabled || isPublic(path)) return;
    if (!keys.accepts(key)) throw new UnauthorizedError();
  });
};

/**
 * Requires `X-API-Key` on every route but the public ones when keys are configured; `/metrics` has its own
 * optional key. Wrapped with fastify-plugin so its hook covers routes registered beside it.
 */
export const authPlugin = fp(auth, { name: 'twiga-auth', fastify: '5.x' });

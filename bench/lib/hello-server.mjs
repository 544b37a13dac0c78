/**
 * Baseline for bench/predict.mjs: a bare Fastify 5 server answering `POST /hello` with a small JSON, so the
 * benchmark can say how much of Fastify's own throughput `/predict` keeps. Run as its own process, like the
 * Twiga server, so both pay for the same process boundary and the client never shares their event loop.
 * Listens on 127.0.0.1 and a free port; prints one JSON line `{ msg: 'hello server listening', address }`.
 */
import { createRequire } from 'node:module';

// fastify is a dependency of @twiga/serve, not of the repo root, so resolve it from there: the baseline then
// runs the very Fastify build the Twiga server runs.
const require = createRequire(new URL('../../packages/serve/package.json', import.meta.url));
const Fastify = require('fastify');

const app = Fastify({ logger: false });
app.post('/hello', async () => ({ hello: 'world' }));

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ msg: 'hello server listening', address, fastify: app.version })}\n`);

const shutdown = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

/**
 * Baseline for bench/predict.mjs and bench/serve.mjs: a bare Fastify 5 server answering `POST /hello` with a
 * small JSON, so the benchmark can say how much of Fastify's own throughput `/predict` keeps. Run as its own
 * process, like the Twiga server, so both pay for the same process boundary and the client never shares
 * their event loop. Listens on 127.0.0.1 and a free port; prints one JSON line
 * `{ msg: 'hello server listening', address }`.
 *
 * Usage: node bench/lib/hello-server.mjs [processes]: with processes > 1, that many node:cluster processes
 * share the port, as the Twiga server's TWIGA_SERVE_PROCESSES does, so each is compared with its like.
 */
import cluster from 'node:cluster';
import { createRequire } from 'node:module';

const processes = Number(process.argv[2] ?? 1);

if (processes > 1 && cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < processes; i++) {
    cluster.fork().on('message', (msg) => {
      if (++listening === processes)
        process.stdout.write(`${JSON.stringify({ ...msg, msg: 'hello server listening', processes })}\n`);
    });
  }
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  cluster.on('exit', () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  // fastify is a dependency of @twiga/serve, not of the repo root, so resolve it from there: the baseline
  // then runs the very Fastify build the Twiga server runs.
  const require = createRequire(new URL('../../packages/serve/package.json', import.meta.url));
  const Fastify = require('fastify');

  const app = Fastify({ logger: false });
  app.post('/hello', async () => ({ hello: 'world' }));

  // In a cluster every process listens on port 0 and node:cluster gives them all the same port.
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const line = { msg: 'hello server listening', address, fastify: app.version };
  if (cluster.isWorker) process.send(line);
  else process.stdout.write(`${JSON.stringify(line)}\n`);

  const shutdown = () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

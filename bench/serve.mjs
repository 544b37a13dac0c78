/**
 * `pnpm bench:serve`: the served `/predict` as a client uses it day to day: one series, horizon 48, only the
 * newest rows in the body (the server prepends the checkpoint's training tail), at 1, 10 and 64
 * connections, with the ratio to a bare Fastify hello-world; with `--python-twiga DIR` (made by
 * bench/python-twiga/setup.sh) also Python Twiga's own server on the same data. Needs `pnpm build` first.
 *
 * Usage: node bench/serve.mjs [--connections 1,10,64] [--processes 1,2] [--duration 8] [--warmup 2]
 *                             [--python-twiga DIR]
 */
import { runPredictBench } from './lib/predict-load-bench.mjs';
import { HORIZON } from './lib/predict-request.mjs';
import { checkForecastStart, NEWEST_ROWS, newestRowsBody, newestRowsVariants } from './lib/serve-request.mjs';

await runPredictBench({
  name: 'serve',
  // One server process, and two sharing the port (TWIGA_SERVE_PROCESSES=2), in the same run.
  defaults: { connections: '1,10,64', duration: 8, processes: '1,2' },
  body: newestRowsBody,
  // 64 different bodies in turn: concurrent requests are micro-batched, and identical rows would flatter that.
  variants: () => newestRowsVariants(64),
  describe: async (url, body) =>
    `${NEWEST_ROWS} newest rows + ${HORIZON} future rows, one series, forecast from ${await checkForecastStart(url, body)}; under load 64 variants (Demand ×0.97–1.03, Temperature ±2 °C) in turn`,
  pythonTwiga: true,
  footer: 'python twiga: not measured; pass --python-twiga DIR after bench/python-twiga/setup.sh DIR',
});

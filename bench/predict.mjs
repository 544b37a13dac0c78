/**
 * `pnpm bench:predict`: throughput and latency of the real Twiga server's `POST /predict` with a full-history
 * body, next to a bare Fastify hello-world on the same machine, and the ratio of the two. Needs
 * `pnpm build` first. See bench/README.md.
 *
 * Usage: node bench/predict.mjs [--connections 1,10[,64]] [--duration 10] [--warmup 2]
 */
import { LOAD_DEFAULTS, runPredictBench } from './lib/predict-load-bench.mjs';
import { HISTORY_ROWS, HORIZON, predictBody } from './lib/predict-request.mjs';

await runPredictBench({
  name: 'predict',
  defaults: { connections: '1,10', duration: LOAD_DEFAULTS.duration },
  body: predictBody,
  describe: async () => `${HISTORY_ROWS} history + ${HORIZON} future rows`,
});

// A runner process for the BullMQ tests: works the queue, appends `started:<jobId>` and `done:<jobId>` lines
// to a file, and exits 0 on SIGTERM after its job. Usage (tsx): bull-worker.ts REDIS_URL QUEUE OUT_FILE RUN_MS [CRON]
import { appendFileSync } from 'node:fs';
import { BullMqRunner } from '../src/index.js';

const [redisUrl, queueName, out, runMs, cron] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
];
const runner = new BullMqRunner({
  redisUrl,
  queueName,
  schedules: cron ? [{ model: 'm', kind: 'retrain', cron }] : [],
  lockDurationMs: 1000,
  stalledIntervalMs: 300,
  globalConcurrency: 2,
  backoffMs: 100,
  run: async (_entry, _signal, meta) => {
    appendFileSync(out, `started:${meta.jobId}:${process.pid}\n`);
    await new Promise((r) => setTimeout(r, Number(runMs)));
    appendFileSync(out, `done:${meta.jobId}:${process.pid}\n`);
  },
});
await runner.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void runner.stop().then(() => process.exit(0));
});

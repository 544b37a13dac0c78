/**
 * `pnpm bench:pool`: what the forecast worker threads buy. A served checkpoint (seasonal naive + linear, for a
 * quick train) gets one large `/predict` (~99 000 records of vic_elec, several MB) at a time while a client
 * sends small one-series requests on 4 connections. Run twice against real server processes: with
 * `TWIGA_SERVE_WORKERS=1` and with `0` (everything on the event loop). Prints the large request's latency
 * and the small requests' p50 / p99 / max latency in each mode, and the ratio.
 *
 * Usage: node bench/pool.mjs [--large 5] [--records 99000]   (needs `pnpm build`)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_TRAIN_CONFIG } from '../apps/runner/dist/train-config.js';
import { runNodeJson, startServer, stopProcess } from './lib/processes.mjs';
import { bundledRows, newestRowsBody, newestRowsRecords } from './lib/serve-request.mjs';
import { table } from './lib/table.mjs';

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const { values } = parseArgs({
  options: { large: { type: 'string', default: '5' }, records: { type: 'string', default: '99000' } },
});
const LARGE = Number(values.large);
const RECORDS = Number(values.records);

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function post(url, body) {
  const t = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`POST answered ${res.status}`);
  return performance.now() - t;
}

/** One mode: LARGE large requests one after another, 4 small-request loops running alongside. */
async function measure(url, largeBody, smallBody) {
  const small = [];
  let running = true;
  const loops = Array.from({ length: 4 }, async () => {
    while (running) small.push(await post(url, smallBody));
  });
  const large = [];
  for (let i = 0; i < LARGE; i++) large.push(await post(url, largeBody));
  running = false;
  await Promise.all(loops);
  small.sort((a, b) => a - b);
  large.sort((a, b) => a - b);
  return {
    largeMs: quantile(large, 0.5),
    smallCount: small.length,
    p50: quantile(small, 0.5),
    p99: quantile(small, 0.99),
    max: small.at(-1),
  };
}

const tmp = await mkdtemp(join(os.tmpdir(), 'twiga-bench-pool-'));
const children = new Set();
try {
  const config = join(tmp, 'config.json');
  await writeFile(
    config,
    JSON.stringify({ ...DEFAULT_TRAIN_CONFIG, models: [{ name: 'seasonal-naive' }, { name: 'linear' }] }),
  );
  const ck = join(tmp, 'ck');
  await runNodeJson(
    [root('apps/runner/dist/cli.js'), 'train', '--config', config, '--checkpoint-dir', ck, '--json'],
    {
      track: (c) => children.add(c),
    },
  );
  const rows = await bundledRows();
  const largeBody = JSON.stringify({
    records: newestRowsRecords(rows, { newest: Math.min(RECORDS, rows.length) }),
    prepare_test_data: false,
  });
  const smallBody = await newestRowsBody();
  console.log(
    `machine: ${os.cpus().length} CPUs, node ${process.version}; large body ${(largeBody.length / 2 ** 20).toFixed(1)} MiB (${Math.min(RECORDS, rows.length)} history rows + 48 future), small body ${(smallBody.length / 1024).toFixed(1)} KiB`,
  );
  const results = [];
  for (const workers of [1, 0]) {
    const env = { ...process.env, TWIGA_LOG_LEVEL: 'info', TWIGA_SERVE_WORKERS: String(workers) };
    delete env.TWIGA_SERVE_API_KEY;
    // The load shedder would turn away small requests while the inline mode blocks; measure the wait instead.
    env.TWIGA_SERVE_MAX_EVENT_LOOP_DELAY_MS = '0';
    const server = startServer(
      [root('apps/server/dist/main.js'), '--checkpoint-dir', ck, '--port', '0', '--host', '127.0.0.1'],
      { listeningMsg: 'twiga server listening', env },
    );
    children.add(server.child);
    const { address } = await server.ready;
    const url = `${address}/predict`;
    await post(url, smallBody);
    await post(url, largeBody);
    results.push({ workers, ...(await measure(url, largeBody, smallBody)) });
    await stopProcess(server.child);
  }
  const ms = (v) => v.toFixed(1);
  console.log(
    table(
      [
        'TWIGA_SERVE_WORKERS',
        'large p50 ms',
        'small requests',
        'small p50 ms',
        'small p99 ms',
        'small max ms',
      ],
      results.map((r) => [
        String(r.workers),
        ms(r.largeMs),
        String(r.smallCount),
        ms(r.p50),
        ms(r.p99),
        ms(r.max),
      ]),
    ),
  );
  const [pooled, inline] = results;
  console.log(
    `small-request p99 with a worker / inline: ${(pooled.p99 / inline.p99).toFixed(3)}; large-request latency ratio: ${(pooled.largeMs / inline.largeMs).toFixed(3)}`,
  );
  console.log(JSON.stringify({ bench: 'pool', results }));
} finally {
  await Promise.all([...children].map((c) => stopProcess(c)));
  await rm(tmp, { recursive: true, force: true });
}

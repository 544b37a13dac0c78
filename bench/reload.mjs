/**
 * `pnpm bench:reload`: `/predict` under 64 connections while `/reload` swaps the default GBDT checkpoint back
 * and forth, against the same load without reloads, for 1 and 2 server processes. Prints req/s, p50, p99,
 * the slowest answer, non-2xx and errors of both runs, and how long each reload took. Needs `pnpm build`.
 *
 * Usage: node bench/reload.mjs [--connections 64] [--reloads 10] [--duration 10] [--processes 1,2]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { CheckpointStore } from '../packages/forecaster/dist/index.js';
import { runNodeJson, startServer, stopProcess } from './lib/processes.mjs';
import { checkForecastStart, newestRowsBody, newestRowsVariants } from './lib/serve-request.mjs';
import { table } from './lib/table.mjs';

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const CLI = root('apps/runner/dist/cli.js');
const SERVER = root('apps/server/dist/main.js');

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    reloads: { type: 'string', default: '10' },
    duration: { type: 'string', default: '10' },
    processes: { type: 'string', default: '1,2' },
  },
});
const connections = Number(values.connections);
const reloads = Number(values.reloads);
const duration = Number(values.duration);
const processCounts = values.processes.split(',').map(Number);

/** One autocannon run of `duration` s; `during` runs alongside it (after a 1 s start) and its result is kept. */
async function run(url, bodies, during) {
  let next = 0;
  const load = autocannon({
    url: `${url}/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    duration,
    timeout: 10,
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
  });
  const side = during ? new Promise((r) => setTimeout(r, 1000)).then(during) : Promise.resolve([]);
  const [result, extra] = await Promise.all([load, side]);
  return {
    rps: result.requests.mean,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    extra,
  };
}

/** `reloads` reloads spread over the run, alternating the manifest between versions 1 and 2. */
async function reloadLoop(url, store) {
  const gap = ((duration - 2) * 1000) / reloads;
  const times = [];
  for (let i = 0; i < reloads; i++) {
    await store.rollback(i % 2 === 0 ? 1 : 2);
    const started = performance.now();
    const res = await fetch(`${url}/reload`, { method: 'POST' });
    const answer = await res.json();
    times.push({ status: res.status, ms: performance.now() - started, version: answer.version });
    await new Promise((r) => setTimeout(r, Math.max(0, gap - (performance.now() - started))));
  }
  return times;
}

const children = new Set();
let tmp;
const rows = [];
const reloadTimes = [];
try {
  tmp = await mkdtemp(join(os.tmpdir(), 'twiga-bench-reload-'));
  console.log(`training with the default config on the bundled data into ${tmp} ...`);
  await runNodeJson([CLI, 'train', '--checkpoint-dir', tmp, '--json'], { track: (c) => children.add(c) });
  // Version 2: the same model saved again, so each reload loads a full GBDT checkpoint from disk.
  const store = new CheckpointStore(tmp);
  const loaded = await store.load();
  await store.save(loaded.forecaster, { extras: loaded.extras });
  await loaded.forecaster.close();
  const body = await newestRowsBody();
  const bodies = await newestRowsVariants(64);

  for (const processes of processCounts) {
    const server = startServer([SERVER, '--checkpoint-dir', tmp, '--port', '0', '--host', '127.0.0.1'], {
      listeningMsg: 'twiga server listening',
      env: { ...process.env, TWIGA_LOG_LEVEL: 'info', TWIGA_SERVE_PROCESSES: String(processes) },
    });
    children.add(server.child);
    const { address: url } = await server.ready;
    await checkForecastStart(`${url}/predict`, body);
    console.log(
      `${processes} process(es) at ${url}: warm-up, then ${duration} s without and ${duration} s with reloads ...`,
    );
    await run(url, bodies); // warm-up
    const quiet = await run(url, bodies);
    const busy = await run(url, bodies, () => reloadLoop(url, store));
    rows.push({ processes, quiet, busy });
    reloadTimes.push({ processes, times: busy.extra });
    await stopProcess(server.child);
    children.delete(server.child);
  }
} finally {
  await Promise.all([...children].map((c) => stopProcess(c)));
  if (tmp) await rm(tmp, { recursive: true, force: true });
}

const ms = (v) => (v === 0 ? '<1' : String(Math.round(v)));
const line = (processes, count, m) => [
  processes,
  count,
  m.rps.toFixed(1),
  ms(m.p50),
  ms(m.p99),
  ms(m.max),
  m.non2xx,
  m.errors,
];
console.log('');
console.log(
  table(
    ['processes', 'reloads', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'],
    rows.flatMap((r) => [line(r.processes, 0, r.quiet), line(r.processes, reloads, r.busy)]),
  ),
);
console.log('');
for (const { processes, times } of reloadTimes) {
  const sorted = times.map((t) => t.ms).sort((a, b) => a - b);
  const statuses = [...new Set(times.map((t) => t.status))].join(',');
  console.log(
    `${processes} process(es): ${times.length} reloads, status ${statuses}, versions ${times.map((t) => t.version).join(' ')}; ` +
      `each took ${Math.round(sorted[0])}–${Math.round(sorted.at(-1))} ms (median ${Math.round(sorted[Math.floor(sorted.length / 2)])})`,
  );
}
console.log(
  `\n${JSON.stringify({ bench: 'reload', date: new Date().toISOString(), cpus: os.cpus().length, connections, duration, reloads, rows: rows.map(({ processes, quiet, busy }) => ({ processes, quiet: { ...quiet, extra: undefined }, busy: { ...busy, extra: undefined } })), reloadTimes })}`,
);
const bad = rows.some((r) => r.busy.non2xx + r.busy.errors + r.quiet.non2xx + r.quiet.errors > 0);
if (bad) process.exitCode = 1;

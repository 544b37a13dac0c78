/**
 * `pnpm bench:serve`: the served `/predict` as a client uses it day to day: one series, horizon 48, only the
 * newest rows in the body (the server prepends the checkpoint's training tail). Trains a checkpoint with
 * the default config, starts the real server and a bare Fastify hello-world as their own processes on
 * 127.0.0.1, loads each with autocannon at 1, 10 and 64 connections, and prints req/s, p50, p99 and
 * failures per connection count with the ratio to hello-world. Python Twiga is not measured: its
 * server could not be run here (see bench/README.md). Stops every server and removes the temp dir, also
 * on failure or Ctrl-C. Needs `pnpm build` first.
 *
 * Usage: node bench/serve.mjs [--connections 1,10,64] [--duration 8] [--warmup 2]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LOAD_DEFAULTS, measure } from './lib/load.mjs';
import { checkPredict, HORIZON } from './lib/predict-request.mjs';
import { runNodeJson, startServer, stopProcess } from './lib/processes.mjs';
import { checkForecastStart, NEWEST_ROWS, newestRowsBody } from './lib/serve-request.mjs';
import { table } from './lib/table.mjs';

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const CLI = root('apps/runner/dist/cli.js');
const SERVER = root('apps/server/dist/main.js');
const HELLO = root('bench/lib/hello-server.mjs');
const HELLO_BODY = JSON.stringify({ hello: 'twiga' });

function options() {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '1,10,64' },
      duration: { type: 'string', default: '8' },
      warmup: { type: 'string', default: String(LOAD_DEFAULTS.warmup) },
    },
  });
  const int = (name, text, min) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be an integer >= ${min}, got ${text}`);
    return n;
  };
  const connections = values.connections.split(',').map((c) => int('connections', c.trim(), 1));
  return {
    connections: [...new Set(connections)].sort((a, b) => a - b),
    duration: int('duration', values.duration, 1),
    warmup: int('warmup', values.warmup, 0),
  };
}

/** Environment of the Twiga server: JSON info logs (the address is read from them), no API key. */
function serverEnv() {
  const env = { ...process.env, TWIGA_LOG_LEVEL: 'info' };
  delete env.TWIGA_LOG_PRETTY; // pretty logs are not JSON lines
  delete env.TWIGA_SERVE_API_KEY; // loopback only; measure the open route, as a fresh install serves it
  return env;
}

function assertLoopback(name, address) {
  const host = new URL(address).hostname;
  if (host !== '127.0.0.1') throw new Error(`${name} listens on ${host}, not 127.0.0.1: refusing to load it`);
}

const fmt = {
  rps: (v) => v.toFixed(1),
  // autocannon records latency in whole milliseconds; 0 means under 1 ms.
  ms: (v) => (v === 0 ? '<1' : String(v)),
  ratio: (v) => (Number.isFinite(v) ? v.toFixed(4) : 'n/a'),
};

async function main() {
  const opts = options();
  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
  console.log(`machine: ${machine.cpus} CPUs, ${machine.model}; ${machine.platform}; node ${machine.node}`);
  console.log(
    `load: autocannon on 127.0.0.1, connections ${opts.connections.join(',')}, ${opts.warmup} s warm-up + ${opts.duration} s each`,
  );

  const children = new Set();
  let tmp;
  let cleaning;
  const cleanup = () => {
    cleaning ??= (async () => {
      await Promise.all([...children].map((child) => stopProcess(child)));
      if (tmp) await rm(tmp, { recursive: true, force: true });
    })();
    return cleaning;
  };
  const interrupted = (signal) => {
    console.error(`\n${signal}: stopping servers and removing ${tmp ?? 'nothing'}`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const rows = [];
  try {
    tmp = await mkdtemp(join(os.tmpdir(), 'twiga-bench-serve-'));
    console.log(`\ntraining with the default config on the bundled data into ${tmp} ...`);
    const trained = await runNodeJson([CLI, 'train', '--checkpoint-dir', tmp, '--json'], {
      track: (child) => children.add(child),
    });
    console.log(`checkpoint version ${trained.version} in ${trained.seconds.toFixed(1)} s`);

    const twiga = startServer([SERVER, '--checkpoint-dir', tmp, '--port', '0', '--host', '127.0.0.1'], {
      listeningMsg: 'twiga server listening',
      env: serverEnv(),
    });
    children.add(twiga.child);
    const hello = startServer([HELLO], { listeningMsg: 'hello server listening' });
    children.add(hello.child);
    const [{ address: twigaUrl }, { address: helloUrl }] = await Promise.all([twiga.ready, hello.ready]);
    assertLoopback('twiga server', twigaUrl);
    assertLoopback('hello server', helloUrl);

    const body = await newestRowsBody();
    const info = await checkPredict(`${twigaUrl}/predict`, body, HORIZON);
    const start = await checkForecastStart(`${twigaUrl}/predict`, body);
    console.log(
      `twiga server at ${twigaUrl}, hello server at ${helloUrl}\n` +
        `/predict body: ${NEWEST_ROWS} newest rows + ${HORIZON} future rows, one series, ${(body.length / 1024).toFixed(1)} KiB; ` +
        `answer: ${info.models.join(', ')}, ${(info.bytes / 1024).toFixed(1)} KiB, one request took ${info.ms.toFixed(1)} ms; forecast from ${start}`,
    );

    for (const connections of opts.connections) {
      const load = {
        connections,
        duration: opts.duration,
        warmup: opts.warmup,
        timeout: LOAD_DEFAULTS.timeout,
      };
      console.log(`measuring ${connections} connection(s) ...`);
      const predict = await measure({ ...load, url: `${twigaUrl}/predict`, body });
      const baseline = await measure({ ...load, url: `${helloUrl}/hello`, body: HELLO_BODY });
      rows.push({ connections, predict, hello: baseline });
    }
  } finally {
    await cleanup();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }

  const line = (target, r) => [
    target,
    r.connections,
    fmt.rps(r.reqPerSec),
    fmt.ms(r.p50Ms),
    fmt.ms(r.p99Ms),
    r.non2xx,
    r.errors,
    r.timeouts,
  ];
  console.log('');
  console.log(
    table(
      ['target', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'timeouts'],
      rows.flatMap((r) => [line('POST /predict', r.predict), line('POST /hello', r.hello)]),
    ),
  );
  console.log('');
  console.log(
    table(
      ['connections', 'predict req/s', 'hello req/s', 'predict/hello'],
      rows.map((r) => [
        r.connections,
        fmt.rps(r.predict.reqPerSec),
        fmt.rps(r.hello.reqPerSec),
        fmt.ratio(r.predict.reqPerSec / r.hello.reqPerSec),
      ]),
    ),
  );
  console.log('python twiga: not measured (see bench/README.md)');

  const failed = rows.filter((r) => [r.predict, r.hello].some((m) => m.non2xx + m.errors + m.timeouts > 0));
  for (const r of failed) {
    console.error(
      `warning: failed requests at ${r.connections} connection(s): predict ${JSON.stringify(r.predict.statusCodes)}, ` +
        `hello ${JSON.stringify(r.hello.statusCodes)}; these numbers do not measure successful work`,
    );
  }
  if (failed.length > 0) process.exitCode = 1;

  const pick = (m) => ({
    rps: Number(m.reqPerSec.toFixed(1)),
    p50: m.p50Ms,
    p99: m.p99Ms,
    non2xx: m.non2xx,
    errors: m.errors,
    timeouts: m.timeouts,
  });
  const summary = {
    bench: 'serve',
    date: new Date().toISOString(),
    ...machine,
    duration: opts.duration,
    warmup: opts.warmup,
    results: rows.map((r) => ({
      connections: r.connections,
      predict: pick(r.predict),
      hello: pick(r.hello),
      ratio: Number((r.predict.reqPerSec / r.hello.reqPerSec).toFixed(4)),
    })),
  };
  console.log(`\n${JSON.stringify(summary)}`);
}

main().catch((err) => {
  console.error(`bench:serve failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LOAD_DEFAULTS, measure } from './load.mjs';
import { checkPredict, HORIZON } from './predict-request.mjs';
import { runNodeJson, startServer, stopProcess } from './processes.mjs';
import { checkPythonTwiga, pythonTwigaBody, startPythonTwiga } from './python-twiga.mjs';
import { table } from './table.mjs';

export { LOAD_DEFAULTS };

const root = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const CLI = root('apps/runner/dist/cli.js');
const SERVER = root('apps/server/dist/main.js');
const HELLO = root('bench/lib/hello-server.mjs');
const HELLO_BODY = JSON.stringify({ hello: 'twiga' });

function options(defaults) {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: defaults.connections },
      duration: { type: 'string', default: String(defaults.duration) },
      warmup: { type: 'string', default: String(LOAD_DEFAULTS.warmup) },
      processes: { type: 'string', default: defaults.processes ?? '1' },
      'python-twiga': { type: 'string' },
    },
  });
  const int = (name, text, min) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be an integer >= ${min}, got ${text}`);
    return n;
  };
  const connections = values.connections.split(',').map((c) => int('connections', c.trim(), 1));
  const processes = values.processes.split(',').map((c) => int('processes', c.trim(), 1));
  return {
    processes: [...new Set(processes)].sort((a, b) => a - b),
    connections: [...new Set(connections)].sort((a, b) => a - b),
    duration: int('duration', values.duration, 1),
    warmup: int('warmup', values.warmup, 0),
    pythonTwiga: values['python-twiga'],
  };
}

/** Environment of the Twiga server: JSON info logs (the address is read from them), no API key. */
function serverEnv(processes) {
  const env = { ...process.env, TWIGA_LOG_LEVEL: 'info', TWIGA_SERVE_PROCESSES: String(processes) };
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

/**
 * Run one `/predict` load scenario against a bare Fastify hello-world in the same run: train a checkpoint
 * into a temp dir, start both servers as their own processes on 127.0.0.1, load each with autocannon per
 * connection count, print the table, the ratio and a one-line JSON summary, and always stop the servers
 * and remove the temp dir (also on failure or Ctrl-C).
 *
 * `scenario`: `name` (bench:<name>), `defaults` ({ connections: '1,10', duration }), `body()` → the JSON
 * body, optional `variants()` → bodies sent in turn instead of `body` under load, `describe(url, body, info)` → any extra check of the first answer, and the body's one-line description, and an
 * optional `footer` line.
 */
export async function runPredictBench(scenario) {
  try {
    await main(scenario);
  } catch (err) {
    console.error(`bench:${scenario.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

async function main(scenario) {
  const opts = options(scenario.defaults);
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
  const peerRows = [];
  try {
    if (opts.pythonTwiga && !scenario.pythonTwiga)
      throw new Error(`--python-twiga is only measured by bench:serve, not bench:${scenario.name}`);
    // Python Twiga takes its time to import and load: start it first, wait for it later.
    const peer = opts.pythonTwiga
      ? startPythonTwiga(resolve(opts.pythonTwiga), { track: (child) => children.add(child) })
      : undefined;
    tmp = await mkdtemp(join(os.tmpdir(), `twiga-bench-${scenario.name}-`));
    console.log(`\ntraining with the default config on the bundled data into ${tmp} ...`);
    const trained = await runNodeJson([CLI, 'train', '--checkpoint-dir', tmp, '--json'], {
      track: (child) => children.add(child),
    });
    console.log(`checkpoint version ${trained.version} in ${trained.seconds.toFixed(1)} s`);

    // One Twiga server per process count (TWIGA_SERVE_PROCESSES), all on the same checkpoint.
    const twigas = opts.processes.map((processes) => {
      const server = startServer([SERVER, '--checkpoint-dir', tmp, '--port', '0', '--host', '127.0.0.1'], {
        listeningMsg: 'twiga server listening',
        env: serverEnv(processes),
      });
      children.add(server.child);
      return server;
    });
    // And a hello-world baseline with the same number of processes for each.
    const hellos = opts.processes.map((processes) => {
      const server = startServer([HELLO, String(processes)], { listeningMsg: 'hello server listening' });
      children.add(server.child);
      return server;
    });
    const ready = await Promise.all([...twigas, ...hellos].map((t) => t.ready));
    const twigaUrls = ready.slice(0, twigas.length).map((r) => r.address);
    const helloUrls = ready.slice(twigas.length).map((r) => r.address);
    for (const url of twigaUrls) assertLoopback('twiga server', url);
    for (const url of helloUrls) assertLoopback('hello server', url);
    const twigaUrl = twigaUrls[0];

    const body = await scenario.body();
    const bodies = scenario.variants ? await scenario.variants() : undefined;
    // Every server answers before any load; the first one's answer describes the run.
    const infos = [];
    for (const url of twigaUrls) {
      if (bodies)
        await Promise.all(bodies.slice(0, 4).map((b) => checkPredict(`${url}/predict`, b, HORIZON)));
      infos.push(await checkPredict(`${url}/predict`, body, HORIZON));
    }
    const info = infos[0];
    const described = await scenario.describe(`${twigaUrl}/predict`, body, info);
    console.log(
      `twiga server(s) at ${twigaUrls.map((u, i) => `${u} (${opts.processes[i]} process${opts.processes[i] > 1 ? 'es' : ''})`).join(', ')}, hello server(s) at ${helloUrls.join(', ')}\n/predict body: ${described}, ` +
        `${(body.length / 1024).toFixed(1)} KiB; answer: ${info.models.join(', ')}, ` +
        `${(info.bytes / 1024).toFixed(1)} KiB, one request took ${info.ms.toFixed(1)} ms`,
    );

    let peerUrl;
    let peerBody;
    if (peer) {
      peerUrl = (await peer.ready).address;
      assertLoopback('python twiga', peerUrl);
      peerBody = await pythonTwigaBody(resolve(opts.pythonTwiga));
      const check = await checkPythonTwiga(peerUrl, peerBody);
      console.log(
        `python twiga at ${peerUrl}: ${(peerBody.length / 1024).toFixed(1)} KiB body (96 rows); answer: ` +
          `${check.models.join(', ')}, ${check.windows} window(s) each, ${(check.bytes / 1024).toFixed(1)} KiB, ` +
          `one request took ${check.ms.toFixed(1)} ms`,
      );
    }

    for (const connections of opts.connections) {
      const load = {
        connections,
        duration: opts.duration,
        warmup: opts.warmup,
        timeout: LOAD_DEFAULTS.timeout,
      };
      console.log(`measuring ${connections} connection(s) ...`);
      for (const [i, url] of twigaUrls.entries()) {
        const predict = await measure({ ...load, url: `${url}/predict`, body, bodies });
        const hello = await measure({ ...load, url: `${helloUrls[i]}/hello`, body: HELLO_BODY });
        rows.push({ connections, processes: opts.processes[i], predict, hello });
      }
      if (peerUrl) {
        // No warm-up run for it (the checks above warmed it): at 2 requests a second, the warm-up's queued
        // requests would still be answered during the measured run and halve what it counts.
        peerRows.push(await measure({ ...load, warmup: 0, url: `${peerUrl}/predict`, body: peerBody }));
        // Python keeps working through requests whose connections autocannon has closed: one more request
        // queues behind them, so its answer means the backlog is gone and cannot slow the next run.
        await checkPythonTwiga(peerUrl, peerBody);
      }
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
  for (const r of rows) r.ratio = r.predict.reqPerSec / r.hello.reqPerSec;
  const several = opts.processes.length > 1 || opts.processes[0] !== 1;
  const suffix = (r) => (several ? ` ×${r.processes}` : '');
  console.log('');
  console.log(
    table(
      ['target', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'timeouts'],
      rows.flatMap((r) => [
        line(`POST /predict${suffix(r)}`, r.predict),
        line(`POST /hello${suffix(r)}`, r.hello),
      ]),
    ),
  );
  if (several)
    console.log('×N: N server processes sharing the port (TWIGA_SERVE_PROCESSES=N; the hello-world alike)');
  console.log('');
  console.log(
    table(
      ['connections', ...(several ? ['processes'] : []), 'predict req/s', 'hello req/s', 'predict/hello'],
      rows.map((r) => [
        r.connections,
        ...(several ? [r.processes] : []),
        fmt.rps(r.predict.reqPerSec),
        fmt.rps(r.hello.reqPerSec),
        fmt.ratio(r.ratio),
      ]),
    ),
  );

  const failed = rows.filter((r) => [r.predict, r.hello].some((m) => m.non2xx + m.errors + m.timeouts > 0));
  for (const r of failed) {
    console.error(
      `warning: failed requests at ${r.connections} connection(s), ${r.processes} process(es): predict ${JSON.stringify(r.predict.statusCodes)}, ` +
        `hello ${JSON.stringify(r.hello.statusCodes)}; these numbers do not measure successful work`,
    );
  }
  if (failed.length > 0) process.exitCode = 1;
  if (peerRows.length > 0) printPeer(rows, peerRows);
  else if (scenario.footer) console.log(scenario.footer);

  const pick = (m) => ({
    rps: Number(m.reqPerSec.toFixed(1)),
    p50: m.p50Ms,
    p99: m.p99Ms,
    non2xx: m.non2xx,
    errors: m.errors,
    timeouts: m.timeouts,
  });
  const summary = {
    bench: scenario.name,
    date: new Date().toISOString(),
    ...machine,
    duration: opts.duration,
    warmup: opts.warmup,
    results: rows.map((r) => ({
      connections: r.connections,
      processes: r.processes,
      predict: pick(r.predict),
      hello: pick(r.hello),
      ratio: Number(r.ratio.toFixed(4)),
    })),
    ...(peerRows.length > 0
      ? { pythonTwiga: peerRows.map((m) => ({ connections: m.connections, ...pick(m) })) }
      : {}),
  };
  console.log(`\n${JSON.stringify(summary)}`);
}

/**
 * Python Twiga against our single-process server at each connection count: its own rows, then the ratio of
 * throughput (ours / its) and of p99 (its / ours). Its p99 covers answered requests only; timeouts (no
 * answer within the load timeout) are listed beside it.
 */
function printPeer(rows, peerRows) {
  const answered = (m) => m.total - m.non2xx > 0;
  const ours = (c) =>
    rows.find((r) => r.connections === c && r.processes === 1) ?? rows.find((r) => r.connections === c);
  console.log('');
  console.log(
    table(
      ['target', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'timeouts'],
      peerRows.map((m) => [
        'POST /predict python twiga',
        m.connections,
        fmt.rps(m.reqPerSec),
        answered(m) ? fmt.ms(m.p50Ms) : '—',
        answered(m) ? fmt.ms(m.p99Ms) : '—',
        m.non2xx,
        m.errors,
        m.timeouts,
      ]),
    ),
  );
  console.log('');
  console.log(
    table(
      [
        'connections',
        `ours ×${ours(peerRows[0].connections).processes} req/s`,
        'python req/s',
        'throughput ×',
        'ours p99',
        'python p99',
        'p99 ÷',
      ],
      peerRows.map((m) => {
        const o = ours(m.connections).predict;
        return [
          m.connections,
          fmt.rps(o.reqPerSec),
          fmt.rps(m.reqPerSec),
          answered(m) ? (o.reqPerSec / m.reqPerSec).toFixed(0) : '∞ (none answered)',
          fmt.ms(o.p99Ms),
          answered(m) ? fmt.ms(m.p99Ms) : '—',
          answered(m) ? (m.p99Ms / Math.max(o.p99Ms, 1)).toFixed(0) : '—',
        ];
      }),
    ),
  );
  console.log(
    'python twiga: PyPI twiga 1.1.6, its create_app under uvicorn (1 process, one prediction at a time), a model it trained (bench/python-twiga); —: no answer within the run; p99 ÷ uses 1 ms for ours below 1 ms',
  );
}

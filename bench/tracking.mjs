/**
 * `pnpm bench:tracking`: time to log one training run — about 300 params and metrics, a dataset input, the
 * checkpoint files as artifacts, a registered model version (waited on until READY) and an alias — to a
 * local MLflow server through @twiga/tracking, next to the same run through Python's `mlflow` client
 * (bench/tracking_mlflow.py), and the ratio. Starts its own `mlflow server` (sqlite + local artifacts in a
 * temp dir, 127.0.0.1, a free port), stops it and removes the temp dir at the end, also on failure.
 * Needs `pnpm build` first and mlflow (`bash scripts/ci/mlflow.sh`). See bench/README.md.
 *
 * Usage: node bench/tracking.mjs [--repeats 5] [--warmup 1] [--python python3]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CheckpointStore,
  fromRecords,
  splitFrame,
  TwigaForecaster,
} from '../packages/forecaster/dist/index.js';
import { TwigaTracker } from '../packages/tracking/dist/index.js';
import { freePort } from './lib/processes.mjs';
import { table } from './lib/table.mjs';

const PY_SCRIPT = fileURLToPath(new URL('./tracking_mlflow.py', import.meta.url));

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    python: { type: 'string', default: process.env.TWIGA_TEST_PYTHON ?? 'python3' },
  },
});
const repeats = Number(values.repeats);
const warmup = Number(values.warmup);

async function startMlflow(dir) {
  const port = await freePort();
  const uri = `http://127.0.0.1:${port}`;
  const args = ['-m', 'mlflow', 'server', '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`];
  args.push('--artifacts-destination', join(dir, 'artifacts'), '--host', '127.0.0.1', '--port', String(port));
  args.push('--workers', '1');
  const child = spawn(values.python, args, {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' },
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited with ${child.exitCode}`);
    const ok = await fetch(`${uri}/health`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { uri, child };
    if (Date.now() > deadline) throw new Error('mlflow server did not answer /health within 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopMlflow(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** Train a small forecaster (horizon 12) and record what a training run logs, in a local-only store. */
async function buildPayload(dir) {
  const forecaster = TwigaForecaster.create({
    data: {
      dateColumn: 'time',
      targets: ['load'],
      period: '1h',
      lookbackWindowSize: 48,
      forecastHorizon: 12,
      lags: [24, 168],
      rollingWindows: [24],
      calendarFeatures: ['hour', 'dayofweek'],
      exogenousFeatures: ['temp'],
    },
    models: [{ name: 'seasonal-naive' }, { name: 'linear', params: { alpha: 1 } }],
  });
  const records = Array.from({ length: 2000 }, (_, i) => {
    const temp = 20 + 5 * Math.sin((2 * Math.PI * i) / 24 + 1);
    return {
      time: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
      load: 100 + 10 * Math.sin((2 * Math.PI * i) / 24) + 0.5 * temp + ((i * 7919) % 13) / 13,
      temp,
    };
  });
  const frame = fromRecords(records, forecaster.columnSpec());
  const { train, test } = splitFrame(frame, forecaster.config, { testFraction: 0.2 });
  await forecaster.fit(train);
  const report = await forecaster.evaluate(test);
  const checkpointDir = join(dir, 'checkpoints');
  await new CheckpointStore(checkpointDir).save(forecaster);
  const local = new TwigaTracker({ localStore: join(dir, 'payload-store') });
  const record = await local.run({ runName: 'payload' }, async (run) => {
    await run.logForecasterMetadata(forecaster, { frame: train, source: 'synthetic://hourly' });
    await run.logEvaluation(report);
    return run.record;
  });
  await forecaster.close();
  const params = { ...record.params };
  const extra = Math.max(0, 300 - Object.keys(params).length - record.metrics.length);
  for (let i = 0; i < extra; i++) params[`hp.search.p${String(i).padStart(3, '0')}`] = String(i / 7);
  const tags = Object.fromEntries(Object.entries(record.tags).filter(([k]) => !k.startsWith('mlflow.')));
  const metrics = record.metrics.map((m) => ({
    ...m,
    value: typeof m.value === 'number' ? m.value : Number.NaN,
  }));
  return {
    params,
    tags,
    metrics,
    dataset: record.inputs[0],
    checkpointDir,
    registeredModelName: 'bench-demand',
    alias: 'champion',
  };
}

async function logTs(tracker, payload, name) {
  const t0 = performance.now();
  await tracker.run({ runName: name }, async (run) => {
    await run.logParams(payload.params);
    await run.setTags(payload.tags);
    await run.logMetricRows(payload.metrics);
    await run.logInput(payload.dataset);
    await run.logModel(payload.checkpointDir, {
      registeredModelName: `${payload.registeredModelName}-ts`,
      alias: payload.alias,
    });
    if (run.spooling) throw new Error('the run went offline: the benchmark would not measure MLflow');
  });
  return (performance.now() - t0) / 1000;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const dir = await mkdtemp(join(os.tmpdir(), 'twiga-bench-tracking-'));
let server;
const cleanup = async () => {
  if (server) stopMlflow(server.child);
  await rm(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => cleanup().then(() => process.exit(130)));
try {
  const probe = spawnSync(values.python, ['-c', 'import mlflow; print(mlflow.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0)
    throw new Error(`${values.python} cannot import mlflow: run bash scripts/ci/mlflow.sh`);
  const [payload, started] = await Promise.all([buildPayload(dir), startMlflow(join(dir, 'server'))]);
  server = started;
  await writeFile(join(dir, 'payload.json'), JSON.stringify(payload));

  const tracker = new TwigaTracker({
    trackingUri: server.uri,
    experimentName: 'bench-ts',
    localStore: join(dir, 'ts-store'),
  });
  for (let i = 0; i < warmup; i++) await logTs(tracker, payload, `warmup-${i}`);
  const ts = [];
  for (let i = 0; i < repeats; i++) ts.push(await logTs(tracker, payload, `run-${i}`));

  const py = spawnSync(
    values.python,
    [
      PY_SCRIPT,
      '--payload',
      join(dir, 'payload.json'),
      '--uri',
      server.uri,
      '--repeats',
      String(repeats),
      '--warmup',
      String(warmup),
    ],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (py.status !== 0) throw new Error(`python baseline failed:\n${py.stderr}`);
  const python = JSON.parse(py.stdout.trim().split('\n').at(-1));

  const files = (await new CheckpointStore(payload.checkpointDir).readManifest()).files;
  console.log(
    `one run: ${Object.keys(payload.params).length} params + ${payload.metrics.length} metrics, ` +
      `${Object.keys(payload.tags).length} tags, 1 dataset input, ${Object.keys(files).length + 2} checkpoint files, ` +
      `1 model version + alias; ${repeats} runs each after ${warmup} warm-up\n`,
  );
  const tsMed = median(ts);
  const pyMed = median(python.seconds);
  console.log(
    table(
      ['client', 'median s', 'min s', 'max s'],
      [
        ['@twiga/tracking (Node)', tsMed.toFixed(3), Math.min(...ts).toFixed(3), Math.max(...ts).toFixed(3)],
        [
          `mlflow ${python.mlflow} (Python)`,
          pyMed.toFixed(3),
          Math.min(...python.seconds).toFixed(3),
          Math.max(...python.seconds).toFixed(3),
        ],
      ],
    ),
  );
  console.log(
    `\nratio twiga/python (median): ${(tsMed / pyMed).toFixed(3)}   (python's import mlflow: ${python.import_seconds.toFixed(2)} s, not counted)`,
  );
  console.log(
    JSON.stringify({
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      twiga: ts,
      python: python.seconds,
      ratio: tsMed / pyMed,
    }),
  );
} finally {
  await cleanup();
}

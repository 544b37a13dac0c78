/**
 * Python Twiga's own FastAPI server (PyPI twiga 1.1.6, `create_app` under uvicorn) as a peer for
 * `bench:serve --python-twiga DIR`, where DIR was made by bench/python-twiga/setup.sh: its venv in DIR/.venv,
 * the forecaster it trained in DIR, and DIR/request.json, the /predict body twiga's contract asks for (exactly
 * `lookback_window_size` = 96 past rows; it prepends its stored training tail and fills the horizon itself).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './processes.mjs';

const SERVE = fileURLToPath(new URL('../python-twiga/serve.py', import.meta.url));
/** Importing twiga, pandas and evidently and loading the pickle takes 10-30 s. */
const START_TIMEOUT_MS = 180_000;

/**
 * Start the Python server on a free loopback port (`track` gets the child at once, to stop it whatever
 * happens); `ready` resolves with its address once `/health` is ok.
 * SERIALIZE=1 runs one prediction at a time: twiga's predict mutates the shared forecaster from uvicorn's
 * thread pool, and concurrent requests otherwise get wrong answers with status 200 (bench/README.md).
 */
export function startPythonTwiga(dir, { track = () => {} } = {}) {
  const python = join(dir, '.venv', 'bin', 'python');
  if (!existsSync(python) || !existsSync(join(dir, 'forecaster.joblib')))
    throw new Error(
      `${dir} has no .venv/bin/python or forecaster.joblib: run bench/python-twiga/setup.sh ${dir}`,
    );
  const tail = [];
  const ready = (async () => {
    const port = await freePort();
    const child = spawn(python, [SERVE, String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MODEL_DIR: dir, SERIALIZE: '1' },
    });
    track(child);
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk) => {
        tail.push(String(chunk));
        if (tail.length > 20) tail.shift();
      });
    const address = `http://127.0.0.1:${port}`;
    const started = Date.now();
    while (Date.now() - started < START_TIMEOUT_MS) {
      if (child.exitCode !== null)
        throw new Error(`python twiga exited with ${child.exitCode}:\n${tail.join('')}`);
      const ok = await fetch(`${address}/health`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) return { child, address };
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`python twiga did not answer /health within ${START_TIMEOUT_MS} ms:\n${tail.join('')}`);
  })();
  ready.catch(() => {});
  return { ready };
}

/** DIR/request.json: the 96 newest rows of the bundled data, which follow the tail twiga stored. */
export function pythonTwigaBody(dir) {
  return readFile(join(dir, 'request.json'), 'utf8');
}

/** One request must answer 200 with a forecast per model, LightGBM among them, before any load. */
export async function checkPythonTwiga(url, body) {
  const started = performance.now();
  const res = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`python twiga /predict answered ${res.status}: ${text.slice(0, 500)}`);
  const answer = JSON.parse(text);
  const models = answer.forecasts.map((f) => f.model);
  if (!models.some((m) => /lightgbm/i.test(m)))
    throw new Error(`python twiga answered no LightGBM forecast: ${models}`);
  const windows = answer.forecasts[0].predictions.length;
  return { models, windows, bytes: text.length, ms: performance.now() - started };
}

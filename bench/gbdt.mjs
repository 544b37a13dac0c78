/**
 * `node bench/gbdt.mjs`: fit time and test MAE of Twiga's GBDT next to LightGBM on the same data, with
 * the same hyper-parameters and threads, and the ratios TS / LightGBM. The data is the real feature
 * matrix of the bundled vic_elec dataset (297 features, 48 targets; see bench/lib/gbdt-data.mjs). Needs
 * `pnpm build` first, and Python with `pip install lightgbm numpy`. See bench/README.md.
 *
 * Usage: node bench/gbdt.mjs [--targets all|<count>] [--rounds 500] [--threads 2] [--python python3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildForecastModel } from '../packages/forecaster/dist/models/gbdt/onnx-model.js';
import { parseGbdtParams } from '../packages/forecaster/dist/models/gbdt/params.js';
import { trainGbdtMany } from '../packages/forecaster/dist/models/gbdt/pool.js';
import { predictGbdt } from '../packages/forecaster/dist/models/gbdt/predict.js';
import { OnnxScorer } from '../packages/forecaster/dist/onnx/scorer.js';
import { maeOf, vicElecMatrix, writeMatrix } from './lib/gbdt-data.mjs';
import { table } from './lib/table.mjs';

const LIGHTGBM = fileURLToPath(new URL('./gbdt_lightgbm.py', import.meta.url));
const HYPER = { numLeaves: 31, learningRate: 0.05, minDataInLeaf: 20 };

function options() {
  const { values } = parseArgs({
    options: {
      targets: { type: 'string', default: 'all' },
      rounds: { type: 'string', default: '500' },
      threads: { type: 'string', default: '2' },
      python: { type: 'string', default: 'python3' },
    },
  });
  const int = (name, text) => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got ${text}`);
    return v;
  };
  return {
    targets: values.targets === 'all' ? undefined : int('targets', values.targets),
    rounds: int('rounds', values.rounds),
    threads: int('threads', values.threads),
    python: values.python,
  };
}

/** Columns `cols` of a row-major [n, k] matrix as a new [n, cols.length] matrix. */
function columns(y, n, k, cols) {
  const out = new Float64Array(n * cols.length);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < cols.length; c++) out[r * cols.length + c] = y[r * k + cols[c]];
  return out;
}

async function runTwiga(data, cols, params) {
  const { train, test, p, k } = data;
  const y = columns(train.y, train.n, k, cols);
  const start = performance.now();
  const models = await trainGbdtMany(train.x, train.n, p, y, cols.length, params);
  const fitSeconds = (performance.now() - start) / 1000;
  const pred = new Float64Array(test.n * cols.length);
  for (let c = 0; c < models.length; c++) predictGbdt(models[c], test.x, test.n, p, pred, cols.length, c);
  const mae = cols.map((j, c) => maeOf(pred, cols.length, c, test.y, k, j, test.n));
  return { fitSeconds, mae, trees: models.reduce((a, m) => a + m.trees.length, 0), models, pred };
}

/** Exports the models as one ONNX graph and scores the test rows with ONNX Runtime (one intra-op thread). */
async function runOnnx(data, run) {
  let start = performance.now();
  const bytes = buildForecastModel({ nFeatures: data.p, gbdt: [{ name: 'gbdt', ensembles: run.models }] });
  const exportSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  const scorer = await OnnxScorer.fromBytes(bytes);
  const loadSeconds = (performance.now() - start) / 1000;
  try {
    start = performance.now();
    const out = (await scorer.run(data.test.x, data.test.n, data.p)).gbdt;
    const scoreSeconds = (performance.now() - start) / 1000;
    let maxDiff = 0;
    for (let i = 0; i < out.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out[i] - run.pred[i]));
    return { megabytes: bytes.length / 2 ** 20, exportSeconds, loadSeconds, scoreSeconds, maxDiff };
  } finally {
    await scorer.release();
  }
}

function runLightGbm(python, dir, cols) {
  const res = spawnSync(python, [LIGHTGBM, dir, cols.join(',')], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.status !== 0) throw new Error(`LightGBM run failed (${res.status}): ${res.stderr || res.error}`);
  return JSON.parse(res.stdout.trim().split('\n').pop());
}

const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;

/** Warns when other work competes for the CPUs: both sides' times then mean little (OpenMP spins). */
function warnIfBusy(when) {
  const [load] = os.loadavg();
  if (load > 0.5 * os.cpus().length) {
    console.warn(
      `warning: load average ${load.toFixed(1)} on ${os.cpus().length} CPUs ${when}: fit times are unreliable ` +
        '(LightGBM suffers most: its OpenMP threads spin; OMP_WAIT_POLICY=passive softens that)',
    );
  }
}

async function main() {
  const opts = options();
  warnIfBusy('before the runs');
  const dir = await mkdtemp(join(os.tmpdir(), 'twiga-bench-gbdt-'));
  try {
    const data = await vicElecMatrix();
    const k = opts.targets === undefined ? data.k : Math.min(opts.targets, data.k);
    await writeMatrix(dir, data, { ...HYPER, rounds: opts.rounds, threads: opts.threads });
    const params = parseGbdtParams({ ...HYPER, nEstimators: opts.rounds, threads: opts.threads });
    console.log(
      `vic_elec: ${data.train.n} train × ${data.p} features, ${data.test.n} test windows, ${data.k} targets; ` +
        `${opts.rounds} rounds, ${HYPER.numLeaves} leaves, lr ${HYPER.learningRate}, ${opts.threads} threads\n`,
    );
    const runs = [
      { name: 'one target (h=1)', cols: [0] },
      { name: `${k} targets`, cols: Array.from({ length: k }, (_, j) => j) },
    ];
    const rows = [];
    const summary = [];
    let onnx;
    for (const run of runs) {
      const ts = await runTwiga(data, run.cols, params);
      const lgb = runLightGbm(opts.python, dir, run.cols);
      // MAE in MW: targets are standard-scaled, so multiply back by the target's std.
      const [tsMae, lgbMae] = [mean(ts.mae) * data.scale, mean(lgb.mae) * data.scale];
      rows.push([
        run.name,
        ts.fitSeconds.toFixed(1),
        lgb.fitSeconds.toFixed(1),
        (ts.fitSeconds / lgb.fitSeconds).toFixed(2),
        tsMae.toFixed(2),
        lgbMae.toFixed(2),
        (tsMae / lgbMae).toFixed(4),
      ]);
      onnx = await runOnnx(data, ts);
      const { models: _models, pred: _pred, ...tsSummary } = ts;
      summary.push({
        run: run.name,
        twiga: { ...tsSummary, maeMW: tsMae },
        lightgbm: { ...lgb, maeMW: lgbMae },
        onnx,
      });
    }
    warnIfBusy('after the runs');
    console.log(
      table(
        ['run', 'twiga fit s', 'lightgbm fit s', 'fit ratio', 'twiga MAE MW', 'lightgbm MAE MW', 'MAE ratio'],
        rows,
      ),
    );
    console.log(
      `\nONNX (last run): ${onnx.megabytes.toFixed(1)} MiB, export ${onnx.exportSeconds.toFixed(1)} s, ` +
        `ONNX Runtime load ${onnx.loadSeconds.toFixed(1)} s, ${data.test.n} rows scored in ` +
        `${onnx.scoreSeconds.toFixed(2)} s, max |ORT − predictGbdt| = ${onnx.maxDiff}`,
    );
    const machine = {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      node: process.version,
      loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
    };
    console.log(`\n${JSON.stringify({ machine, options: opts, runs: summary })}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

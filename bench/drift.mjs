/**
 * `pnpm bench:drift`: time and peak memory of a full data drift check with @twiga/monitor, next to
 * Evidently's DataDriftPreset on the same data when Python with evidently is available, and the ratio.
 * Each configuration (rows × columns, both reference and current) is generated once with a seeded PRNG
 * into a temp dir as column-major float64 files; each side runs in its own process so peak memory is its
 * own. A third of the columns drift (shifted mean, wider spread). Also prints how far the two sides'
 * scores are apart. Needs `pnpm build` first. See docs/monitoring.md.
 *
 * Usage: node bench/drift.mjs [--configs 100000x50,1000000x10] [--repeats 3] [--python python3]
 *                             [--evidently-repeats 1] [--no-evidently]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { table } from './lib/table.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

function options() {
  const { values } = parseArgs({
    options: {
      configs: { type: 'string', default: '100000x50,1000000x10' },
      repeats: { type: 'string', default: '3' },
      'evidently-repeats': { type: 'string', default: '1' },
      python: { type: 'string', default: process.env.TWIGA_PARITY_PYTHON ?? 'python3' },
      'no-evidently': { type: 'boolean', default: false },
    },
  });
  const configs = values.configs.split(',').map((c) => {
    const [rows, cols] = c.split('x').map(Number);
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 2 || cols < 1)
      throw new Error(`--configs wants ROWSxCOLS pairs, got ${c}`);
    return { rows, cols };
  });
  return {
    ...values,
    configs,
    repeats: Number(values.repeats),
    evidentlyRepeats: Number(values['evidently-repeats']),
  };
}

/** mulberry32 uniforms and Box–Muller normals: the same data on every run. */
function normals(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

async function writeData(dir, { rows, cols }) {
  for (const [name, seed, drift] of [
    ['reference', 1, false],
    ['current', 2, true],
  ]) {
    const data = new Float64Array(rows * cols);
    const normal = normals(seed);
    for (let c = 0; c < cols; c++) {
      const drifted = drift && c % 3 === 0;
      const [mean, sd] = [c, 1 + (c % 5) / 4];
      for (let r = 0; r < rows; r++)
        data[c * rows + r] = mean + (drifted ? 0.3 : 0) + sd * (drifted ? 1.2 : 1) * normal();
    }
    await writeFile(join(dir, `${name}.f64`), new Uint8Array(data.buffer));
  }
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

function evidentlyAvailable(python) {
  const probe = spawnSync(python, ['-c', 'import evidently; print(evidently.__version__)'], {
    encoding: 'utf8',
  });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

const opts = options();
const evidently = opts['no-evidently'] ? undefined : evidentlyAvailable(opts.python);
if (!opts['no-evidently'] && !evidently)
  console.log(
    `Evidently is not importable by ${opts.python}: timing @twiga/monitor only (see bench/README.md).`,
  );
const dir = await mkdtemp(join(os.tmpdir(), 'twiga-bench-drift-'));
const rows = [];
const summary = [];
try {
  for (const config of opts.configs) {
    await writeData(dir, config);
    const args = [dir, String(config.rows), String(config.cols)];
    const ours = await run(process.execPath, [here('./drift-ours.mjs'), ...args, String(opts.repeats)]);
    const theirs = evidently
      ? await run(opts.python, [here('./drift-evidently.py'), ...args, String(opts.evidentlyRepeats)])
      : undefined;
    let maxDiff = 0;
    if (theirs)
      for (const [col, score] of Object.entries(theirs.scores))
        maxDiff = Math.max(maxDiff, Math.abs(score - ours.scores[col]) / Math.max(1, Math.abs(score)));
    const label = `${config.rows.toLocaleString('en')} × ${config.cols}`;
    rows.push([
      label,
      ours.profile_seconds.toFixed(3),
      ours.check_seconds.toFixed(3),
      ours.seconds.toFixed(3),
      ours.max_rss_mb.toFixed(0),
      theirs ? theirs.seconds.toFixed(2) : '-',
      theirs ? theirs.max_rss_mb.toFixed(0) : '-',
      theirs ? `${(theirs.seconds / ours.seconds).toFixed(1)}×` : '-',
      theirs ? `${ours.n_drifted}/${theirs.n_drifted}` : String(ours.n_drifted),
      theirs ? maxDiff.toExponential(1) : '-',
    ]);
    summary.push({
      ...config,
      ours: { ...ours, scores: undefined, methods: undefined },
      evidently: theirs && { ...theirs, scores: undefined },
      max_score_diff: theirs ? maxDiff : null,
    });
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(
  table(
    [
      'rows × columns',
      'profile s',
      'check s',
      'ours s',
      'ours MB',
      'Evidently s',
      'Evidently MB',
      'speed-up',
      'drifted',
      'max Δscore',
    ],
    rows,
  ),
);
console.log(
  JSON.stringify({
    machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    evidently: evidently ?? null,
    repeats: opts.repeats,
    results: summary,
  }),
);

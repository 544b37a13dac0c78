/**
 * Child of `bench/drift.mjs`: times @twiga/monitor on one generated dataset and prints one JSON line.
 * Reads the column-major float64 files the parent wrote (not timed), then times, best of `repeats`:
 * building the reference profile, the drift check against it (what a server does per request), and both.
 *
 * Usage: node bench/drift-ours.mjs <dir> <rows> <cols> <repeats>
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildReferenceProfile, computeDataDrift, decodeProfile } from '../packages/monitor/dist/index.js';

const [dir, rowsText, colsText, repeatsText = '3'] = process.argv.slice(2);
const rows = Number(rowsText);
const cols = Number(colsText);

async function table(name) {
  const bytes = await readFile(join(dir, `${name}.f64`));
  const all = new Float64Array(bytes.buffer, bytes.byteOffset, rows * cols);
  const numeric = {};
  for (let c = 0; c < cols; c++) numeric[`f${c}`] = all.subarray(c * rows, (c + 1) * rows);
  return { length: rows, numeric, categorical: {} };
}

const reference = await table('reference');
const current = await table('current');
let best = { profile: Infinity, check: Infinity };
let result;
for (let r = 0; r < Number(repeatsText); r++) {
  const t0 = performance.now();
  const columns = decodeProfile(buildReferenceProfile(reference));
  const t1 = performance.now();
  result = computeDataDrift(columns, current).result;
  const t2 = performance.now();
  best = { profile: Math.min(best.profile, (t1 - t0) / 1000), check: Math.min(best.check, (t2 - t1) / 1000) };
}
console.log(
  JSON.stringify({
    profile_seconds: best.profile,
    check_seconds: best.check,
    seconds: best.profile + best.check,
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
    n_drifted: result.n_drifted,
    share: result.dataset_drift_score,
    scores: result.feature_drift,
    methods: Object.fromEntries(result.columns.map((c) => [c.column, c.method])),
  }),
);

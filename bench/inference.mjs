// ONNX Runtime inference throughput of a saved checkpoint: rows per second at batch 1 and batch 1024, and
// for concurrent single-row callers with and without the scorer's micro-batching.
// Usage: pnpm build && node bench/inference.mjs [checkpoint-dir]   (default: ./checkpoints, e.g. after `pnpm train`)
// Feature rows are the checkpoint's real width, filled with standard-normal noise (scaled units): tree
// traversal cost does not depend on the values enough to matter for a throughput figure.
import { CheckpointStore } from '../packages/forecaster/dist/index.js';
import { OnnxScorer } from '../packages/forecaster/dist/onnx/scorer.js';

const dir = process.argv[2] ?? './checkpoints';
const { forecaster, meta } = await new CheckpointStore(dir).load();
const bytes = forecaster.onnxBytes;
const p = forecaster.state.featureNames.length;
await forecaster.close();
const scorer = await OnnxScorer.fromBytes(bytes);
const rows = (n) =>
  Float32Array.from(
    { length: n * p },
    () => Math.sqrt(-2 * Math.log(Math.random() || 1e-9)) * Math.cos(6.283 * Math.random()),
  );

async function measure(batch, seconds) {
  const x = rows(batch);
  for (let i = 0; i < 5; i++) await scorer.run(x, batch, p);
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await scorer.run(x, batch, p);
    done += batch;
  }
  const elapsed = (performance.now() - start) / 1000;
  return {
    batch,
    rowsPerSecond: Math.round(done / elapsed),
    msPerCall: +((elapsed * 1000 * batch) / done).toFixed(3),
  };
}

console.log(
  `checkpoint v${meta.version} (${meta.models.join(', ')}), ${p} features, ${(bytes.length / 2 ** 20).toFixed(1)} MiB ONNX, 1 intra-op thread`,
);
const results = [await measure(1, 3), await measure(1024, 5)];
for (const r of results)
  console.log(`batch ${String(r.batch).padStart(4)}: ${r.rowsPerSecond} rows/s, ${r.msPerCall} ms per call`);

// Micro-batching: `concurrency` callers each scoring one row at a time (as concurrent /predict requests do),
// with the scorer coalescing the calls of one event-loop turn, and with coalescing off, same process.
async function concurrentRows(target, concurrency, seconds) {
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      // Each caller its own row: identical rows would flatter a batch (same tree paths, warm caches).
      const x = rows(1);
      while (performance.now() - start < seconds * 1000) {
        await target.run(x, 1, p);
        done += 1;
      }
    }),
  );
  return Math.round(done / ((performance.now() - start) / 1000));
}
const single = await OnnxScorer.fromBytes(bytes, { coalesce: false });
const coalesced = [];
for (const concurrency of [1, 8, 64]) {
  const off = await concurrentRows(single, concurrency, 3);
  const on = await concurrentRows(scorer, concurrency, 3);
  coalesced.push({ concurrency, off, on, ratio: +(on / off).toFixed(3) });
  console.log(
    `${String(concurrency).padStart(2)} concurrent single-row callers: ${off} rows/s one call each, ${on} rows/s micro-batched (${(on / off).toFixed(2)}×)`,
  );
}
console.log(JSON.stringify({ bench: 'inference', version: meta.version, features: p, results, coalesced }));
await single.release();
await scorer.release();

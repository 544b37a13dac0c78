// ONNX Runtime inference throughput of a saved checkpoint: rows per second at batch 1 and batch 1024.
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
console.log(JSON.stringify({ bench: 'inference', version: meta.version, features: p, results }));
await scorer.release();

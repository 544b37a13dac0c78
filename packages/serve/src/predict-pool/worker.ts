// A forecast worker thread: loads the served model from the state and ONNX bytes it is started with, then
// answers jobs (raw JSON → validated body → frame → features → ONNX Runtime) one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '@twiga/core';
import { type RawPrediction, TwigaForecaster } from '@twiga/forecaster';
import { forecastValidated } from '../routes/forecast.js';
import { parseForecastBody } from '../routes/raw-body.js';
import type { PoolInit, PoolJob, PoolMessage } from './protocol.js';

const port = parentPort!;
const init = workerData as PoolInit;
const forecaster = await TwigaForecaster.fromState(init.state, init.onnx);

port.on('message', async (job: PoolJob) => {
  let message: PoolMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    const body = parseForecastBody(job.route, job.text, job.maxRecords);
    const { fields, predictions } = await forecastValidated(forecaster, job.route, body);
    message = { type: 'done', id: job.id, fields, predictions };
    transfer = buffersOf(predictions);
  } catch (err) {
    message = { type: 'failed', id: job.id, error: serializeError(err) };
  }
  try {
    port.postMessage(message, transfer);
  } catch (err) {
    // An answer that cannot be sent fails this job, not the thread.
    port.postMessage({ type: 'failed', id: job.id, error: serializeError(err) } satisfies PoolMessage);
  }
});
port.postMessage({ type: 'ready' } satisfies PoolMessage);

// The buffers behind the predictions' typed arrays, each once (models share e.g. their timestamps), moved to
// the server thread instead of copied.
function buffersOf(predictions: readonly RawPrediction[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const p of predictions)
    for (const a of [p.loc, p.lower, p.upper, p.quantiles, p.timestamps])
      if (a && a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  return [...buffers];
}

/**
 * Worker thread of `trainGbdtMany`: bins its share of the features into the shared bin matrix, then
 * trains whole targets on request. Data arrives once as SharedArrayBuffers (never copied per task);
 * fitted ensembles go back with their buffers transferred.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '@twiga/core';
import { binFeatureRange, binStride, fitFeatureBounds } from './binning.js';
import { GbdtTrainer } from './booster.js';
import type { PoolRequest, PoolResponse, WorkerInit } from './pool-protocol.js';
import { columnOf, ensembleBuffers } from './pool-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;
// One trainer for every target this thread trains: its buffers (tens of MB) are allocated once.
let trainer: GbdtTrainer | undefined;

function handle(msg: PoolRequest): void {
  if (msg.type === 'bin') {
    const { features, n, p, bins, validation, params } = init;
    const bounds = fitFeatureBounds(features, n, p, msg.from, msg.to, params);
    binFeatureRange(bounds, msg.from, features, n, p, bins);
    if (validation !== undefined) {
      binFeatureRange(bounds, msg.from, validation.features, validation.n, p, validation.bins);
    }
    reply(
      { type: 'bounds', from: msg.from, bounds },
      bounds.map((b) => b.buffer as ArrayBuffer),
    );
    return;
  }
  const { n, p, bins, targets, k, validation, params, kernel } = init;
  if (trainer === undefined) {
    const stride = binStride(p);
    trainer = new GbdtTrainer({ n, p, stride, bins, mapper: msg.mapper }, params, {
      kernel,
      ...(validation === undefined
        ? {}
        : { validation: { n: validation.n, p, stride, bins: validation.bins, mapper: msg.mapper } }),
    });
  }
  const ensemble = trainer.train(
    columnOf(targets, n, k, msg.target),
    validation === undefined
      ? {}
      : { validationY: columnOf(validation.targets, validation.n, k, msg.target) },
  );
  reply({ type: 'trained', target: msg.target, ensemble }, ensembleBuffers(ensemble));
}

function reply(msg: PoolResponse, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

port.on('message', (msg: PoolRequest) => {
  try {
    handle(msg);
  } catch (err) {
    reply({ type: 'error', error: serializeError(err) });
  }
});

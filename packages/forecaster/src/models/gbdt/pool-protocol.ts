/**
 * Messages between `trainGbdtMany` and its worker threads, and the helpers both sides share. Workers see
 * the data once, through SharedArrayBuffers in `workerData`; messages only carry small requests and the
 * fitted ensembles.
 */
import type { SerializedError } from '@twiga/core';
import { ConfigInvalidError, ModelInvalidError } from '../../errors.js';
import type { BinMapper } from './binning.js';
import type { GbdtParams } from './params.js';
import type { GbdtEnsemble } from './tree.js';
import type { GbdtKernel } from './tree-memory.js';

/** Everything a worker needs, shared with every other worker (typed arrays over SharedArrayBuffers). */
export interface WorkerInit {
  readonly features: Float32Array;
  readonly n: number;
  readonly p: number;
  /** [n, binStride(p)], filled by the workers' 'bin' requests. */
  readonly bins: Uint8Array;
  /** [n, k] row-major. */
  readonly targets: Float64Array;
  readonly k: number;
  readonly validation?: {
    readonly features: Float32Array;
    readonly n: number;
    readonly bins: Uint8Array;
    readonly targets: Float64Array;
  };
  readonly params: GbdtParams;
  readonly kernel: GbdtKernel;
}

/** Requests to a worker: bin features `from..to−1`, or train target column `target`. */
export type PoolRequest =
  | { readonly type: 'bin'; readonly from: number; readonly to: number }
  | { readonly type: 'train'; readonly target: number; readonly mapper: BinMapper };

/** A worker's answers. */
export type PoolResponse =
  | { readonly type: 'bounds'; readonly from: number; readonly bounds: Float32Array[] }
  | { readonly type: 'trained'; readonly target: number; readonly ensemble: GbdtEnsemble }
  | { readonly type: 'error'; readonly error: SerializedError };

/** Column `j` of a row-major [n, k] matrix, as its own array. */
export function columnOf(matrix: Float64Array, n: number, k: number, j: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = matrix[r * k + j]!;
  return out;
}

/** The ArrayBuffers of an ensemble's trees, to transfer rather than copy it. */
export function ensembleBuffers(ensemble: GbdtEnsemble): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const t of ensemble.trees) {
    for (const a of [t.splitFeature, t.threshold, t.defaultLeft, t.left, t.right, t.leafValue]) {
      if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
    }
  }
  return [...out];
}

/** Rebuilds a worker's error: CONFIG_INVALID stays itself, anything else is a failed training run. */
export function errorFromPayload(payload: SerializedError): ConfigInvalidError | ModelInvalidError {
  const cause = Object.assign(new Error(payload.message), { stack: payload.stack, code: payload.code });
  if (payload.code === 'CONFIG_INVALID') {
    const issues = payload.details?.issues;
    return new ConfigInvalidError(
      payload.message,
      Array.isArray(issues) ? (issues as ConfigInvalidError['issues']) : [],
      cause,
    );
  }
  return new ModelInvalidError(`gbdt training failed in a worker thread: ${payload.message}`, cause);
}

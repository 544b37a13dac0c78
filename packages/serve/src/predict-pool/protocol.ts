// Messages between the server and its forecast worker threads.
import type { SerializedError } from '@twiga/core';
import type { RawPrediction } from '@twiga/forecaster';
import type { ForecastRoute } from '../routes/raw-body.js';

/** What a worker is started with: the served checkpoint's fitted state and ONNX bytes. */
export interface PoolInit {
  state: unknown;
  onnx: Uint8Array;
}

/** One request: the raw JSON body of a forecast route, parsed and validated on the worker. */
export interface PoolJob {
  id: number;
  route: ForecastRoute;
  text: string;
  /** `TWIGA_SERVE_MAX_RECORDS`. */
  maxRecords: number;
}

/** A worker's answer to a job (the body's other fields and the forecasts), or its one `ready` message. */
export type PoolMessage =
  | { type: 'ready' }
  | { type: 'done'; id: number; fields: Record<string, unknown>; predictions: RawPrediction[] }
  | { type: 'failed'; id: number; error: SerializedError };

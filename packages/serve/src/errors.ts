import { type CoreErrorCode, TwigaError } from '@twiga/core';
import type { ForecasterErrorCode } from '@twiga/forecaster';
import type { MonitorErrorCode } from '@twiga/monitor';
import type { TrackingErrorCode } from '@twiga/tracking';

/** Every stable error code of @twiga/serve. */
export type ServeErrorCode =
  | 'UNAUTHORIZED'
  | 'MODEL_NOT_LOADED'
  | 'REQUEST_INVALID'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'OVERLOADED'
  | 'SHUTTING_DOWN'
  | 'RELOAD_INCOMPLETE'
  | 'REQUEST_TIMEOUT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'ROUTE_NOT_FOUND'
  | 'INTERNAL';

/** Every code the server can answer with. */
export type ErrorCode =
  | CoreErrorCode
  | ForecasterErrorCode
  | ServeErrorCode
  | MonitorErrorCode
  | TrackingErrorCode;

/**
 * HTTP status of each code. A new code without a status fails to compile. Client mistakes are 4xx;
 * 5xx are reserved for the server's own state (no model, a corrupt checkpoint on disk).
 */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  REQUEST_INVALID: 400,
  UNAUTHORIZED: 401,
  ROUTE_NOT_FOUND: 404,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  SHUTTING_DOWN: 503,
  RELOAD_INCOMPLETE: 503,
  UNSUPPORTED_MEDIA_TYPE: 415,
  DATA_INVALID: 422,
  MODEL_NOT_LOADED: 503,
  MODEL_NOT_FITTED: 503,
  MODEL_NOT_CALIBRATED: 409,
  CHECKPOINT_NOT_FOUND: 503,
  CHECKPOINT_CORRUPT: 500,
  MODEL_INVALID: 500,
  CONFIG_INVALID: 500,
  SETTINGS_INVALID: 500,
  INTERNAL: 500,
  MONITOR_COLUMN_UNKNOWN: 422,
  MONITOR_COLUMN_EMPTY: 422,
  MONITOR_COLUMN_TYPE: 422,
  MONITOR_METHOD_INVALID: 422,
  MONITOR_LENGTH_MISMATCH: 422,
  MONITOR_DATASET_NOT_FOUND: 404,
  MONITOR_REPORT_NOT_FOUND: 404,
  MONITOR_NO_REFERENCE: 503,
  MONITOR_PROFILE_INVALID: 500,
  // MLflow is the server's own dependency (a `models:/` checkpoint source): its failures are 5xx.
  TRACKING_UNREACHABLE: 503,
  TRACKING_NOT_FOUND: 503,
  TRACKING_MODEL_NOT_READY: 503,
  TRACKING_REQUEST_FAILED: 502,
  TRACKING_AUTH_FAILED: 502,
  TRACKING_RESPONSE_INVALID: 502,
  TRACKING_INVALID: 500,
  TRACKING_STORE_CORRUPT: 500,
};

/** The request lacks a valid `X-API-Key`. */
export class UnauthorizedError extends TwigaError {
  readonly code = 'UNAUTHORIZED';
  constructor() {
    super('missing or invalid X-API-Key header');
  }
}

/** No model is loaded (no checkpoint yet, or it failed to load); /reload once one is saved. */
export class ModelNotLoadedError extends TwigaError {
  readonly code = 'MODEL_NOT_LOADED';
  constructor(cause?: unknown) {
    super('no model is loaded: train and save a checkpoint, then POST /reload', { cause });
  }
}

/** The request body or query does not match the route's schema; `details.issues` names each field. */
export class RequestInvalidError extends TwigaError {
  readonly code = 'REQUEST_INVALID';
  constructor(message: string, issues: { path: string; message: string }[]) {
    super(message, { details: { issues } });
  }

  /** The schema failures of a request, every field named in the message (`invalid request: path: why; …`). */
  static fromIssues(issues: { path: string; message: string }[]): RequestInvalidError {
    return new RequestInvalidError(
      `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
}

/** Too many records (or bytes) in one request. */
export class PayloadTooLargeError extends TwigaError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor(message: string, details: Record<string, unknown>) {
    super(message, { details });
  }
}

/** More requests in a minute than `TWIGA_SERVE_RATE_LIMIT` from one key (or address). */
export class RateLimitedError extends TwigaError {
  readonly code = 'RATE_LIMITED';
  /** Read by @fastify/rate-limit, which throws what its error builder returns. */
  readonly statusCode = 429;
  constructor(max: number, after: string) {
    super(`more than ${max} requests a minute: retry in ${after}`, { details: { max } });
  }
}

/** The server is shutting down: the request was not started; retry it (on another replica). */
export class ShuttingDownError extends TwigaError {
  readonly code = 'SHUTTING_DOWN';
  constructor() {
    super('the server is shutting down: retry the request');
  }
}

/**
 * A reload over several server processes could not finish: one of them did not answer (it exited, or
 * took too long). Every process keeps serving the model it had; `POST /reload` again.
 */
export class ReloadIncompleteError extends TwigaError {
  readonly code = 'RELOAD_INCOMPLETE';
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, { details });
  }
}

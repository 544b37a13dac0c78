import { TwigaError } from '@twiga/core';

/** Every stable error code of @twiga/tracking. */
export type TrackingErrorCode =
  | 'TRACKING_UNREACHABLE'
  | 'TRACKING_REQUEST_FAILED'
  | 'TRACKING_AUTH_FAILED'
  | 'TRACKING_NOT_FOUND'
  | 'TRACKING_RESPONSE_INVALID'
  | 'TRACKING_INVALID'
  | 'TRACKING_MODEL_NOT_READY'
  | 'TRACKING_STORE_CORRUPT';

/** What was requested, for error details (never credentials). */
export interface RequestDescription {
  method: string;
  path: string;
}

/** The MLflow server could not be reached: connection refused/reset, DNS, or every try timed out. */
export class TrackingUnreachableError extends TwigaError {
  readonly code = 'TRACKING_UNREACHABLE';
  constructor(
    readonly trackingUri: string,
    request: RequestDescription,
    readonly tries: number,
    cause?: unknown,
  ) {
    super(
      `MLflow at ${trackingUri} is unreachable: ${request.method} ${request.path} failed ${tries} time(s) (${describeCause(cause)})`,
      { cause, details: { trackingUri, ...request, tries } },
    );
  }
}

/** MLflow answered with an error status that is not retryable, or still failed after every try. */
export class TrackingRequestFailedError extends TwigaError {
  readonly code = 'TRACKING_REQUEST_FAILED';
  constructor(
    readonly status: number,
    readonly mlflowCode: string | undefined,
    request: RequestDescription,
    serverMessage: string,
    readonly tries = 1,
  ) {
    super(
      `MLflow answered ${status}${mlflowCode ? ` ${mlflowCode}` : ''} to ${request.method} ${request.path}: ${serverMessage.slice(0, 500)}`,
      { details: { status, mlflowCode: mlflowCode ?? null, ...request, tries } },
    );
  }
}

/** MLflow refused the credentials (401/403). */
export class TrackingAuthFailedError extends TwigaError {
  readonly code = 'TRACKING_AUTH_FAILED';
  constructor(
    readonly status: number,
    request: RequestDescription,
  ) {
    super(
      `MLflow refused the credentials (${status}) for ${request.method} ${request.path}: check TWIGA_MLFLOW_TRACKING_USERNAME/PASSWORD or TWIGA_MLFLOW_TRACKING_TOKEN`,
      { details: { status, ...request } },
    );
  }
}

/** An experiment, run, registered model, alias, artifact or local run does not exist. */
export class TrackingNotFoundError extends TwigaError {
  readonly code = 'TRACKING_NOT_FOUND';
  constructor(
    readonly what: string,
    cause?: unknown,
  ) {
    super(`${what} does not exist`, { cause, details: { what } });
  }
}

/** MLflow answered 2xx with a body that does not match the expected schema. */
export class TrackingResponseInvalidError extends TwigaError {
  readonly code = 'TRACKING_RESPONSE_INVALID';
  constructor(request: RequestDescription, issues: string, cause?: unknown) {
    super(`MLflow's answer to ${request.method} ${request.path} does not match its schema: ${issues}`, {
      cause,
      details: { ...request },
    });
  }
}

/** A caller mistake: a bad metric/param key, an unsupported artifact URI, a bad `models:/` URI, no tracking URI. */
export class TrackingInvalidError extends TwigaError {
  readonly code = 'TRACKING_INVALID';
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, details === undefined ? {} : { details });
  }
}

/** A registered model version did not become READY in time (or failed registration). */
export class TrackingModelNotReadyError extends TwigaError {
  readonly code = 'TRACKING_MODEL_NOT_READY';
  constructor(
    readonly modelName: string,
    readonly version: string,
    readonly status: string,
  ) {
    super(`model version ${modelName}/${version} is ${status}, not READY`, {
      details: { name: modelName, version, status },
    });
  }
}

/** A file of the local run store is not valid JSON or does not match its schema. */
export class TrackingStoreCorruptError extends TwigaError {
  readonly code = 'TRACKING_STORE_CORRUPT';
  constructor(
    readonly path: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`local run store file ${path} ${reason}`, { cause, details: { path } });
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const inner = (cause as { cause?: { code?: unknown; message?: unknown } }).cause;
    const innerCode = typeof inner?.code === 'string' ? inner.code : undefined;
    return [cause.name, typeof code === 'string' ? code : innerCode, cause.message]
      .filter(Boolean)
      .join(': ');
  }
  return String(cause);
}

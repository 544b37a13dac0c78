import type { Logger } from '@twiga/core';
import type { z } from 'zod';
import {
  type RequestDescription,
  TrackingAuthFailedError,
  TrackingInvalidError,
  TrackingNotFoundError,
  TrackingRequestFailedError,
  TrackingResponseInvalidError,
  TrackingUnreachableError,
} from '../errors.js';
import {
  backoffDelay,
  parseRetryAfter,
  RETRY_DEFAULTS,
  RETRY_STATUSES,
  type RetryPolicy,
  sleep,
} from './retry.js';

/** Credentials for MLflow: HTTP basic (username and password) or a bearer token. */
export type MlflowAuth = { username: string; password: string } | { token: string };

/** Options of {@link MlflowHttp}. */
export interface MlflowHttpOptions {
  /** Base URL of the MLflow server, e.g. `http://127.0.0.1:5000` (a path prefix is kept). */
  trackingUri: string;
  /** Credentials; none by default. Basic wins when both kinds are given, as in MLflow's client. */
  auth?: MlflowAuth | undefined;
  /** Timeout of each try, covering the whole answer. @default 120000 (MLflow's `MLFLOW_HTTP_REQUEST_TIMEOUT`) */
  timeoutMs?: number;
  /** Retry policy; see {@link RETRY_DEFAULTS}. */
  retry?: Partial<RetryPolicy>;
  /** Where each retry is logged (warn). @default none */
  logger?: Logger | undefined;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Sleep between tries (tests replace the clock). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** What one HTTP exchange sends. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the tracking URI, starting with `/api/`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** A JSON body (NaN and ±Infinity are sent as MLflow's strings) or raw bytes. */
  json?: unknown;
  bytes?: Uint8Array;
}

/** One try of one request, without retries; only valid inside {@link MlflowHttp.retrying}. */
export type TryOnce = <T>(request: HttpRequest, read: (response: Response) => Promise<T>) => Promise<T>;

/** A failure worth another try: a network error, a timeout, or a status in {@link RETRY_STATUSES}. */
class TransientFailure {
  constructor(
    readonly request: HttpRequest,
    readonly cause: unknown,
    readonly status?: {
      code: number;
      mlflowCode: string | undefined;
      message: string;
      retryAfterMs?: number;
    },
  ) {}
}

/**
 * The transport of the MLflow client: one `fetch` per try with an `AbortSignal` timeout, auth headers,
 * retries with exponential backoff and jitter on network errors and 408/429/500/502/503/504 (honouring
 * `Retry-After`), each retry logged, and MLflow's error bodies mapped to `TRACKING_*` errors.
 */
export class MlflowHttp {
  /** The tracking URI without a trailing slash. */
  readonly trackingUri: string;
  readonly policy: Readonly<RetryPolicy>;
  readonly timeoutMs: number;
  private readonly authHeader: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly sleepImpl: (ms: number) => Promise<void>;
  private readonly logger: Logger | undefined;

  constructor(options: MlflowHttpOptions) {
    let url: URL;
    try {
      url = new URL(options.trackingUri);
    } catch {
      throw new TrackingInvalidError(`tracking URI ${JSON.stringify(options.trackingUri)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TrackingInvalidError(`tracking URI ${options.trackingUri} must be http(s)`, {
        trackingUri: options.trackingUri,
      });
    this.trackingUri = options.trackingUri.replace(/\/+$/, '');
    this.policy = Object.freeze({ ...RETRY_DEFAULTS, ...options.retry });
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.authHeader = authorization(options.auth);
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.sleepImpl = options.sleep ?? sleep;
    this.logger = options.logger;
  }

  /** Send a JSON request (retried) and validate the JSON answer with `schema`. */
  json<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>> {
    return this.retrying((once) => once(request, (res) => readJson(res, request, schema)));
  }

  /** Send a request (retried) and read its answer with `read`. */
  send<T>(request: HttpRequest, read: (response: Response) => Promise<T>): Promise<T> {
    return this.retrying((once) => once(request, read));
  }

  /**
   * Run `body` until it succeeds, retrying it whole when one of its single tries fails transiently. Use it
   * for operations that must check before they write (search, then create) so a retried create never
   * duplicates.
   */
  async retrying<T>(body: (once: TryOnce) => Promise<T>): Promise<T> {
    const once: TryOnce = (request, read) => this.tryOnce(request, read);
    for (let attempt = 1; ; attempt++) {
      try {
        return await body(once);
      } catch (err) {
        if (!(err instanceof TransientFailure)) throw err;
        if (attempt >= this.policy.maxTries) throw this.finalError(err, attempt);
        const backoff = backoffDelay(attempt, this.policy);
        const waitMs = Math.min(this.policy.maxBackoffMs, err.status?.retryAfterMs ?? backoff);
        this.logger?.warn(
          {
            method: err.request.method,
            path: err.request.path,
            try: attempt,
            maxTries: this.policy.maxTries,
            status: err.status?.code ?? null,
            error: err.status ? (err.status.mlflowCode ?? null) : describeError(err.cause),
            waitMs: Math.round(waitMs),
          },
          'MLflow request failed; retrying',
        );
        await this.sleepImpl(waitMs);
      }
    }
  }

  /** The URL of a request. */
  url(request: Pick<HttpRequest, 'path' | 'query'>): string {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const qs = query.toString();
    return `${this.trackingUri}${request.path}${qs ? `?${qs}` : ''}`;
  }

  private async tryOnce<T>(request: HttpRequest, read: (response: Response) => Promise<T>): Promise<T> {
    const headers: Record<string, string> = { 'user-agent': 'twiga-tracking' };
    if (this.authHeader !== undefined) headers.authorization = this.authHeader;
    let body: string | Uint8Array | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json, nonFiniteAsString);
    } else if (request.bytes !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      body = request.bytes;
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(request), {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal,
      });
    } catch (err) {
      throw new TransientFailure(request, err);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const { mlflowCode, message } = parseErrorBody(text);
      if (RETRY_STATUSES.has(response.status)) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        throw new TransientFailure(request, undefined, {
          code: response.status,
          mlflowCode,
          message,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
      }
      throw mapErrorStatus(response.status, mlflowCode, message, describeRequest(request));
    }
    try {
      return await read(response);
    } catch (err) {
      // A timeout or reset while the body streams in is as transient as one before the headers.
      if (isNetworkError(err)) throw new TransientFailure(request, err);
      throw err;
    }
  }

  private finalError(err: TransientFailure, tries: number): Error {
    const desc = describeRequest(err.request);
    if (err.status)
      return new TrackingRequestFailedError(
        err.status.code,
        err.status.mlflowCode,
        desc,
        err.status.message,
        tries,
      );
    return new TrackingUnreachableError(this.trackingUri, desc, tries, err.cause);
  }
}

/** Read a 2xx JSON answer and validate it; an empty body counts as `{}`. */
export async function readJson<S extends z.ZodType>(
  response: Response,
  request: HttpRequest,
  schema: S,
): Promise<z.output<S>> {
  const text = await response.text();
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new TrackingResponseInvalidError(describeRequest(request), 'not JSON', err);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new TrackingResponseInvalidError(
      describeRequest(request),
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  return parsed.data;
}

/** `{ method, path }` of a request, for errors and logs (the query may hold names, never secrets). */
export function describeRequest(request: Pick<HttpRequest, 'method' | 'path'>): RequestDescription {
  return { method: request.method, path: request.path };
}

function mapErrorStatus(
  status: number,
  mlflowCode: string | undefined,
  message: string,
  desc: RequestDescription,
) {
  if (status === 401 || status === 403) return new TrackingAuthFailedError(status, desc);
  if (status === 404 || mlflowCode === 'RESOURCE_DOES_NOT_EXIST')
    return new TrackingNotFoundError(`${desc.method} ${desc.path}: ${message.slice(0, 300)}`);
  return new TrackingRequestFailedError(status, mlflowCode, desc, message);
}

function parseErrorBody(text: string): { mlflowCode: string | undefined; message: string } {
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    return {
      mlflowCode: typeof body.error_code === 'string' ? body.error_code : undefined,
      message: typeof body.message === 'string' ? body.message : text,
    };
  } catch {
    return { mlflowCode: undefined, message: text.slice(0, 500) };
  }
}

function authorization(auth: MlflowAuth | undefined): string | undefined {
  if (auth === undefined) return undefined;
  if ('username' in auth)
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
  return `Bearer ${auth.token}`;
}

/** JSON replacer: MLflow's protobuf JSON takes NaN and ±Infinity as strings. */
function nonFiniteAsString(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return value;
}

function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'AbortError' || err.name === 'TimeoutError' || err.name === 'TypeError';
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const inner = (err as { cause?: { code?: unknown } }).cause;
    return typeof inner?.code === 'string' ? `${err.name}: ${inner.code}` : `${err.name}: ${err.message}`;
  }
  return String(err);
}

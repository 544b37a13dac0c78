/**
 * Large forecast bodies skip the event loop: the JSON parser hands bodies of at least
 * `TWIGA_SERVE_WORKER_MIN_BYTES` to the routes as a {@link RawJsonBody}, unparsed, and a worker thread parses,
 * validates and answers them (see `predict-pool/`). Parsing 100 000 records alone blocks the loop for
 * ~100 ms; every other request would wait. {@link parseForecastBody} is the one place a raw body is parsed and
 * validated — on the worker, or inline when no worker is available — with the same errors as the route
 * schema gives: 400 `REQUEST_INVALID` naming each field.
 */
import type { FastifyInstance } from 'fastify';
import { RequestInvalidError } from '../errors.js';
import {
  type ForecastRequest,
  ForecastRequestSchema,
  type IntervalRequest,
  IntervalRequestSchema,
} from '../schemas.js';
import { checkRecordCount } from './shape.js';

/** Which forecast route a body belongs to. */
export type ForecastRoute = 'predict' | 'interval';
/** The validated body of each forecast route. */
export type ForecastBody<R extends ForecastRoute> = R extends 'predict' ? ForecastRequest : IntervalRequest;

/** A forecast body too large to parse on the event loop: its text, parsed later off the loop. */
export class RawJsonBody {
  constructor(readonly text: string) {}
}

const RAW_ROUTES = new Set(['/predict', '/predict-interval']);

/**
 * In the routes' scope: JSON bodies of the forecast routes at or above `minBytes` characters arrive as
 * {@link RawJsonBody}; everything else goes through Fastify's own parser (prototype poisoning refused), and
 * the validators let raw bodies through to the handler, which validates them with {@link parseForecastBody}.
 */
export function acceptRawForecastBodies(api: FastifyInstance, minBytes: number): void {
  const parseJson = api.getDefaultJsonParser('error', 'error');
  api.removeContentTypeParser('application/json');
  api.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.length >= minBytes && RAW_ROUTES.has(request.routeOptions.url ?? ''))
      done(null, new RawJsonBody(text));
    else void parseJson(request, text, done);
  });
}

/**
 * Parse and validate a forecast body, as Fastify, the route schema and the record cap
 * (`TWIGA_SERVE_MAX_RECORDS`, 413) would for a parsed one.
 */
export function parseForecastBody<R extends ForecastRoute>(
  route: R,
  text: string,
  maxRecords: number,
): ForecastBody<R> {
  let json: unknown;
  try {
    json = JSON.parse(text, refusePoison);
  } catch (err) {
    if (err instanceof RequestInvalidError) throw err;
    const message = `Body is not valid JSON but content-type is set to 'application/json'`;
    throw new RequestInvalidError(message, [{ path: 'body', message: (err as Error).message }]);
  }
  const schema = route === 'predict' ? ForecastRequestSchema : IntervalRequestSchema;
  const parsed = schema.safeParse(json);
  if (parsed.success) {
    checkRecordCount(parsed.data.records.length, maxRecords);
    return parsed.data as ForecastBody<R>;
  }
  const issues = parsed.error.issues.map((i) => ({
    path: ['body', ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  throw RequestInvalidError.fromIssues(issues);
}

// Fastify's parser refuses `__proto__` keys and `constructor.prototype`; so does this one.
function refusePoison(key: string, value: unknown): unknown {
  if (
    key === '__proto__' ||
    (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value)
  ) {
    const message = 'Object contains forbidden prototype property';
    throw new RequestInvalidError(message, [{ path: 'body', message }]);
  }
  return value;
}

import { isTwigaError } from '@twiga/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_STATUS, type ErrorCode, RequestInvalidError } from './errors.js';
import type { ErrorResponse } from './schemas.js';

/** Fastify's own client errors (bad JSON, too large, wrong content type) mapped to our codes. */
const FASTIFY_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'REQUEST_INVALID',
  404: 'ROUTE_NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/**
 * The one error handler: every error becomes `{ error: { code, message, details? } }` with the status
 * from {@link ERROR_STATUS}. Unknown errors are logged with their stack and answered as `INTERNAL`
 * without internals.
 */
export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const { status, body } = toErrorBody(error);
  // Only unexpected failures need a stack; known server states (no model, overloaded, shutting down) do not.
  if (body.error.code === 'INTERNAL') request.log.error({ err: error }, 'request failed');
  else if (status >= 500)
    request.log.warn({ code: body.error.code, message: body.error.message }, 'request failed');
  else request.log.info({ code: body.error.code }, 'request rejected');
  return reply.code(status).send(body);
}

/** Map any thrown value to a status and error body. */
export function toErrorBody(error: unknown): { status: number; body: ErrorResponse } {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      // A root-level issue has instancePath '/': name it `body`, not `body.`.
      path: `${(error as FastifyError).validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`.replace(
        /\.$/,
        '',
      ),
      message: v.message ?? 'invalid',
    }));
    return { status: 400, body: { error: RequestInvalidError.fromIssues(issues).toJSON() } };
  }
  if (isTwigaError(error) && error.code in ERROR_STATUS) {
    const json = error.toJSON();
    return { status: ERROR_STATUS[error.code as ErrorCode], body: { error: json } };
  }
  const statusCode = (error as { statusCode?: number }).statusCode;
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    const code = FASTIFY_STATUS_CODES[statusCode] ?? 'REQUEST_INVALID';
    return { status: ERROR_STATUS[code], body: { error: { code, message: (error as Error).message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal server error' } } };
}

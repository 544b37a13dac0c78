import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MonitorReportNotFoundError, REPORT_NAME } from '@twiga/monitor';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../schemas.js';

/** Options of {@link reportsRoute}. */
export interface ReportsRouteOptions {
  /** Where reports are written (`TWIGA_SERVE_REPORT_DIR`). */
  reportDir: string;
}

/** The policy a report is served under: inline styles and SVG only, so it can fetch nothing. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

/**
 * `GET /reports/:name`: one HTML report written by a monitoring run. Only names of the form the monitor
 * writes (`drift-20250101T120000000Z-a1b2c3.html`) are looked up, so no path can leave the report
 * directory; anything else, or a missing file, is `404 MONITOR_REPORT_NOT_FOUND`.
 */
export const reportsRoute: FastifyPluginAsyncZod<ReportsRouteOptions> = async (app, { reportDir }) => {
  app.get(
    '/reports/:name',
    {
      schema: {
        params: z.object({ name: z.string() }),
        response: { 200: z.string(), '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      if (!REPORT_NAME.test(name)) throw new MonitorReportNotFoundError(name);
      const html = await readFile(join(reportDir, name), 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'EISDIR') throw new MonitorReportNotFoundError(name, err);
        throw err;
      });
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', REPORT_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=3600')
        .send(html);
    },
  );
};

import { type Logger, type LoggerOptions, pino } from 'pino';
import type { TwigaSettings } from './settings.js';

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Component name put on every line (`name` field). */
  name?: string;
  /** Where lines go. @default standard output */
  destination?: NodeJS.WritableStream;
}

/** Paths redacted from every log line: API keys and credentials must never reach logs. */
export const REDACTED_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'headers["x-api-key"]',
  'headers.authorization',
  'apiKey',
  'password',
  'token',
];

/** A pino logger: JSON lines by default, level from `TWIGA_LOG_LEVEL`, secrets redacted. */
export function createLogger(
  settings: Pick<TwigaSettings, 'TWIGA_LOG_LEVEL'>,
  options: CreateLoggerOptions = {},
): Logger {
  const config: LoggerOptions = {
    level: settings.TWIGA_LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  return options.destination === undefined
    ? pino(config)
    : pino(config, options.destination as pino.DestinationStream);
}

export type { Logger };

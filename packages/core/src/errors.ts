/** Every stable error code of @twiga/core. */
export type CoreErrorCode = 'SETTINGS_INVALID';

/**
 * Base class of every Twiga error: a stable machine-readable `code` (`<AREA>_<WHAT>`), an optional
 * `details` payload for clients, and the original error as `cause`.
 */
export abstract class TwigaError extends Error {
  abstract readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
  }

  /** The JSON body an HTTP server or CLI prints for this error. */
  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** One problem found while parsing settings: which variable, what it held, what is allowed. */
export interface SettingsIssue {
  variable: string;
  value: string | undefined;
  allowed: string;
}

/** A `TWIGA_*` value (or explicit option) failed validation; raised at start, before anything runs. */
export class SettingsInvalidError extends TwigaError {
  readonly code = 'SETTINGS_INVALID';
  constructor(readonly issues: SettingsIssue[]) {
    super(
      `invalid settings: ${issues
        .map((i) => `${i.variable}=${JSON.stringify(i.value ?? null)} (${i.allowed})`)
        .join('; ')}`,
      { details: { issues } },
    );
  }
}

/** True when `err` is a TwigaError (also across package copies, by duck typing on `code`). */
export function isTwigaError(err: unknown): err is TwigaError {
  return (
    err instanceof TwigaError ||
    (err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && 'toJSON' in err)
  );
}

/** An error as sent between threads: a TwigaError keeps its code and details. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  details?: Record<string, unknown>;
  /** Where it was thrown, in the thread it was thrown in (for logs, never for clients). */
  stack?: string;
}

/** Turn any thrown value into a {@link SerializedError} (structured-clone safe). */
export function serializeError(err: unknown): SerializedError {
  const e = err instanceof Error ? err : new Error(String(err));
  const { code, details } = e as Error & { code?: unknown; details?: unknown };
  return {
    name: e.name,
    message: e.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(details !== null && typeof details === 'object'
      ? { details: JSON.parse(JSON.stringify(details)) as Record<string, unknown> }
      : {}),
    ...(e.stack === undefined ? {} : { stack: e.stack }),
  };
}

/**
 * An error rebuilt on the receiving side of a thread boundary: same name, message, code and details, so
 * callers (and HTTP error mapping) treat it as the original. Errors without a code get `fallbackCode`.
 */
export class ForwardedError extends TwigaError {
  readonly code: string;
  constructor(error: SerializedError, fallbackCode: string) {
    super(error.message, error.details === undefined ? {} : { details: error.details });
    this.code = error.code ?? fallbackCode;
    this.name = error.name;
  }
}

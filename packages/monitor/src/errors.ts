import { TwigaError } from '@twiga/core';

/** Every stable error code of @twiga/monitor. */
export type MonitorErrorCode =
  | 'MONITOR_NO_REFERENCE'
  | 'MONITOR_PROFILE_INVALID'
  | 'MONITOR_COLUMN_UNKNOWN'
  | 'MONITOR_COLUMN_EMPTY'
  | 'MONITOR_COLUMN_TYPE'
  | 'MONITOR_METHOD_INVALID'
  | 'MONITOR_LENGTH_MISMATCH'
  | 'MONITOR_DATASET_NOT_FOUND'
  | 'MONITOR_REPORT_NOT_FOUND';

/** A drift check ran before a reference was set (or the checkpoint carries no `reference_profile.json`). */
export class MonitorNoReferenceError extends TwigaError {
  readonly code = 'MONITOR_NO_REFERENCE';
  constructor(message = 'no reference profile is set: call setReference() or train a new checkpoint') {
    super(message);
  }
}

/** A reference profile does not match its schema (a corrupt or foreign `reference_profile.json`). */
export class MonitorProfileInvalidError extends TwigaError {
  readonly code = 'MONITOR_PROFILE_INVALID';
  constructor(message: string, issues: { path: string; message: string }[] = [], cause?: unknown) {
    super(message, { cause, details: { issues } });
  }
}

/** A requested column is in neither the reference nor the current data (or in only one of them). */
export class MonitorColumnUnknownError extends TwigaError {
  readonly code = 'MONITOR_COLUMN_UNKNOWN';
  constructor(
    readonly column: string,
    where: 'reference' | 'current',
    known: readonly string[],
  ) {
    super(
      `column ${JSON.stringify(column)} is not in the ${where} data (known: ${known.slice(0, 20).join(', ')})`,
      { details: { column, where } },
    );
  }
}

/** Every value of a column is missing (NaN, null, ±Infinity), so no test can run on it. */
export class MonitorColumnEmptyError extends TwigaError {
  readonly code = 'MONITOR_COLUMN_EMPTY';
  constructor(
    readonly column: string,
    where: 'reference' | 'current',
  ) {
    super(`column ${JSON.stringify(column)} has no non-missing value in the ${where} data`, {
      details: { column, where },
    });
  }
}

/** A value does not fit the column's type (text in a numeric column). */
export class MonitorColumnTypeError extends TwigaError {
  readonly code = 'MONITOR_COLUMN_TYPE';
  constructor(
    readonly column: string,
    row: number,
    value: string,
  ) {
    super(`column ${JSON.stringify(column)} is numeric but row ${row} holds ${JSON.stringify(value)}`, {
      details: { column, row, value: value.slice(0, 100) },
    });
  }
}

/** A drift method was asked for a column kind it does not apply to (e.g. `ks` on a categorical column). */
export class MonitorMethodInvalidError extends TwigaError {
  readonly code = 'MONITOR_METHOD_INVALID';
  constructor(
    readonly column: string,
    method: string,
    kind: string,
  ) {
    super(`drift method ${method} does not apply to ${kind} column ${JSON.stringify(column)}`, {
      details: { column, method, kind },
    });
  }
}

/** Arrays that must line up (actuals and forecasts, lower and upper bounds) have different sizes. */
export class MonitorLengthMismatchError extends TwigaError {
  readonly code = 'MONITOR_LENGTH_MISMATCH';
  constructor(message: string, details: { column?: string; expected: number; actual: number }) {
    super(message, { details: { ...details } });
  }
}

/** A dataset named by reference (`dataset` in a request) does not exist or cannot be read. */
export class MonitorDatasetNotFoundError extends TwigaError {
  readonly code = 'MONITOR_DATASET_NOT_FOUND';
  constructor(
    readonly dataset: string,
    cause?: unknown,
  ) {
    super(`dataset ${JSON.stringify(dataset)} does not exist`, { cause, details: { dataset } });
  }
}

/** No report of that name: the name is not a report file name, or no such report was written. */
export class MonitorReportNotFoundError extends TwigaError {
  readonly code = 'MONITOR_REPORT_NOT_FOUND';
  constructor(name: string, cause?: unknown) {
    super(`no report named ${JSON.stringify(name.slice(0, 200))}`, {
      cause,
      details: { name: name.slice(0, 200) },
    });
  }
}

import { TwigaError } from '@twiga/core';

/** Every stable error code of @twiga/forecaster. */
export type ForecasterErrorCode =
  | 'DATA_INVALID'
  | 'CONFIG_INVALID'
  | 'MODEL_NOT_FITTED'
  | 'MODEL_NOT_CALIBRATED'
  | 'MODEL_INVALID'
  | 'CHECKPOINT_NOT_FOUND'
  | 'CHECKPOINT_CORRUPT';

/** Where in the input a data problem sits: 1-based data row (header excluded) and column. */
export interface DataLocation {
  row?: number;
  column?: string;
  series?: string;
}

/** Input data cannot be used: unparsable timestamp, gap, duplicate, non-numeric or missing value. */
export class DataInvalidError extends TwigaError {
  readonly code = 'DATA_INVALID';
  constructor(
    message: string,
    readonly location: DataLocation = {},
    cause?: unknown,
  ) {
    super(
      location.row === undefined && location.column === undefined
        ? message
        : `${message} (${describe(location)})`,
      {
        cause,
        details: { ...location },
      },
    );
  }
}

function describe(loc: DataLocation): string {
  const parts: string[] = [];
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  if (loc.column !== undefined) parts.push(`column ${loc.column}`);
  if (loc.series !== undefined) parts.push(`series ${loc.series}`);
  return parts.join(', ');
}

/** A pipeline or model configuration is not valid; `path` names the field at fault. */
export class ConfigInvalidError extends TwigaError {
  readonly code = 'CONFIG_INVALID';
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
    cause?: unknown,
  ) {
    super(message, { cause, details: { issues } });
  }
}

/** `predict`/`evaluate`/`save` was called before `fit`. */
export class ModelNotFittedError extends TwigaError {
  readonly code = 'MODEL_NOT_FITTED';
  constructor() {
    super('the forecaster has not been fitted: call fit() or load a checkpoint first');
  }
}

/** No checkpoint could be found in the checkpoint directory. */
export class CheckpointNotFoundError extends TwigaError {
  readonly code = 'CHECKPOINT_NOT_FOUND';
  constructor(
    readonly dir: string,
    detail = 'no manifest and no checkpoint directory',
  ) {
    super(`no checkpoint in ${dir}: ${detail}`, { details: { dir } });
  }
}

/** A checkpoint file does not match its manifest checksum, or cannot be parsed. */
export class CheckpointCorruptError extends TwigaError {
  readonly code = 'CHECKPOINT_CORRUPT';
  constructor(
    readonly path: string,
    reason = 'does not match its manifest checksum',
    cause?: unknown,
  ) {
    super(`checkpoint file ${path} ${reason}`, { cause, details: { path } });
  }
}

/** A model file (ONNX graph) cannot be loaded or run. */
export class ModelInvalidError extends TwigaError {
  readonly code = 'MODEL_INVALID';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

/** Intervals or quantiles were asked of a forecaster fitted without held-out data to calibrate them on. */
export class ModelNotCalibratedError extends TwigaError {
  readonly code = 'MODEL_NOT_CALIBRATED';
  constructor() {
    super('the forecaster has no conformal calibration: fit with validation data or call calibrate(holdout)');
  }
}

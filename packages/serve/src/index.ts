export type { CreateAppOptions, TwigaApp } from './app.js';
export { createApp } from './app.js';
export type { AuthOptions } from './auth.js';
export { authPlugin, safeEqual } from './auth.js';
export type { CheckpointSourceOptions, ModelPin, RegistryVersion } from './checkpoint-source.js';
export { errorHandler, toErrorBody } from './error-handler.js';
export type { ErrorCode, ServeErrorCode } from './errors.js';
export {
  ERROR_STATUS,
  ModelNotLoadedError,
  ReloadIncompleteError,
  RequestInvalidError,
  UnauthorizedError,
} from './errors.js';
export type { MetricsJson } from './metrics.js';
export type {
  ModelLoaderOptions,
  PreparedModel,
  ReloadCoordinator,
  ReloadResult,
  ServedModel,
} from './model-loader.js';
export { ModelLoader, pinOf } from './model-loader.js';
export type {
  ErrorResponse,
  ForecastRequest,
  ForecastResponse,
  HealthResponse,
  IntervalRequest,
  IntervalResponse,
  ReloadResponse,
} from './schemas.js';
export {
  CheckpointInfoSchema,
  ErrorResponseSchema,
  ForecastRequestSchema,
  ForecastResponseSchema,
  HealthResponseSchema,
  IntervalRequestSchema,
  IntervalResponseSchema,
  RecordSchema,
  ReloadResponseSchema,
} from './schemas.js';

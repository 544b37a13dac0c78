export { writeFileAtomic } from './atomic-write.js';
export type { CoreErrorCode, SerializedError, SettingsIssue } from './errors.js';
export { ForwardedError, isTwigaError, SettingsInvalidError, serializeError, TwigaError } from './errors.js';
export type { CreateLoggerOptions, Logger } from './logger.js';
export { createLogger, REDACTED_PATHS } from './logger.js';
export type { LoadSettingsOptions, SettingsInput, TwigaSettings } from './settings.js';
export { LOG_LEVELS, loadSettings, SETTINGS_VARIABLES, SettingsSchema } from './settings.js';
export { spawnWorker } from './worker-thread.js';

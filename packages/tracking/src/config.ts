import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TwigaSettings } from '@twiga/core';
import type { MlflowAuth } from './client/http.js';

/** The settings tracking reads. */
export type TrackingSettings = Pick<
  TwigaSettings,
  | 'TWIGA_MLFLOW_TRACKING_URI'
  | 'TWIGA_MLFLOW_EXPERIMENT'
  | 'TWIGA_MLFLOW_TRACKING_USERNAME'
  | 'TWIGA_MLFLOW_TRACKING_PASSWORD'
  | 'TWIGA_MLFLOW_TRACKING_TOKEN'
  | 'TWIGA_MLFLOW_REQUEST_TIMEOUT_MS'
  | 'TWIGA_MLFLOW_MAX_TRIES'
  | 'TWIGA_MLFLOW_LOCAL_STORE'
  | 'TWIGA_MLFLOW_MODEL_CACHE_DIR'
>;

/** Tracking configuration resolved from settings, with MLflow's standard variables as fallback. */
export interface TrackingConfig {
  /** MLflow server, or undefined for the local store only. */
  trackingUri: string | undefined;
  experimentName: string;
  auth: MlflowAuth | undefined;
  timeoutMs: number;
  maxTries: number;
  localStore: string;
  modelCacheDir: string;
}

/**
 * Resolve tracking settings: each `TWIGA_MLFLOW_*` value, else the standard `MLFLOW_TRACKING_URI` (only an
 * http(s) URL), `MLFLOW_TRACKING_USERNAME`/`_PASSWORD`/`_TOKEN` from `env`. Basic auth wins over a token,
 * as in MLflow's client.
 */
export function trackingConfig(
  settings: TrackingSettings,
  env: Record<string, string | undefined> = process.env,
): TrackingConfig {
  const pick = (own: string | undefined, standard: string) => {
    if (own !== undefined) return own;
    const v = env[standard]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  let trackingUri = settings.TWIGA_MLFLOW_TRACKING_URI;
  if (trackingUri === undefined) {
    const std = env.MLFLOW_TRACKING_URI?.trim();
    if (std !== undefined && /^https?:\/\//.test(std)) trackingUri = std;
  }
  const username = pick(settings.TWIGA_MLFLOW_TRACKING_USERNAME, 'MLFLOW_TRACKING_USERNAME');
  const password = pick(settings.TWIGA_MLFLOW_TRACKING_PASSWORD, 'MLFLOW_TRACKING_PASSWORD');
  const token = pick(settings.TWIGA_MLFLOW_TRACKING_TOKEN, 'MLFLOW_TRACKING_TOKEN');
  const auth: MlflowAuth | undefined =
    username !== undefined && password !== undefined
      ? { username, password }
      : token !== undefined
        ? { token }
        : undefined;
  return {
    trackingUri,
    experimentName: settings.TWIGA_MLFLOW_EXPERIMENT,
    auth,
    timeoutMs: settings.TWIGA_MLFLOW_REQUEST_TIMEOUT_MS,
    maxTries: settings.TWIGA_MLFLOW_MAX_TRIES,
    localStore: settings.TWIGA_MLFLOW_LOCAL_STORE,
    modelCacheDir: settings.TWIGA_MLFLOW_MODEL_CACHE_DIR ?? join(tmpdir(), 'twiga-model-cache'),
  };
}

import { loadSettings } from '@twiga/core';
import { describe, expect, it } from 'vitest';
import { trackingConfig } from './config.js';

const settings = (env: Record<string, string> = {}) => loadSettings({ env, envFile: false });

describe('trackingConfig', () => {
  it('falls back to the standard MLFLOW_TRACKING_* variables', () => {
    const cfg = trackingConfig(settings(), {
      MLFLOW_TRACKING_URI: 'http://mlflow:5000',
      MLFLOW_TRACKING_USERNAME: 'ana',
      MLFLOW_TRACKING_PASSWORD: 'pw',
    });
    expect(cfg).toMatchObject({
      trackingUri: 'http://mlflow:5000',
      auth: { username: 'ana', password: 'pw' },
    });
    expect(trackingConfig(settings(), { MLFLOW_TRACKING_TOKEN: 't' }).auth).toEqual({ token: 't' });
  });

  it('prefers TWIGA_* values, and ignores a non-http MLFLOW_TRACKING_URI', () => {
    const cfg = trackingConfig(
      settings({ TWIGA_MLFLOW_TRACKING_URI: 'http://own:5000', TWIGA_MLFLOW_TRACKING_TOKEN: 'mine' }),
      { MLFLOW_TRACKING_URI: 'http://other:5000', MLFLOW_TRACKING_TOKEN: 'theirs' },
    );
    expect(cfg).toMatchObject({ trackingUri: 'http://own:5000', auth: { token: 'mine' } });
    const local = trackingConfig(settings(), { MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' });
    expect(local).toMatchObject({
      trackingUri: undefined,
      auth: undefined,
      localStore: './twiga-runs',
      maxTries: 7,
    });
  });
});

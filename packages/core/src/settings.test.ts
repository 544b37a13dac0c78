import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsInvalidError } from './errors.js';
import { loadSettings, SETTINGS_VARIABLES } from './settings.js';

const noFile = { envFile: false } as const;

function expectInvalid(fn: () => unknown): SettingsInvalidError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsInvalidError);
    expect((err as SettingsInvalidError).code).toBe('SETTINGS_INVALID');
    return err as SettingsInvalidError;
  }
  throw new Error('expected SETTINGS_INVALID');
}

describe('loadSettings', () => {
  it('fills documented defaults when nothing is set', () => {
    const s = loadSettings({ env: {}, ...noFile });
    expect(s).toMatchObject({
      TWIGA_MODEL_CHECKPOINT_DIR: './checkpoints',
      TWIGA_SERVE_HOST: '127.0.0.1',
      TWIGA_SERVE_PORT: 8000,
      TWIGA_SERVE_REPORT_DIR: './reports',
      TWIGA_MLFLOW_EXPERIMENT: 'twiga',
      TWIGA_LOG_LEVEL: 'info',
      TWIGA_CHECKPOINT_RETENTION: 5,
    });
    expect(s.TWIGA_SERVE_API_KEY).toBeUndefined();
    expect(s.TWIGA_MLFLOW_TRACKING_URI).toBeUndefined();
    expect(s.TWIGA_REDIS_URL).toBeUndefined();
  });

  it('fills the MLflow client defaults and leaves credentials unset', () => {
    const s = loadSettings({ env: {}, ...noFile });
    expect(s).toMatchObject({
      TWIGA_MLFLOW_REQUEST_TIMEOUT_MS: 120_000,
      TWIGA_MLFLOW_MAX_TRIES: 7,
      TWIGA_MLFLOW_LOCAL_STORE: './twiga-runs',
    });
    expect(s.TWIGA_MLFLOW_TRACKING_USERNAME).toBeUndefined();
    expect(s.TWIGA_MLFLOW_TRACKING_PASSWORD).toBeUndefined();
    expect(s.TWIGA_MLFLOW_TRACKING_TOKEN).toBeUndefined();
    expect(s.TWIGA_MLFLOW_MODEL_CACHE_DIR).toBeUndefined();
    const set = loadSettings({
      env: { TWIGA_MLFLOW_MAX_TRIES: '3', TWIGA_MLFLOW_TRACKING_TOKEN: 't' },
      ...noFile,
    });
    expect(set.TWIGA_MLFLOW_MAX_TRIES).toBe(3);
    expect(set.TWIGA_MLFLOW_TRACKING_TOKEN).toBe('t');
  });

  it('is frozen', () => {
    const s = loadSettings({ env: {}, ...noFile });
    expect(Object.isFrozen(s)).toBe(true);
    expect(() => {
      (s as { TWIGA_SERVE_PORT: number }).TWIGA_SERVE_PORT = 1;
    }).toThrow(TypeError);
  });

  it('resolves explicit option over env over .env over default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twiga-settings-'));
    const envFile = join(dir, '.env');
    writeFileSync(envFile, 'TWIGA_SERVE_PORT=7000\nTWIGA_SERVE_HOST=filehost\nTWIGA_LOG_LEVEL=debug\n');
    const env = { TWIGA_SERVE_PORT: '7001', TWIGA_SERVE_HOST: 'envhost' };
    const s = loadSettings({ env, envFile, overrides: { TWIGA_SERVE_PORT: 7002 } });
    expect(s.TWIGA_SERVE_PORT).toBe(7002);
    expect(s.TWIGA_SERVE_HOST).toBe('envhost');
    expect(s.TWIGA_LOG_LEVEL).toBe('debug');
    expect(s.TWIGA_MODEL_CHECKPOINT_DIR).toBe('./checkpoints');
  });

  it('treats an empty API key as unset', () => {
    expect(loadSettings({ env: { TWIGA_SERVE_API_KEY: '' }, ...noFile }).TWIGA_SERVE_API_KEY).toBeUndefined();
    expect(loadSettings({ env: { TWIGA_SERVE_API_KEY: 's3cret' }, ...noFile }).TWIGA_SERVE_API_KEY).toBe(
      's3cret',
    );
  });

  it.each([
    ['TWIGA_SERVE_PORT', 'abc'],
    ['TWIGA_SERVE_PORT', '70000'],
    ['TWIGA_SERVE_PORT', '80.5'],
    ['TWIGA_LOG_LEVEL', 'loud'],
    ['TWIGA_MLFLOW_TRACKING_URI', 'not a url'],
    ['TWIGA_REDIS_URL', 'http://localhost:6379'],
    ['TWIGA_CHECKPOINT_RETENTION', '0'],
    ['TWIGA_MLFLOW_REQUEST_TIMEOUT_MS', '0'],
    ['TWIGA_MLFLOW_MAX_TRIES', '0'],
    ['TWIGA_MLFLOW_MAX_TRIES', '21'],
    ['TWIGA_SERVE_PROCESSES', '0'],
    ['TWIGA_SERVE_PROCESSES', 'all'],
  ])('rejects %s=%s naming the variable, the value and what is allowed', (variable, value) => {
    const err = expectInvalid(() => loadSettings({ env: { [variable]: value }, ...noFile }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ variable, value });
    expect(err.issues[0]!.allowed.length).toBeGreaterThan(3);
    expect(err.toJSON().details).toEqual({ issues: err.issues });
  });

  it('TWIGA_SERVE_PROCESSES: 1 by default, an integer, or auto (one per CPU, resolved by the server)', () => {
    expect(loadSettings({ env: {}, ...noFile }).TWIGA_SERVE_PROCESSES).toBe(1);
    expect(loadSettings({ env: { TWIGA_SERVE_PROCESSES: '4' }, ...noFile }).TWIGA_SERVE_PROCESSES).toBe(4);
    expect(loadSettings({ env: { TWIGA_SERVE_PROCESSES: 'auto' }, ...noFile }).TWIGA_SERVE_PROCESSES).toBe(
      'auto',
    );
    const err = expectInvalid(() => loadSettings({ env: { TWIGA_SERVE_PROCESSES: 'all' }, ...noFile }));
    expect(err.issues[0]!.allowed).toBe("'auto' or an integer from 1 to 256");
  });

  it('reports every bad variable at once', () => {
    const err = expectInvalid(() =>
      loadSettings({ env: { TWIGA_SERVE_PORT: 'abc', TWIGA_LOG_LEVEL: 'loud' }, ...noFile }),
    );
    expect(err.issues.map((i) => i.variable).sort()).toEqual(['TWIGA_LOG_LEVEL', 'TWIGA_SERVE_PORT']);
  });

  it('names allowed log levels', () => {
    const err = expectInvalid(() => loadSettings({ env: { TWIGA_LOG_LEVEL: 'loud' }, ...noFile }));
    expect(err.issues[0]!.allowed).toContain('debug');
  });

  it('knows every variable documented in .env.example', async () => {
    const { readFileSync } = await import('node:fs');
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s*(TWIGA_[A-Z_]+)=/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...SETTINGS_VARIABLES].sort());
  });
});

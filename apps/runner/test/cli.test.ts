import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twiga } from './cli-process.js';

/** A small hourly CSV with a daily cycle. */
function csv(rows: number): string {
  const lines = ['ts,y,x'];
  for (let i = 0; i < rows; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString();
    lines.push(
      `${t},${(50 + 10 * Math.sin((2 * Math.PI * i) / 24) + (i % 7) / 7).toFixed(4)},${(i % 24) / 24}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const CONFIG = {
  data: {
    dateColumn: 'ts',
    targets: ['y'],
    period: '1h',
    lookbackWindowSize: 24,
    forecastHorizon: 6,
    historicalFeatures: ['x'],
  },
  models: [{ name: 'seasonal-naive' }, { name: 'linear', params: { alpha: 0.5 } }],
  split: { testFraction: 0.2, validationFraction: 0.1 },
};

describe('twiga CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'twiga-cli-'));
    await writeFile(join(dir, 'data.csv'), csv(600));
    await writeFile(join(dir, 'config.json'), JSON.stringify(CONFIG));
    await writeFile(
      join(dir, 'config.yaml'),
      `data:\n  dateColumn: ts\n  targets: [y]\n  period: 1h\n  lookbackWindowSize: 24\n  forecastHorizon: 6\nmodels:\n  - name: seasonal-naive\n  - name: linear\n`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('train --json writes checkpoint versions 1 then 2 and reports metrics per model', async () => {
    const args = [
      'train',
      '--data',
      'data.csv',
      '--config',
      'config.json',
      '--checkpoint-dir',
      'ck',
      '--json',
    ];
    const first = await twiga(args, dir);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out.version).toBe(1);
    expect(Object.keys(out.metrics)).toEqual(['seasonal-naive', 'linear']);
    // ONNX scores in float32, the MASE baseline is read in float64: equal to ~1e-8.
    expect(out.metrics['seasonal-naive'].mase).toBeCloseTo(1, 6);
    expect(out.metrics.linear.mae).toBeLessThan(out.metrics['seasonal-naive'].mae);
    const second = await twiga(args, dir);
    expect(JSON.parse(second.stdout).version).toBe(2);
    const manifest = JSON.parse(await readFile(join(dir, 'ck', '_checkpoint_manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ version: 2, checkpoint_file: 'v0002', model_type: 'linear' });
  }, 60_000);

  it('train prints a metrics table against seasonal naive, with YAML config', async () => {
    const res = await twiga(
      ['train', '--data', 'data.csv', '--config', 'config.yaml', '--checkpoint-dir', 'ck-yaml'],
      dir,
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/MAE\/naive/);
    expect(res.stdout).toMatch(/saved checkpoint version 1/);
  }, 60_000);

  it('checkpoints list and rollback', async () => {
    const list = await twiga(['checkpoints', 'list', '--checkpoint-dir', 'ck', '--json'], dir);
    const parsed = JSON.parse(list.stdout);
    expect(parsed.current).toBe(2);
    expect(parsed.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await twiga(['checkpoints', 'rollback', '--to', '1', '--checkpoint-dir', 'ck'], dir)).code).toBe(
      0,
    );
    const after = JSON.parse(
      (await twiga(['checkpoints', 'list', '--checkpoint-dir', 'ck', '--json'], dir)).stdout,
    );
    expect(after.current).toBe(1);
    const missing = await twiga(['checkpoints', 'rollback', '--to', '9', '--checkpoint-dir', 'ck'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/CHECKPOINT_NOT_FOUND/);
  }, 60_000);

  it('an unknown config key is an error naming it (exit 2, no stack trace)', async () => {
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ ...CONFIG, data: { ...CONFIG.data, lookback: 3 } }),
    );
    const res = await twiga(
      ['train', '--data', 'data.csv', '--config', 'bad.json', '--checkpoint-dir', 'ck-bad'],
      dir,
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/CONFIG_INVALID/);
    expect(res.stderr).toMatch(/data: unknown key\(s\): lookback/);
    expect(res.stderr).not.toMatch(/at .*\.ts:\d+/);
  }, 30_000);

  it('bad data names row and column (exit 2)', async () => {
    const lines = csv(600).split('\n');
    lines[10] = lines[10]!.replace(/,([^,]+),/, ',oops,');
    await writeFile(join(dir, 'bad.csv'), lines.join('\n'));
    const res = await twiga(
      ['train', '--data', 'bad.csv', '--config', 'config.json', '--checkpoint-dir', 'ck-bad'],
      dir,
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/DATA_INVALID/);
    expect(res.stderr).toMatch(/row 10, column y/);
  }, 30_000);

  it('backtest --json reports folds that end before their test windows, and a summary', async () => {
    const res = await twiga(
      [
        'backtest',
        '--data',
        'data.csv',
        '--config',
        'config.json',
        '--train-size',
        '300',
        '--test-size',
        '100',
        '--gap',
        '5',
        '--json',
      ],
      dir,
    );
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.folds).toHaveLength(2);
    for (const fold of out.folds) expect(fold.train.end).toBeLessThan(fold.test.start - 5 * 3_600_000);
    expect(out.summary.linear.mae.mean).toBeLessThan(out.summary['seasonal-naive'].mae.mean);
  }, 60_000);

  it('every command has --help', async () => {
    for (const cmd of [
      [],
      ['train'],
      ['backtest'],
      ['serve'],
      ['checkpoints'],
      ['checkpoints', 'rollback'],
      ['demo'],
    ]) {
      const res = await twiga([...cmd, '--help'], dir);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/Usage: twiga/);
    }
  }, 60_000);
});

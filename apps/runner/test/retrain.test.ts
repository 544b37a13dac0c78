import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG, HOUR_MS, records, T0 } from '../../../packages/pipeline/test/fixtures.js';
import { twiga } from './cli-process.js';

function csv(rows: Record<string, unknown>[]): string {
  return `ts,y,x\n${rows.map((r) => `${r.ts},${r.y},${r.x}`).join('\n')}\n`;
}

describe('twiga retrain', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'twiga-retrain-cli-'));
    await writeFile(join(dir, 'old.csv'), csv(records('a', 480)));
    await writeFile(join(dir, 'new.csv'), csv(records('b', 480, T0 + 480 * HOUR_MS, 11)));
    await writeFile(join(dir, 'config.json'), JSON.stringify(CONFIG));
    const trained = await twiga(
      ['train', '--data', 'old.csv', '--config', 'config.json', '--checkpoint-dir', 'ck', '--json'],
      dir,
    );
    expect(trained.code, trained.stderr).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits 3 without drift, 0 when the challenger is promoted, 3 when a forced challenger is no better', async () => {
    const same = await twiga(['retrain', '--data', 'old.csv', '--checkpoint-dir', 'ck', '--json'], dir);
    expect(same.code, same.stderr).toBe(3);
    expect(JSON.parse(same.stdout)).toMatchObject({ retrained: false, promoted: false, reason: 'no-drift' });

    const drifted = await twiga(['retrain', '--data', 'new.csv', '--checkpoint-dir', 'ck', '--json'], dir);
    expect(drifted.code, drifted.stderr).toBe(0);
    expect(JSON.parse(drifted.stdout)).toMatchObject({
      promoted: true,
      checkpointVersion: 2,
      championVersion: 1,
    });

    const forced = await twiga(['retrain', '--force', '--data', 'new.csv', '--checkpoint-dir', 'ck'], dir);
    expect(forced.code, forced.stderr).toBe(3);
    expect(forced.stdout).toContain('challenger not better: champion v2 stays');
  });

  it('fails with a code (exit 2) when there is no checkpoint to retrain against', async () => {
    const res = await twiga(['retrain', '--data', 'old.csv', '--checkpoint-dir', 'none'], dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('CHECKPOINT_NOT_FOUND');
  });
});

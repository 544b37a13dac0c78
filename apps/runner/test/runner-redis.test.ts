// `twiga runner` as users run it with TWIGA_REDIS_URL: schedules become BullMQ job schedulers and each due
// run trains on a worker thread of the runner process, on a real redis-server.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore } from '@twiga/forecaster';
import { listFlowRecords } from '@twiga/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG, records } from '../../../packages/pipeline/test/fixtures.js';
import {
  type RedisProcess,
  redisAvailable,
  redisRequired,
  startRedis,
} from '../../../packages/pipeline/test/redis-harness.js';
import { cliArgs } from './cli-process.js';

const title = redisAvailable
  ? 'twiga runner on BullMQ'
  : 'twiga runner on BullMQ (SKIPPED: redis-server missing; run `bash scripts/ci/redis.sh`)';

describe.skipIf(!redisAvailable && !redisRequired)(title, () => {
  let dir: string;
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'twiga-runner-redis-'));
    const rows = records('a', 480);
    await writeFile(
      join(dir, 'data.csv'),
      `ts,y,x\n${rows.map((r) => `${r.ts},${r.y},${r.x}`).join('\n')}\n`,
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify(CONFIG));
    await writeFile(
      join(dir, 'schedules.yaml'),
      'models:\n  - name: m\n    data: data.csv\n    config: config.json\n    checkpointDir: ck\n    train: "* * * * * *"\n',
    );
  });
  afterAll(async () => {
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('trains each due run on a worker thread, records it, and exits 0 on SIGTERM', async () => {
    const child: ChildProcess = spawn(process.execPath, cliArgs(['runner', '--config', 'schedules.yaml']), {
      cwd: dir,
      env: { ...process.env, TWIGA_REDIS_URL: redis.url, TWIGA_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => out.push(c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const flows = join(dir, 'ck', 'flow-runs');
    const end = Date.now() + 30_000;
    while ((await listFlowRecords(flows)).length < 2) {
      if (Date.now() > end) throw new Error(`no two flow runs within 30 s:\n${out.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGTERM');
    expect(await exited, out.join('')).toBe(0);
    const recorded = await listFlowRecords(flows);
    expect(recorded.every((f) => f.flow === 'training' && f.status === 'succeeded')).toBe(true);
    expect((await new CheckpointStore(join(dir, 'ck')).readManifest())?.version).toBe(recorded.length);
    expect(out.join('')).toContain('bullmq runner started');
  });
});

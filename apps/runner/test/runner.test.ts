import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger } from '@twiga/core';
import { CheckpointStore } from '@twiga/forecaster';
import { listFlowRecords, type ScheduleEntry } from '@twiga/pipeline';
import { TwigaTracker } from '@twiga/tracking';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONFIG, records } from '../../../packages/pipeline/test/fixtures.js';
import { loadSchedules, scheduleEntries, startRunner, threadJobRunner } from '../src/commands/runner.js';
import { cliArgs } from './cli-process.js';

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('twiga runner', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'twiga-runner-'));
    const rows = records('a', 480);
    await writeFile(
      join(dir, 'data.csv'),
      `ts,y,x\n${rows.map((r) => `${r.ts},${r.y},${r.x}`).join('\n')}\n`,
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify(CONFIG));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a schedules file: paths relative to it, time zone inherited, bad cron rejected', async () => {
    await writeFile(
      join(dir, 'schedules.yaml'),
      'timezone: Europe/Berlin\nmodels:\n  - name: demand\n    data: data.csv\n    config: config.json\n    checkpointDir: ck\n    train: "0 3 * * 0"\n    retrain: "0 * * * *"\n',
    );
    const s = await loadSchedules(join(dir, 'schedules.yaml'));
    expect(s.models[0]).toMatchObject({ checkpointDir: join(dir, 'ck'), data: join(dir, 'data.csv') });
    expect(scheduleEntries(s)).toEqual([
      { model: 'demand', kind: 'train', cron: '0 3 * * 0', timezone: 'Europe/Berlin' },
      { model: 'demand', kind: 'retrain', cron: '0 * * * *', timezone: 'Europe/Berlin' },
    ]);
    await writeFile(
      join(dir, 'bad.yaml'),
      'models:\n  - name: m\n    checkpointDir: ck\n    cadence: daily\n',
    );
    await expect(loadSchedules(join(dir, 'bad.yaml'))).rejects.toMatchObject({
      code: 'PIPELINE_SCHEDULE_INVALID',
    });
    await writeFile(
      join(dir, 'badcron.yaml'),
      'models:\n  - name: m\n    checkpointDir: ck\n    train: "61 * * * *"\n',
    );
    const bad = await loadSchedules(join(dir, 'badcron.yaml'));
    expect(() => startRunner(bad, { tracker: new TwigaTracker({ localStore: join(dir, 'runs') }) })).toThrow(
      expect.objectContaining({ code: 'PIPELINE_SCHEDULE_INVALID' }),
    );
  });

  it('trains on a seconds-level schedule in-process and records each flow run', async () => {
    await writeFile(
      join(dir, 'every-second.json'),
      JSON.stringify({
        models: [
          {
            name: 'm',
            data: 'data.csv',
            config: 'config.json',
            checkpointDir: 'ck-inproc',
            train: '* * * * * *',
          },
        ],
      }),
    );
    const scheduler = startRunner(await loadSchedules(join(dir, 'every-second.json')), {
      tracker: new TwigaTracker({ localStore: join(dir, 'runs') }),
      logger: createLogger({ TWIGA_LOG_LEVEL: 'silent' }),
    });
    const flows = join(dir, 'ck-inproc', 'flow-runs');
    await until(async () => (await listFlowRecords(flows)).length >= 1, 10_000);
    await scheduler.stop();
    const recorded = await listFlowRecords(flows);
    expect(recorded.every((f) => f.flow === 'training' && f.status === 'succeeded')).toBe(true);
    expect((await new CheckpointStore(join(dir, 'ck-inproc')).readManifest())?.version).toBe(recorded.length);
  });

  it('runs a job on its own worker thread: the event loop stays free and errors keep their code', async () => {
    await writeFile(
      join(dir, 'thread.json'),
      JSON.stringify({
        models: [
          {
            name: 'm',
            data: 'data.csv',
            config: 'config.json',
            checkpointDir: 'ck-thread',
            train: '0 3 * * *',
          },
          { name: 'gone', data: 'missing.csv', checkpointDir: 'ck-gone', train: '0 3 * * *' },
        ],
      }),
    );
    const schedules = await loadSchedules(join(dir, 'thread.json'));
    const [train, gone] = scheduleEntries(schedules) as [ScheduleEntry, ScheduleEntry];
    const run = threadJobRunner(schedules);
    // The thread builds its logger from the environment it is started with.
    vi.stubEnv('TWIGA_LOG_LEVEL', 'silent');
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    await run(train, new AbortController().signal);
    lag.disable();
    expect(lag.max / 1e6).toBeLessThan(250);
    const [record] = await listFlowRecords(join(dir, 'ck-thread', 'flow-runs'));
    expect(record).toMatchObject({ flow: 'training', status: 'succeeded' });
    await expect(run(gone, new AbortController().signal)).rejects.toMatchObject({ code: 'DATA_INVALID' });
    // Aborted before it starts: the flow stops, nothing is saved.
    const aborted = new AbortController();
    aborted.abort(new Error('runner stopping'));
    await expect(run({ ...train, model: 'm' }, aborted.signal)).rejects.toThrow();
    expect((await new CheckpointStore(join(dir, 'ck-thread')).readManifest())?.version).toBe(1);
    vi.unstubAllEnvs();
  });

  it('finishes the run in flight on SIGTERM (also sent twice at once) and exits 0', async () => {
    await writeFile(
      join(dir, 'cli-schedules.yaml'),
      'models:\n  - name: m\n    data: data.csv\n    config: config.json\n    checkpointDir: ck-cli\n    train: "* * * * * *"\n',
    );
    const child: ChildProcess = spawn(
      process.execPath,
      cliArgs(['runner', '--config', 'cli-schedules.yaml']),
      { cwd: dir, env: { ...process.env, TWIGA_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out: string[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => out.push(c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // Stop while a run is in flight: the log says it started and it has not finished yet.
    await until(async () => out.join('').includes('scheduled run started'), 20_000);
    // Twice at once, as a process group delivers it (pnpm forwarding Ctrl-C): still a graceful stop.
    child.kill('SIGTERM');
    child.kill('SIGTERM');
    expect(await exited, out.join('')).toBe(0);
    const text = out.join('');
    const started = text.split('scheduled run started').length - 1;
    const finished = text.split('scheduled run finished').length - 1;
    expect(started).toBeGreaterThanOrEqual(1);
    expect(finished).toBe(started);
    const recorded = await listFlowRecords(join(dir, 'ck-cli', 'flow-runs'));
    expect(recorded.length).toBe(started);
  });
});

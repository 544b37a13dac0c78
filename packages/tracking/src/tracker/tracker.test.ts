import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalRunStore } from '../local-store/store.js';
import { TwigaTracker } from './tracker.js';

describe('TwigaTracker without a server (local store)', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  async function tracker(): Promise<TwigaTracker> {
    const dir = await mkdtemp(join(tmpdir(), 'twiga-local-'));
    dirs.push(dir);
    return new TwigaTracker({ localStore: dir });
  }

  it('writes the whole run to <store>/<id>/run.json and artifacts beside it', async () => {
    const t = await tracker();
    const id = await t.run({ runName: 'r', tags: { a: 'b' } }, async (run) => {
      await run.logParams({ alpha: 0.5, kind: 'ridge' });
      await run.logMetrics({ mae: 1.25, corr: Number.NaN }, { step: 2, timestamp: 1000 });
      await run.logArtifact('notes/readme.txt', 'hello');
      expect(run.spooling).toBe(true);
      return run.id;
    });
    const record = JSON.parse(await readFile(join(t.store.dir, id, 'run.json'), 'utf8'));
    expect(record).toMatchObject({
      runName: 'r',
      status: 'FINISHED',
      params: { alpha: '0.5', kind: 'ridge' },
      metrics: [
        { key: 'mae', value: 1.25, step: 2, timestamp: 1000 },
        { key: 'corr', value: 'NaN', step: 2, timestamp: 1000 },
      ],
      artifacts: [{ path: 'notes/readme.txt', size: 5, local: true }],
      remotes: {},
    });
    expect(record.trackingUri).toBeUndefined();
    expect(record.tags.a).toBe('b');
    expect(await readFile(join(t.store.dir, id, 'artifacts', 'notes', 'readme.txt'), 'utf8')).toBe('hello');
    expect((await t.store.read(id.slice(0, 6))).runId).toBe(id);
  });

  it('ends FAILED and rethrows; refuses changed params and bad keys with TRACKING_INVALID', async () => {
    const t = await tracker();
    let id = '';
    await expect(
      t.run({}, async (run) => {
        id = run.id;
        await run.logParams({ a: 1 });
        await expect(run.logParams({ a: 2 })).rejects.toMatchObject({ code: 'TRACKING_INVALID' });
        await expect(run.logMetrics({ 'bad\nkey': 1 })).rejects.toMatchObject({ code: 'TRACKING_INVALID' });
        await expect(run.logArtifact('../escape', 'x')).rejects.toMatchObject({ code: 'TRACKING_INVALID' });
        throw new RangeError('boom');
      }),
    ).rejects.toBeInstanceOf(RangeError);
    expect((await t.store.read(id)).status).toBe('FAILED');
  });

  it('reports a damaged run.json as TRACKING_STORE_CORRUPT and an unknown id as TRACKING_NOT_FOUND', async () => {
    const t = await tracker();
    const id = await t.run({}, async (run) => run.id);
    await writeFile(join(t.store.dir, id, 'run.json'), '{"formatVersion":1');
    const store = new LocalRunStore(t.store.dir);
    await expect(store.read(id)).rejects.toMatchObject({ code: 'TRACKING_STORE_CORRUPT' });
    await expect(store.read('abcdef')).rejects.toMatchObject({ code: 'TRACKING_NOT_FOUND' });
  });
});

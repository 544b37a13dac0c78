import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@twiga/core';
import { z } from 'zod';

/** Folder under the checkpoint directory where every flow run leaves its JSON record. */
export const FLOW_RUNS_DIR = 'flow-runs';

/** One flow run as recorded on disk: which flow, when, how it ended, and its typed result or error. */
export const FlowRecordSchema = z.object({
  formatVersion: z.literal(1),
  id: z.string(),
  flow: z.enum(['training', 'retraining']),
  status: z.enum(['succeeded', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string(),
  seconds: z.number(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
});
/** A recorded flow run. */
export type FlowRecord = z.output<typeof FlowRecordSchema>;

/** Write a flow run's record as `<dir>/<startedAt>-<flow>-<id>.json` (atomic); returns its path. */
export async function writeFlowRecord(
  dir: string,
  record: Omit<FlowRecord, 'formatVersion' | 'id'> & { id?: string },
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const id = record.id ?? randomUUID().slice(0, 8);
  const full: FlowRecord = { formatVersion: 1, ...record, id };
  const path = join(dir, `${record.startedAt.replace(/[:.]/g, '-')}-${record.flow}-${id}.json`);
  await writeFileAtomic(path, `${JSON.stringify(full, null, 1)}\n`);
  return path;
}

/** Every flow record in `dir`, oldest first (unparseable files are skipped). */
export async function listFlowRecords(dir: string): Promise<FlowRecord[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: FlowRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const parsed = FlowRecordSchema.safeParse(
      JSON.parse(await readFile(join(dir, name), 'utf8').catch(() => 'null')),
    );
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/** Run `fn` and record its result or error under `dir` (unless `dir` is false); rethrows errors. */
export async function recorded<T extends object>(
  flow: FlowRecord['flow'],
  dir: string | false,
  fn: () => Promise<T>,
): Promise<T> {
  const started = new Date();
  const finish = (status: FlowRecord['status'], result: T | null, err: unknown) =>
    dir === false
      ? Promise.resolve('')
      : writeFlowRecord(dir, {
          flow,
          status,
          startedAt: started.toISOString(),
          finishedAt: new Date().toISOString(),
          seconds: (Date.now() - started.getTime()) / 1000,
          result: result === null ? null : (JSON.parse(JSON.stringify(result)) as Record<string, unknown>),
          error:
            err === undefined
              ? null
              : {
                  code:
                    typeof (err as { code?: unknown }).code === 'string'
                      ? (err as { code: string }).code
                      : null,
                  message: (err as Error).message ?? String(err),
                },
        });
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await finish('failed', null, err).catch(() => undefined);
    throw err;
  }
  await finish('succeeded', result, undefined);
  return result;
}

import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { writeFileAtomic } from '@twiga/core';
import { joinArtifactPath } from '../client/artifacts.js';
import { TrackingInvalidError, TrackingNotFoundError, TrackingStoreCorruptError } from '../errors.js';
import { type LocalRun, LocalRunSchema } from './schema.js';

/** File name of a run's record inside its directory. */
export const RUN_FILE = 'run.json';
/** Folder of a run's artifacts inside its directory. */
export const ARTIFACTS_DIR = 'artifacts';

/**
 * The local run store: one directory per run, `<dir>/<runId>/run.json` plus `artifacts/`. Every file is
 * written atomically (temp file, fsync, rename), so a crash leaves the previous complete record.
 */
export class LocalRunStore {
  /** The store's directory, as given. */
  constructor(readonly dir: string) {}

  /** Write a run's record (creating its directory). */
  async write(run: LocalRun): Promise<void> {
    const runDir = join(this.dir, run.runId);
    await mkdir(runDir, { recursive: true });
    await writeFileAtomic(join(runDir, RUN_FILE), `${JSON.stringify(run, null, 1)}\n`);
  }

  /** The run with id `id` or a unique prefix of one (at least 4 characters). */
  async read(id: string): Promise<LocalRun> {
    return this.readExact(await this.resolveId(id));
  }

  /** Every run, oldest first (parents before their children). Directories without a record are skipped. */
  async list(): Promise<LocalRun[]> {
    const runs: LocalRun[] = [];
    for (const id of await this.ids()) {
      const run = await this.readExact(id).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      });
      if (run) runs.push(run);
    }
    return runs.sort((a, b) => a.startTime - b.startTime || a.runId.localeCompare(b.runId));
  }

  /** The full id of the run `prefix` names; `TRACKING_NOT_FOUND` / `TRACKING_INVALID` when none or several. */
  async resolveId(prefix: string): Promise<string> {
    const want = prefix.trim().toLowerCase();
    if (!/^[0-9a-f]{4,32}$/.test(want))
      throw new TrackingInvalidError(`run id ${JSON.stringify(prefix)} is not 4 to 32 hex characters`);
    const matches = (await this.ids()).filter((id) => id.startsWith(want));
    if (matches.length === 0) throw new TrackingNotFoundError(`run ${prefix} in ${this.dir}`);
    if (matches.length > 1)
      throw new TrackingInvalidError(
        `run id prefix ${prefix} matches ${matches.length} runs; give more characters`,
      );
    return matches[0]!;
  }

  /** Store an artifact's bytes at `<runId>/artifacts/<path>`. */
  async writeArtifact(runId: string, path: string, bytes: Uint8Array): Promise<void> {
    const target = this.artifactPath(runId, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, bytes);
  }

  /** The bytes of a stored artifact. */
  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    return readFile(this.artifactPath(runId, path));
  }

  /** Absolute file path of an artifact of a run (never outside its artifacts folder). */
  artifactPath(runId: string, path: string): string {
    const root = resolve(this.dir, runId, ARTIFACTS_DIR);
    const target = resolve(root, ...joinArtifactPath(path).split('/'));
    if (!target.startsWith(root + sep))
      throw new TrackingInvalidError(`artifact path ${path} is not inside the run`);
    return target;
  }

  private async readExact(id: string): Promise<LocalRun> {
    const path = join(this.dir, id, RUN_FILE);
    const text = await readFile(path, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new TrackingStoreCorruptError(path, 'is not valid JSON', err);
    }
    const parsed = LocalRunSchema.safeParse(value);
    if (!parsed.success) throw new TrackingStoreCorruptError(path, 'does not match the run schema');
    return parsed.data;
  }

  private async ids(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    return entries.filter((e) => e.isDirectory() && /^[0-9a-f]{32}$/.test(e.name)).map((e) => e.name);
  }
}

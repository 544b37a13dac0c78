import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { writeFileAtomic } from '@twiga/core';
import { z } from 'zod';
import { TrackingInvalidError } from '../errors.js';
import type { MlflowHttp } from './http.js';
import { EmptySchema, type FileInfo, FileInfoSchema } from './schemas.js';

const PROXY = '/api/2.0/mlflow-artifacts/artifacts';
const ListAnswer = z.object({ files: z.array(FileInfoSchema).default([]) });

/**
 * The path below the artifact proxy for an artifact URI: `mlflow-artifacts:/1/<run>/artifacts` (or with an
 * authority, `mlflow-artifacts://host/…`) → `1/<run>/artifacts`. Other schemes (s3, file, …) are not
 * served through the proxy: `TRACKING_INVALID`.
 */
export function artifactRoot(artifactUri: string): string {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
  if (!m)
    throw new TrackingInvalidError(
      `artifact URI ${artifactUri} is not served by the MLflow artifact proxy (mlflow-artifacts:/…); start the server with --serve-artifacts (the default) and an --artifacts-destination`,
      { artifactUri },
    );
  return m[1]!.replace(/\/+$/, '');
}

/** Join artifact path segments with `/`, rejecting `..` and empty segments. */
export function joinArtifactPath(...parts: (string | undefined)[]): string {
  const segments = parts
    .filter((p): p is string => p !== undefined && p !== '')
    .flatMap((p) => p.split('/'))
    .filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new TrackingInvalidError(`artifact path ${parts.join('/')} holds ..`);
  return segments.join('/');
}

function proxyPath(artifactUri: string, path: string | undefined): string {
  return joinArtifactPath(artifactRoot(artifactUri), path);
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Artifacts of runs and model versions through the tracking server's proxy: upload, list, download. */
export class MlflowArtifacts {
  constructor(private readonly http: MlflowHttp) {}

  /** Upload bytes to `<artifactUri>/<path>` (a PUT: a retry or a repeat overwrites with the same bytes). */
  async upload(artifactUri: string, path: string, bytes: Uint8Array): Promise<void> {
    const full = proxyPath(artifactUri, path);
    await this.http.json(
      { method: 'PUT', path: `${PROXY}/${encodePath(full)}`, bytes },
      EmptySchema.passthrough(),
    );
  }

  /** Entries directly under `<artifactUri>/<path>`, with paths relative to `artifactUri`. */
  async list(artifactUri: string, path?: string): Promise<FileInfo[]> {
    const full = proxyPath(artifactUri, path);
    const answer = await this.http.json({ method: 'GET', path: PROXY, query: { path: full } }, ListAnswer);
    const base = joinArtifactPath(path);
    return answer.files.map((f) => ({ ...f, path: joinArtifactPath(base, f.path.split('/').at(-1)) }));
  }

  /** Every file below `<artifactUri>/<path>`, recursively, paths relative to `artifactUri`. */
  async listFiles(artifactUri: string, path?: string): Promise<FileInfo[]> {
    const out: FileInfo[] = [];
    for (const entry of await this.list(artifactUri, path)) {
      if (entry.is_dir) out.push(...(await this.listFiles(artifactUri, entry.path)));
      else out.push(entry);
    }
    return out;
  }

  /** The bytes of `<artifactUri>/<path>`; `TRACKING_NOT_FOUND` when absent. */
  async download(artifactUri: string, path: string): Promise<Uint8Array> {
    const full = proxyPath(artifactUri, path);
    return this.http.send(
      { method: 'GET', path: `${PROXY}/${encodePath(full)}` },
      async (res) => new Uint8Array(await res.arrayBuffer()),
    );
  }

  /**
   * Download every file below `<artifactUri>/<path>` into `destDir` (keeping the layout below `path`),
   * each written atomically. Returns the paths written, relative to `destDir`.
   */
  async downloadDir(artifactUri: string, path: string | undefined, destDir: string): Promise<string[]> {
    const base = joinArtifactPath(path);
    const root = resolve(destDir);
    const written: string[] = [];
    for (const file of await this.listFiles(artifactUri, base)) {
      const rel = base === '' ? file.path : file.path.slice(base.length + 1);
      const target = resolve(root, ...rel.split('/'));
      if (!target.startsWith(root + sep))
        throw new TrackingInvalidError(`artifact ${file.path} escapes ${destDir}`);
      await mkdir(dirname(target), { recursive: true });
      await writeFileAtomic(target, await this.download(artifactUri, file.path));
      written.push(join(...rel.split('/')));
    }
    return written;
  }
}

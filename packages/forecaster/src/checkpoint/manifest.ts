import { z } from 'zod';

/** File name of the manifest in a checkpoint directory (the seed's name). */
export const MANIFEST_FILE = '_checkpoint_manifest.json';
/** File name of each version's own metadata, inside its version directory. */
export const VERSION_META_FILE = 'checkpoint.json';
/** Files every checkpoint version holds. */
export const CHECKPOINT_FILES = ['model.onnx', 'pipeline.json'] as const;

/** Metadata of one saved version: what the manifest points at, with a sha256 per file. */
export const VersionMetaSchema = z.object({
  /** Monotonic integer, 1 for the first save in a directory. */
  version: z.number().int().positive(),
  /** Name of the version directory, relative to the checkpoint directory. */
  checkpoint_file: z.string().regex(/^v\d{4,}$/),
  /** Type of the primary model (the first non-baseline model, else the baseline). */
  model_type: z.string(),
  /** Every model in the graph, by name. */
  models: z.array(z.string()),
  /** UTC ISO 8601. */
  saved_at: z.string(),
  /** sha256 (hex) of each file of the version. */
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  /** Version of @twiga/forecaster that wrote it. */
  package_version: z.string(),
});
/** Parsed version metadata. */
export type VersionMeta = z.output<typeof VersionMetaSchema>;

/** `_checkpoint_manifest.json`: the version currently served, plus when it was made current. */
export const ManifestSchema = VersionMetaSchema.extend({
  /** When this version became current (differs from saved_at after a rollback). */
  activated_at: z.string(),
});
/** Parsed manifest. */
export type CheckpointManifest = z.output<typeof ManifestSchema>;

/** Directory name of version `n` (zero-padded so names sort in version order). */
export function versionDirName(n: number): string {
  return `v${String(n).padStart(4, '0')}`;
}

/** Version number of a directory name, or undefined when it is not a version directory. */
export function parseVersionDir(name: string): number | undefined {
  const m = /^v(\d{4,})$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

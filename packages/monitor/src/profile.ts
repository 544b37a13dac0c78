import { z } from 'zod';
import { decodeFloat64, encodeFloat64 } from './encoding.js';
import { MonitorProfileInvalidError } from './errors.js';
import type { ColumnKind } from './methods.js';
import { type CategoricalSample, categoricalFromValues } from './stats/categorical.js';
import { meanStd, type NumericSample, sampleFromValues } from './stats/sample.js';
import { asTable, type TableLike } from './table.js';

/** Marker of a profile document, so a foreign JSON file is rejected by name. */
export const PROFILE_FORMAT = 'twiga.reference-profile';

const NumericColumnSchema = z.object({
  kind: z.literal('numeric'),
  /** Non-missing values. */
  count: z.number().int().nonnegative(),
  /** Missing values (NaN, ±Infinity). */
  missing: z.number().int().nonnegative(),
  mean: z.number().nullable(),
  /** Population standard deviation (numpy's `np.std`), the Wasserstein normaliser. */
  std: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** Distinct values in the reference. */
  distinct: z.number().int().nonnegative(),
  /** True when `values` hold every distinct value; false when they are a quantile sketch. */
  exact: z.boolean(),
  /** Sorted distinct values, base64 of little-endian float64. */
  values: z.string(),
  /** Occurrences of each value, base64 of little-endian float64. */
  counts: z.string(),
});

const CategoricalColumnSchema = z.object({
  kind: z.literal('categorical'),
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  distinct: z.number().int().nonnegative(),
  /** `[category, count]`, most frequent first. */
  categories: z.array(z.tuple([z.string(), z.number().int().positive()])),
});

/**
 * A reference profile: what every drift test needs of the reference data, precomputed once (at training
 * time) and stored as JSON — sorted distinct values with counts for numeric columns (exact KS, Wasserstein,
 * histograms), category counts for the others — so a drift check never reloads the reference rows.
 */
export const ReferenceProfileSchema = z.object({
  format: z.literal(PROFILE_FORMAT),
  version: z.literal(1),
  created_at: z.string(),
  /** Rows of the reference data. */
  rows: z.number().int().nonnegative(),
  columns: z.record(z.string(), z.discriminatedUnion('kind', [NumericColumnSchema, CategoricalColumnSchema])),
});
/** A reference profile (JSON-serialisable). */
export type ReferenceProfile = z.output<typeof ReferenceProfileSchema>;
/** One column of a {@link ReferenceProfile}. */
export type ColumnProfile = ReferenceProfile['columns'][string];

/** Options of {@link buildReferenceProfile}. */
export interface ProfileOptions {
  /** Columns to profile. @default every column of the data */
  columns?: readonly string[];
  /**
   * Most distinct values kept per numeric column; beyond it the column keeps this many equal-weight
   * quantiles instead (`exact: false`) and its KS and Wasserstein scores become approximations.
   * @default 1000000
   */
  maxDistinct?: number;
  /** Clock for `created_at`. @default () => new Date() */
  now?: () => Date;
}

/** Defaults of {@link ProfileOptions}. */
export const PROFILE_DEFAULTS = Object.freeze({ maxDistinct: 1_000_000 });

/** Precompute the reference profile of a frame or table (see {@link ReferenceProfileSchema}). */
export function buildReferenceProfile(data: TableLike, options: ProfileOptions = {}): ReferenceProfile {
  const table = asTable(data);
  const maxDistinct = options.maxDistinct ?? PROFILE_DEFAULTS.maxDistinct;
  const wanted = options.columns ? new Set(options.columns) : undefined;
  const columns: Record<string, ColumnProfile> = {};
  for (const [name, values] of Object.entries(table.numeric)) {
    if (wanted && !wanted.has(name)) continue;
    columns[name] = numericProfile(sampleFromValues(values), table.length, maxDistinct);
  }
  for (const [name, values] of Object.entries(table.categorical)) {
    if (wanted && !wanted.has(name)) continue;
    const sample = categoricalFromValues(values);
    columns[name] = {
      kind: 'categorical',
      count: sample.n,
      missing: table.length - sample.n,
      distinct: sample.counts.size,
      categories: [...sample.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    };
  }
  return {
    format: PROFILE_FORMAT,
    version: 1,
    created_at: (options.now?.() ?? new Date()).toISOString(),
    rows: table.length,
    columns,
  };
}

function numericProfile(full: NumericSample, rows: number, maxDistinct: number): ColumnProfile {
  const exact = full.values.length <= maxDistinct;
  const kept = exact ? full : quantileSketch(full, maxDistinct);
  const { mean, std } = meanStd(full);
  const last = full.values.length - 1;
  return {
    kind: 'numeric',
    count: full.n,
    missing: rows - full.n,
    mean: full.n ? mean : null,
    std: full.n ? std : null,
    min: full.n ? full.values[0]! : null,
    max: full.n ? full.values[last]! : null,
    distinct: full.values.length,
    exact,
    values: encodeFloat64(kept.values),
    counts: encodeFloat64(kept.counts),
  };
}

/** `k` equal-weight points of a sample (the value at each bucket's middle quantile), weights summing to n. */
function quantileSketch(sample: NumericSample, k: number): NumericSample {
  const values = new Float64Array(k);
  const counts = new Float64Array(k).fill(sample.n / k);
  let idx = 0;
  let cum = sample.counts[0]!;
  for (let b = 0; b < k; b++) {
    const target = ((b + 0.5) * sample.n) / k;
    while (cum <= target && idx < sample.values.length - 1) cum += sample.counts[++idx]!;
    values[b] = sample.values[idx]!;
  }
  return { values, counts, n: sample.n };
}

/** A reference column ready for tests: decoded once, reused by every check. */
export type ReferenceColumn =
  | { kind: 'numeric'; sample: NumericSample; std: number; exact: boolean }
  | { kind: 'categorical'; sample: CategoricalSample };

/** Decode every column of a profile into samples. */
export function decodeProfile(profile: ReferenceProfile): Map<string, ReferenceColumn> {
  const out = new Map<string, ReferenceColumn>();
  for (const [name, col] of Object.entries(profile.columns)) {
    if (col.kind === 'numeric') {
      const values = decodeFloat64(col.values);
      const counts = decodeFloat64(col.counts);
      if (values.length !== counts.length)
        throw new MonitorProfileInvalidError(`profile column ${name}: values and counts differ in length`);
      out.set(name, {
        kind: 'numeric',
        sample: { values, counts, n: col.count },
        std: col.std ?? Number.NaN,
        exact: col.exact,
      });
    } else {
      out.set(name, { kind: 'categorical', sample: { counts: new Map(col.categories), n: col.count } });
    }
  }
  return out;
}

/** The kind of each profiled column (to read current records the same way). */
export function profileKinds(profile: ReferenceProfile): Record<string, ColumnKind> {
  return Object.fromEntries(Object.entries(profile.columns).map(([name, c]) => [name, c.kind]));
}

/**
 * Validate a profile from JSON text, bytes (a checkpoint extra) or a parsed value;
 * `MONITOR_PROFILE_INVALID` names each bad path.
 */
export function parseReferenceProfile(input: string | Uint8Array | unknown): ReferenceProfile {
  let value: unknown = input;
  try {
    if (input instanceof Uint8Array) value = JSON.parse(Buffer.from(input).toString('utf8'));
    else if (typeof input === 'string') value = JSON.parse(input);
  } catch (err) {
    throw new MonitorProfileInvalidError('reference profile is not valid JSON', [], err);
  }
  const parsed = ReferenceProfileSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new MonitorProfileInvalidError(
      `reference profile does not match its schema: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return parsed.data;
}

/** File name of the reference profile saved with every checkpoint (read by drift checks and the server). */
export const REFERENCE_PROFILE_FILE = 'reference_profile.json';

/** Serialise a profile to UTF-8 JSON bytes, e.g. for `CheckpointStore.save(f, { extras })`. */
export function serializeReferenceProfile(profile: ReferenceProfile): Uint8Array {
  return Buffer.from(JSON.stringify(profile));
}

import { type DataPipelineConfig, historyRowsNeeded } from './config.js';
import type { SeriesData } from './data/frame.js';
import type { SeriesTail } from './state.js';

/** The last `history` rows of a series, as stored for `prepare_test_data`. */
export function tailOf(series: SeriesData, cfg: DataPipelineConfig): SeriesTail {
  const start = Math.max(0, series.length - historyRowsNeeded(cfg));
  const columns: Record<string, number[]> = {};
  for (const [name, col] of Object.entries(series.columns)) columns[name] = Array.from(col.subarray(start));
  return { id: series.id, timestamps: Array.from(series.timestamps.subarray(start)), columns };
}

/** A stored tail as typed arrays, made once per tail: copying from them is a memcpy, from `number[]` a loop. */
interface TypedTail {
  timestamps: Float64Array;
  columns: Map<string, Float64Array>;
}
const typedTails = new WeakMap<SeriesTail, TypedTail>();

function typed(tail: SeriesTail): TypedTail {
  let t = typedTails.get(tail);
  if (!t) {
    t = {
      timestamps: Float64Array.from(tail.timestamps),
      columns: new Map(Object.entries(tail.columns).map(([name, col]) => [name, Float64Array.from(col)])),
    };
    typedTails.set(tail, t);
  }
  return t;
}

/**
 * Prepend the stored training tail of the same series to request rows when it ends exactly one period
 * before the first requested row (or overlaps it: request rows win). With a gap the request stands alone.
 */
export function withTail(series: SeriesData, tails: readonly SeriesTail[], periodMs: number): SeriesData {
  const tail = tails.find((t) => t.id === series.id);
  const first = series.timestamps[0];
  if (!tail || first === undefined) return series;
  let keep = 0;
  while (keep < tail.timestamps.length && tail.timestamps[keep]! < first) keep++;
  if (keep === 0 || first - tail.timestamps[keep - 1]! !== periodMs) return series;
  const length = keep + series.length;
  const cached = typed(tail);
  const timestamps = new Float64Array(length);
  timestamps.set(cached.timestamps.subarray(0, keep));
  timestamps.set(series.timestamps, keep);
  const columns: Record<string, Float64Array> = {};
  for (const [name, col] of Object.entries(series.columns)) {
    const out = new Float64Array(length);
    const stored = cached.columns.get(name);
    if (stored) out.set(stored.subarray(0, keep));
    out.set(col, keep);
    columns[name] = out;
  }
  const sourceRows = new Int32Array(length);
  sourceRows.set(series.sourceRows, keep);
  return { id: series.id, length, timestamps, columns, sourceRows };
}

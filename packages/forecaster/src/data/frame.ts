/**
 * A columnar table of typed arrays: the one in-memory shape of time-series data. Timestamps are epoch
 * milliseconds (UTC); numeric columns hold NaN where a value is missing; series ids are dictionary codes.
 */
export interface Frame {
  /** Number of rows. */
  readonly length: number;
  /** Epoch milliseconds per row. */
  readonly timestamps: Float64Array;
  /** Numeric columns by name, each `length` long, NaN = missing. */
  readonly columns: Readonly<Record<string, Float64Array>>;
  /** Series of each row as a code into `seriesNames`; absent for single-series data. */
  readonly seriesCodes?: Int32Array;
  /** Distinct series names, indexed by code. */
  readonly seriesNames?: readonly string[];
  /**
   * 1-based source row of each row (header excluded), for error messages; absent means row i+1.
   * Rows inserted by gap filling carry 0.
   */
  readonly sourceRows?: Int32Array;
  /** Cells that were present but not numbers, by column: first offending source row and raw text. */
  readonly invalidCells?: Readonly<Record<string, { row: number; value: string }>>;
}

/** One series cut out of a frame, rows strictly increasing at the period. */
export interface SeriesData {
  /** Series name ('' for single-series data). */
  readonly id: string;
  readonly length: number;
  readonly timestamps: Float64Array;
  readonly columns: Readonly<Record<string, Float64Array>>;
  readonly sourceRows: Int32Array;
}

/** Take rows [start, end) of a frame (typed-array views, no copy). */
export function sliceFrame(frame: Frame, start: number, end: number): Frame {
  const columns: Record<string, Float64Array> = {};
  for (const [name, col] of Object.entries(frame.columns)) columns[name] = col.subarray(start, end);
  return {
    length: end - start,
    timestamps: frame.timestamps.subarray(start, end),
    columns,
    ...(frame.seriesCodes && frame.seriesNames
      ? { seriesCodes: frame.seriesCodes.subarray(start, end), seriesNames: frame.seriesNames }
      : {}),
    sourceRows: frame.sourceRows?.subarray(start, end) ?? rowNumbers(start, end),
  };
}

/** 1-based row numbers for rows [start, end). */
export function rowNumbers(start: number, end: number): Int32Array {
  const rows = new Int32Array(end - start);
  for (let i = 0; i < rows.length; i++) rows[i] = start + i + 1;
  return rows;
}

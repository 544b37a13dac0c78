import { DataInvalidError } from '../errors.js';
import { parseNumericCell, parseTimestampCell } from './cell.js';
import type { Frame } from './frame.js';

/** Which columns to read and what they are. */
export interface ColumnSpec {
  dateColumn: string;
  numericColumns: readonly string[];
  seriesId?: string | undefined;
  /** Columns a JSON record may leave out (read as missing): targets, in the future rows of a request. */
  optionalColumns?: readonly string[];
}

/**
 * Grows typed-array columns row by row — the one place where CSV rows and JSON records become a
 * {@link Frame}, so both paths parse cells identically. Capacity doubles, so pushing is amortised O(1).
 */
export class FrameBuilder {
  private capacity = 1024;
  private n = 0;
  private timestamps = new Float64Array(this.capacity);
  private readonly numeric: Float64Array[];
  private readonly codes: number[] = [];
  private readonly seriesIndex = new Map<string, number>();
  private readonly invalid: Record<string, { row: number; value: string }> = {};

  constructor(private readonly spec: ColumnSpec) {
    this.numeric = spec.numericColumns.map(() => new Float64Array(this.capacity));
  }

  /** Add one row; `get(column)` returns the raw cell. `row` is the 1-based source row for errors. */
  push(get: (column: string) => unknown, row: number): void {
    if (this.n === this.capacity) this.grow();
    const rawTs = get(this.spec.dateColumn);
    const ts = parseTimestampCell(rawTs);
    if (ts === undefined) {
      throw new DataInvalidError(
        rawTs === undefined || rawTs === ''
          ? 'missing timestamp'
          : `timestamp ${JSON.stringify(rawTs)} does not parse`,
        { row, column: this.spec.dateColumn },
      );
    }
    this.timestamps[this.n] = ts;
    const cols = this.spec.numericColumns;
    for (let c = 0; c < cols.length; c++) {
      const name = cols[c]!;
      const raw = get(name);
      let v = parseNumericCell(raw);
      if (v === undefined) {
        this.invalid[name] ??= { row, value: String(raw) };
        v = Number.NaN;
      }
      this.numeric[c]![this.n] = v;
    }
    if (this.spec.seriesId !== undefined) {
      const raw = get(this.spec.seriesId);
      if (raw === undefined || raw === null || raw === '') {
        throw new DataInvalidError('missing series id', { row, column: this.spec.seriesId });
      }
      const key = String(raw);
      let code = this.seriesIndex.get(key);
      if (code === undefined) {
        code = this.seriesIndex.size;
        this.seriesIndex.set(key, code);
      }
      this.codes.push(code);
    }
    this.n++;
  }

  /** The finished frame (arrays trimmed to length). */
  build(): Frame {
    const columns: Record<string, Float64Array> = {};
    this.spec.numericColumns.forEach((name, c) => {
      columns[name] = this.numeric[c]!.slice(0, this.n);
    });
    const sourceRows = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) sourceRows[i] = i + 1;
    return {
      length: this.n,
      timestamps: this.timestamps.slice(0, this.n),
      columns,
      sourceRows,
      invalidCells: this.invalid,
      ...(this.spec.seriesId === undefined
        ? {}
        : { seriesCodes: Int32Array.from(this.codes), seriesNames: [...this.seriesIndex.keys()] }),
    };
  }

  private grow(): void {
    this.capacity *= 2;
    const ts = new Float64Array(this.capacity);
    ts.set(this.timestamps);
    this.timestamps = ts;
    for (let c = 0; c < this.numeric.length; c++) {
      const next = new Float64Array(this.capacity);
      next.set(this.numeric[c]!);
      this.numeric[c] = next;
    }
  }
}

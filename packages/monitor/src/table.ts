import { type Frame, MISSING_WORDS, parseNumericCell } from '@twiga/forecaster';
import { MonitorColumnTypeError } from './errors.js';
import type { ColumnKind } from './methods.js';

/**
 * Columns to check for drift: numeric columns as `Float64Array` (NaN = missing), categorical columns as
 * category strings (`null` = missing). A forecaster {@link Frame} is accepted wherever a table is: its
 * columns are all numeric.
 */
export interface MonitorTable {
  readonly length: number;
  readonly numeric: Readonly<Record<string, Float64Array>>;
  readonly categorical: Readonly<Record<string, readonly (string | null)[]>>;
}

/** A table or a forecaster frame. */
export type TableLike = MonitorTable | Frame;

/** View a frame as a table (no copy); a table is returned as is. */
export function asTable(data: TableLike): MonitorTable {
  if ('numeric' in data) return data;
  return { length: data.length, numeric: data.columns, categorical: {} };
}

/** Every column name of a table, numeric first. */
export function tableColumns(table: MonitorTable): string[] {
  return [...Object.keys(table.numeric), ...Object.keys(table.categorical)];
}

/**
 * A cell read as a number: NaN when missing, `undefined` when it is not a number. The forecaster's reading
 * (same missing words, decimal notation only), except that a number cell is taken as it is: ±Infinity from
 * JSON like 1e400 stays a number here and is refused by the routes as 422 with its column.
 */
function numericCell(raw: unknown): number | undefined {
  return typeof raw === 'number' ? raw : parseNumericCell(raw);
}

/** A cell read as a category: `null` when missing. */
function categoryCell(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const s = String(raw);
  return MISSING_WORDS.has(s.trim()) ? null : s;
}

/** Whether a raw cell makes an untyped column categorical: text that is not a number, or a boolean. */
function isCategorical(raw: unknown): boolean {
  if (typeof raw === 'boolean') return true;
  return typeof raw === 'string' && numericCell(raw) === undefined;
}

/**
 * Grows one column row by row. Without a declared kind a column starts numeric and turns categorical at
 * its first non-numeric cell (as pandas would read it as text); with a declared numeric kind such a cell
 * is an error naming the column and row.
 */
export class ColumnBuilder {
  private numbers = new Float64Array(1024);
  private texts: (string | null)[] | undefined;
  private raws: unknown[] | undefined;
  private n = 0;

  constructor(
    readonly name: string,
    declared: ColumnKind | undefined,
  ) {
    if (declared === 'categorical') this.texts = [];
    // Untyped columns keep raw cells until the kind is known, so a late switch to categorical keeps the text.
    if (declared === undefined) this.raws = [];
  }

  /** Append one cell; `row` is 1-based for errors. */
  push(raw: unknown, row: number): void {
    if (this.texts !== undefined) {
      this.texts.push(categoryCell(raw));
      this.n++;
      return;
    }
    if (this.raws !== undefined && isCategorical(raw)) {
      this.texts = this.raws.map(categoryCell);
      this.texts.push(categoryCell(raw));
      this.raws = undefined;
      this.n++;
      return;
    }
    const v = numericCell(raw);
    if (v === undefined) throw new MonitorColumnTypeError(this.name, row, String(raw));
    if (this.n === this.numbers.length) {
      const next = new Float64Array(this.numbers.length * 2);
      next.set(this.numbers);
      this.numbers = next;
    }
    this.numbers[this.n++] = v;
    this.raws?.push(raw);
  }

  /** The kind this column ended up with. */
  get kind(): ColumnKind {
    return this.texts === undefined ? 'numeric' : 'categorical';
  }

  /** The finished numeric column (only when {@link kind} is numeric). */
  numericValues(): Float64Array {
    return this.numbers.slice(0, this.n);
  }

  /** The finished categorical column (only when {@link kind} is categorical). */
  categoryValues(): (string | null)[] {
    return this.texts ?? [];
  }
}

/** Assemble a table from finished column builders. */
export function buildTable(builders: readonly ColumnBuilder[], length: number): MonitorTable {
  const numeric: Record<string, Float64Array> = {};
  const categorical: Record<string, (string | null)[]> = {};
  for (const b of builders) {
    if (b.kind === 'numeric') numeric[b.name] = b.numericValues();
    else categorical[b.name] = b.categoryValues();
  }
  return { length, numeric, categorical };
}

/** Options of {@link tableFromRecords}. */
export interface TableFromRecordsOptions {
  /** Columns to read. @default every key of the first record */
  columns?: readonly string[];
  /** Kind of each column (e.g. from the reference profile); others are inferred. */
  kinds?: Readonly<Record<string, ColumnKind>>;
}

/**
 * Read JSON records into a table. A record without a column's key holds a missing value there; a column
 * no record has is left out. Numbers,
 * numeric strings and booleans (as 1/0) fill numeric columns; other text makes an untyped column
 * categorical, and is an error (`MONITOR_COLUMN_TYPE`) in a column declared numeric.
 */
export function tableFromRecords(
  records: readonly Readonly<Record<string, unknown>>[],
  options: TableFromRecordsOptions = {},
): MonitorTable {
  const columns = options.columns ?? Object.keys(records[0] ?? {});
  const builders = columns.map((c) => new ColumnBuilder(c, options.kinds?.[c]));
  const present = new Set<string>();
  records.forEach((record, i) => {
    for (const b of builders) {
      const raw = record[b.name];
      if (raw !== undefined) present.add(b.name);
      b.push(raw, i + 1);
    }
  });
  // A column no record carries is absent, not empty: the check then names it as unknown.
  return buildTable(
    builders.filter((b) => present.has(b.name)),
    records.length,
  );
}

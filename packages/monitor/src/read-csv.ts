import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { MonitorDatasetNotFoundError } from './errors.js';
import type { ColumnKind } from './methods.js';
import { buildTable, ColumnBuilder, type MonitorTable } from './table.js';

/** Options of {@link readTableCsv}. */
export interface ReadTableCsvOptions {
  /** Columns to read. @default every column of the header */
  columns?: readonly string[];
  /** Kind of each column (e.g. from the reference profile); others are inferred. */
  kinds?: Readonly<Record<string, ColumnKind>>;
}

/**
 * Stream a CSV file (header row required) into a table, straight into typed arrays: the current data of a
 * drift check named by reference. Cells are read as {@link tableFromRecords} reads them.
 */
export async function readTableCsv(path: string, options: ReadTableCsvOptions = {}): Promise<MonitorTable> {
  const input = createReadStream(path);
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: false });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let builders: { builder: ColumnBuilder; index: number }[] | undefined;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (builders === undefined) {
        const header = record.map((h) => h.trim());
        const wanted = options.columns ?? header;
        builders = wanted
          .map((name) => ({
            builder: new ColumnBuilder(name, options.kinds?.[name]),
            index: header.indexOf(name),
          }))
          .filter((b) => b.index >= 0);
        continue;
      }
      row++;
      for (const { builder, index } of builders) builder.push(record[index], row);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR')
      throw new MonitorDatasetNotFoundError(path, err);
    throw err;
  }
  return buildTable(
    (builders ?? []).map((b) => b.builder),
    row,
  );
}

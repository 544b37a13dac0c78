import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { DataInvalidError } from '../errors.js';
import type { Frame } from './frame.js';
import { type ColumnSpec, FrameBuilder } from './frame-builder.js';

/**
 * Stream a CSV file (header row required) into a {@link Frame}, reading only the columns in `spec`.
 * Uses csv-parse, so quoting, CRLF and BOMs are handled as RFC 4180 says.
 */
export async function readCsv(path: string, spec: ColumnSpec): Promise<Frame> {
  const builder = new FrameBuilder(spec);
  const input = createReadStream(path);
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: false });
  // pipe() does not forward read errors (ENOENT, EISDIR): hand them to the parser so the loop throws.
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let index: Map<string, number> | undefined;
  let row = 0;
  let cells: string[] = [];
  const get = (column: string) => {
    const i = index!.get(column);
    return i === undefined ? undefined : cells[i];
  };
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (index === undefined) {
        index = new Map(record.map((name, i) => [name.trim(), i]));
        const wanted = [spec.dateColumn, ...spec.numericColumns, ...(spec.seriesId ? [spec.seriesId] : [])];
        for (const name of wanted) {
          if (!index.has(name)) {
            throw new DataInvalidError(`column ${name} is not in the file (has: ${record.join(', ')})`, {
              column: name,
            });
          }
        }
        continue;
      }
      row++;
      cells = record;
      builder.push(get, row);
    }
  } catch (err) {
    if (err instanceof DataInvalidError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new DataInvalidError(`file ${path} does not exist`, {}, err);
    throw new DataInvalidError(
      `CSV ${path} cannot be parsed: ${(err as Error).message}`,
      { row: row + 1 },
      err,
    );
  }
  if (index === undefined) throw new DataInvalidError(`CSV ${path} is empty (no header row)`);
  return builder.build();
}

/** Build a {@link Frame} from an array of records (objects keyed by column), e.g. a JSON request body. */
export function fromRecords(records: readonly Record<string, unknown>[], spec: ColumnSpec): Frame {
  const builder = new FrameBuilder(spec);
  const optional = new Set(spec.optionalColumns ?? []);
  const wanted = [spec.dateColumn, ...spec.numericColumns, ...(spec.seriesId ? [spec.seriesId] : [])].filter(
    (name) => !optional.has(name),
  );
  records.forEach((record, i) => {
    for (const name of wanted) {
      if (!(name in record))
        throw new DataInvalidError(`record has no field ${name}`, { row: i + 1, column: name });
    }
    builder.push((column) => record[column], i + 1);
  });
  return builder.build();
}

/**
 * The `records` of a request: rows of JSON scalars keyed by column. Validated by one pass over the cells
 * instead of a zod union per cell: on a typical /predict body that is ~20× cheaper, and it was the largest
 * single cost of a request. `RecordSchema` (plain zod) stays the documented shape: the OpenAPI document
 * shows it, and a test keeps the fast check and it in agreement.
 */
import { z } from 'zod';

/** Longest column name or string cell accepted. */
export const MAX_CELL_LENGTH = 256;

/** A cell of a record: the JSON scalars a CSV row can hold. */
export const CellSchema = z.union([z.string().max(MAX_CELL_LENGTH), z.number(), z.boolean(), z.null()]);
export type Cell = z.output<typeof CellSchema>;

/** One row of input data, keyed by column (timestamp, targets, covariates, optional series id). */
export const RecordSchema = z.record(z.string().max(MAX_CELL_LENGTH), CellSchema);
export type InputRecord = z.output<typeof RecordSchema>;

const CELL_MESSAGE = `expected a string of at most ${MAX_CELL_LENGTH} characters, a finite number, a boolean or null`;
const KEY_MESSAGE = `column names have at most ${MAX_CELL_LENGTH} characters`;

function isPlainObject(value: unknown): value is InputRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// The first problem of one record, as [key, message], or undefined when it is valid.
function recordProblem(row: InputRecord): [string, string] | undefined {
  for (const key in row) {
    if (key.length > MAX_CELL_LENGTH) return [key, KEY_MESSAGE];
    const cell = row[key];
    const type = typeof cell;
    if (type === 'number') {
      // JSON has no NaN or Infinity, but 1e400 parses to Infinity; zod's number() refuses both.
      if (!Number.isFinite(cell)) return [key, CELL_MESSAGE];
    } else if (type === 'string') {
      if ((cell as string).length > MAX_CELL_LENGTH) return [key, CELL_MESSAGE];
    } else if (type !== 'boolean' && cell !== null) return [key, CELL_MESSAGE];
  }
  return undefined;
}

/** True when `value` is a record {@link RecordSchema} accepts (the fast check). */
export function isInputRecord(value: unknown): value is InputRecord {
  return isPlainObject(value) && recordProblem(value) === undefined;
}

/** The request's `records`: at least one; each cell checked in one pass; documented as `RecordSchema[]`. */
export const RecordsSchema = z
  .array(z.custom<InputRecord>(isPlainObject, 'expected an object of column → value'))
  .min(1)
  .check((ctx) => {
    const rows = ctx.value;
    for (let i = 0; i < rows.length; i++) {
      const problem = recordProblem(rows[i]!);
      if (problem === undefined) continue;
      ctx.issues.push({
        code: 'custom',
        message: problem[1],
        input: rows[i]![problem[0]],
        path: [i, problem[0]],
      });
      // One issue is enough to answer 400; walking a 100k-row body for more would only cost time.
      return;
    }
  })
  .meta({ items: documentedRecord() });

function documentedRecord(): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(RecordSchema) as Record<string, unknown>;
  return schema;
}

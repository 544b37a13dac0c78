// A performance request as actual/forecast pairs: from `[n][h][t]` cubes or from records, shape-checked.
import { type ForecastValues, MonitorLengthMismatchError, tableFromRecords } from '@twiga/monitor';
import type { z } from 'zod';
import type { ForecastsSchema, RecordTargetSchema } from './monitor-schemas.js';

/** Flatten `[n][h][t]` into a typed array, checking the cube is rectangular and has `targets` columns. */
export function flatten(
  cube: (number | null)[][][],
  field: string,
  shape?: readonly [number, number, number],
) {
  const n = cube.length;
  const h = cube[0]?.length ?? 0;
  const t = cube[0]?.[0]?.length ?? 0;
  const want = shape ?? ([n, h, t] as const);
  const out = new Float64Array(want[0] * want[1] * want[2]);
  const mismatch = (what: string, expected: number, actual: number) =>
    new MonitorLengthMismatchError(`${field}: ${what} is ${actual}, expected ${expected}`, {
      column: field,
      expected,
      actual,
    });
  if (n !== want[0]) throw mismatch('the number of windows', want[0], n);
  let k = 0;
  for (const steps of cube) {
    if (steps.length !== want[1]) throw mismatch('a window length', want[1], steps.length);
    for (const cells of steps) {
      if (cells.length !== want[2]) throw mismatch('a step width', want[2], cells.length);
      for (const v of cells) out[k++] = v ?? Number.NaN;
    }
  }
  return { values: out, shape: want };
}

/** Actuals and forecasts from the request's cubes. */
export function pairFromCubes(
  actualsCube: (number | null)[][][],
  f: z.output<typeof ForecastsSchema>,
  targets: readonly string[],
  prefix = '',
): { actuals: Float64Array; forecasts: ForecastValues } {
  const loc = flatten(f.predictions, `${prefix}forecasts.predictions`);
  if (loc.shape[2] !== targets.length && loc.shape[0] > 0)
    throw new MonitorLengthMismatchError(
      `${prefix}forecasts.predictions has ${loc.shape[2]} targets, expected ${targets.length}`,
      {
        column: `${prefix}forecasts.predictions`,
        expected: targets.length,
        actual: loc.shape[2],
      },
    );
  const actuals = flatten(actualsCube, `${prefix}actuals`, loc.shape).values;
  const [n, H] = loc.shape;
  let timestamps: Float64Array | undefined;
  if (f.timestamps) {
    timestamps = new Float64Array(n * H);
    if (f.timestamps.length !== n)
      throw new MonitorLengthMismatchError(
        `${prefix}forecasts.timestamps has ${f.timestamps.length} windows, expected ${n}`,
        {
          column: `${prefix}forecasts.timestamps`,
          expected: n,
          actual: f.timestamps.length,
        },
      );
    f.timestamps.forEach((row, i) => {
      if (row.length !== H)
        throw new MonitorLengthMismatchError(
          `${prefix}forecasts.timestamps[${i}] has ${row.length} steps, expected ${H}`,
          {
            column: `${prefix}forecasts.timestamps`,
            expected: H,
            actual: row.length,
          },
        );
      row.forEach((ts, h) => {
        timestamps![i * H + h] = Date.parse(ts);
      });
    });
  }
  return {
    actuals,
    forecasts: {
      shape: loc.shape,
      loc: loc.values,
      lower: f.lower ? flatten(f.lower, `${prefix}forecasts.lower`, loc.shape).values : undefined,
      upper: f.upper ? flatten(f.upper, `${prefix}forecasts.upper`, loc.shape).values : undefined,
      targets,
      timestamps,
    },
  };
}

/** Actuals and forecasts from records: one window of `records.length` steps. */
export function pairFromRecords(
  records: readonly Readonly<Record<string, unknown>>[],
  specs: readonly z.output<typeof RecordTargetSchema>[],
  timestampColumn: string | undefined,
): { actuals: Float64Array; forecasts: ForecastValues } {
  const fields = specs.flatMap((s) => [
    s.actual,
    s.forecast,
    ...(s.lower ? [s.lower] : []),
    ...(s.upper ? [s.upper] : []),
  ]);
  const table = tableFromRecords(records, {
    columns: fields,
    kinds: Object.fromEntries(fields.map((f) => [f, 'numeric' as const])),
  });
  const col = (name: string): Float64Array => {
    const values = table.numeric[name];
    if (values === undefined)
      throw new MonitorLengthMismatchError(`records carry no field ${name}`, {
        column: name,
        expected: records.length,
        actual: 0,
      });
    return values;
  };
  const H = records.length;
  const T = specs.length;
  const interleave = (pick: (s: (typeof specs)[number]) => string | undefined) => {
    if (specs.some((s) => pick(s) === undefined)) return undefined;
    const out = new Float64Array(H * T);
    specs.forEach((s, t) => {
      const values = col(pick(s)!);
      for (let h = 0; h < H; h++) out[h * T + t] = values[h]!;
    });
    return out;
  };
  let timestamps: Float64Array | undefined;
  if (timestampColumn !== undefined && records.every((r) => r[timestampColumn] !== undefined)) {
    timestamps = Float64Array.from(records, (r) => Date.parse(String(r[timestampColumn])));
  }
  return {
    actuals: interleave((s) => s.actual)!,
    forecasts: {
      shape: [1, H, T],
      loc: interleave((s) => s.forecast)!,
      lower: interleave((s) => s.lower),
      upper: interleave((s) => s.upper),
      targets: specs.map((s) => s.actual),
      timestamps,
    },
  };
}

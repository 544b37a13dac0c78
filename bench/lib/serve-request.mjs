/**
 * The `/predict` body of `pnpm bench:serve`: what a client of a served checkpoint sends day to day, only
 * its newest rows. The checkpoint stores the tail of the training data (which ends where the bundled
 * file ends) and the server prepends it (`prepare_test_data`, the default), so the body is the last
 * {@link NEWEST_ROWS} rows of the file with their Demand, plus {@link HORIZON} future rows continuing
 * right after the file, carrying the known-ahead covariates and `Demand: null`.
 */
import { readFile } from 'node:fs/promises';
import { BUNDLED_DATA, HORIZON } from './predict-request.mjs';

/** Rows of recent history the body carries (two days): the server supplies the rest from its tail. */
export const NEWEST_ROWS = 96;

/** The bundled file's rows as `{ Time (ISO, UTC), Demand, Temperature, Holiday }`, in file order. */
export async function bundledRows() {
  const lines = (await readFile(BUNDLED_DATA, 'utf8')).trimEnd().split('\n');
  const header = lines[0].split(',');
  const col = Object.fromEntries(header.map((name, i) => [name.trim(), i]));
  // The CSV has no quoted fields, so splitting on commas is exact for this file.
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return {
      Time: new Date(cells[col.Time].trim().replace(' ', 'T')).toISOString(),
      Demand: Number(cells[col.Demand]),
      Temperature: Number(cells[col.Temperature]),
      Holiday: cells[col.Holiday].trim() === 'True',
    };
  });
}

/**
 * The newest-rows request as records: {@link NEWEST_ROWS} history rows, then {@link HORIZON} future rows
 * one period apart after the last, with Temperature copied from the same half-hour of the day before
 * (a naive weather forecast) and Holiday false.
 */
export function newestRowsRecords(rows, { newest = NEWEST_ROWS, horizon = HORIZON } = {}) {
  const history = rows.slice(-newest);
  const last = Date.parse(history.at(-1).Time);
  const period = last - Date.parse(history.at(-2).Time);
  const dayBefore = rows.slice(-horizon);
  const future = dayBefore.map((r, i) => ({
    Time: new Date(last + (i + 1) * period).toISOString(),
    Demand: null,
    Temperature: r.Temperature,
    Holiday: false,
  }));
  return [...history, ...future];
}

/** JSON body for `POST /predict`: {@link newestRowsRecords} and nothing else (no ensemble). */
export async function newestRowsBody() {
  return JSON.stringify({ records: newestRowsRecords(await bundledRows()) });
}

/**
 * {@link newestRowsBody} in `count` variants: each request of a load run carries its own rows, as
 * different clients' requests do. Every history Demand is scaled by a factor in [0.97, 1.03] and every
 * Temperature shifted by up to ±2 °C, deterministically per variant; timestamps are unchanged, so each
 * variant still continues the checkpoint's tail.
 */
export async function newestRowsVariants(count = 64) {
  const records = newestRowsRecords(await bundledRows());
  return Array.from({ length: count }, (_, v) => {
    const scale = 0.97 + (0.06 * v) / Math.max(1, count - 1);
    const shift = -2 + (4 * ((v * 37) % count)) / Math.max(1, count - 1);
    return JSON.stringify({
      records: records.map((r) => ({
        ...r,
        Demand: r.Demand === null ? null : Math.round(r.Demand * scale * 100) / 100,
        Temperature: Math.round((r.Temperature + shift) * 100) / 100,
      })),
    });
  });
}

/**
 * Check that the server forecasts the body's future rows (its first forecast step is the first row with
 * `Demand: null`), not some other window: the newest rows must continue the checkpoint's tail.
 */
export async function checkForecastStart(url, body) {
  const first = JSON.parse(body).records.find((r) => r.Demand === null).Time;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const answer = await response.json();
  const start = answer.timestamps?.[0]?.[0];
  if (response.status !== 200 || start !== first)
    throw new Error(`POST ${url} forecast from ${start} (status ${response.status}), expected ${first}`);
  return start;
}

/** The `/predict` body the benchmark sends: the same request `twiga demo` makes, built from the bundled CSV. */
import { readFile } from 'node:fs/promises';

/** The bundled dataset (see data/README.md). */
export const BUNDLED_DATA = new URL('../../data/vic_elec.csv', import.meta.url);

/**
 * Rows of history the default training config needs: its longest lag (336 half-hours, one week), which
 * exceeds the 96-row lookback and the 48-row rolling window. Kept in step with DEFAULT_TRAIN_CONFIG in
 * apps/runner/src/train-config.ts; the benchmark checks one answer before loading the server.
 */
export const HISTORY_ROWS = 336;
/** Forecast horizon of the default training config: one day of half-hours. */
export const HORIZON = 48;

/**
 * JSON body for `POST /predict`: the last {@link HISTORY_ROWS} rows of the data as history plus the last
 * {@link HORIZON} rows with Demand withheld (null), and a weighted-mean ensemble, as `twiga demo` asks.
 * The CSV has no quoted fields, so splitting lines on commas is exact for this file.
 */
export async function predictBody() {
  const lines = (await readFile(BUNDLED_DATA, 'utf8')).trimEnd().split('\n');
  const header = lines[0].split(',');
  const col = Object.fromEntries(header.map((name, i) => [name.trim(), i]));
  const rows = lines.slice(-(HISTORY_ROWS + HORIZON));
  const records = rows.map((line, i) => {
    const cells = line.split(',');
    const future = i >= HISTORY_ROWS;
    return {
      Time: new Date(cells[col.Time].trim().replace(' ', 'T')).toISOString(),
      Demand: future ? null : Number(cells[col.Demand]),
      Temperature: Number(cells[col.Temperature]),
      Holiday: cells[col.Holiday].trim() === 'True',
    };
  });
  return JSON.stringify({ records, ensemble_strategy: 'weighted_mean' });
}

/**
 * Send the body once and check the answer is a real forecast (200, the expected horizon) before loading the
 * server with it, so the benchmark never measures a fast error path. Returns the models, answer size, time.
 */
export async function checkPredict(url, body, horizon) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200)
    throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  const answer = JSON.parse(text);
  if (answer.forecast_horizon !== horizon) {
    throw new Error(`POST ${url} forecast ${answer.forecast_horizon} steps, expected ${horizon}`);
  }
  return { models: answer.forecasts.map((f) => f.model), bytes: Buffer.byteLength(text), ms };
}

import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { historyRowsNeeded, readCsv, TwigaForecaster } from '@twiga/forecaster';
import { table } from '../format.js';
import { BUNDLED_DATA, loadTrainConfig } from '../train-config.js';
import { startServer } from './serve.js';
import { train } from './train.js';

/** Options of {@link demo}. */
export interface DemoOptions {
  checkpointDir?: string;
}

/**
 * The Quickstart's main job end to end, with real parts: train on the bundled data and save a checkpoint,
 * start the server process, ask it over HTTP for a forecast of the last day of the data (history plus
 * that day's temperature, demand withheld), print it beside what actually happened, stop the server.
 */
export async function demo(options: DemoOptions, log: (line: string) => void): Promise<void> {
  const outcome = await train(
    { ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}) },
    log,
  );
  log('\nstarting the server ...');
  const server = startServer({
    checkpointDir: outcome.checkpointDir,
    port: '0',
    stdio: 'pipe',
    env: { TWIGA_LOG_LEVEL: 'info' },
  });
  try {
    const url = await listeningAddress(server);
    const health = (await (await fetch(`${url}/health`)).json()) as {
      status: string;
      checkpoint: { version: number };
    };
    log(`server at ${url}: health ${health.status}, serving checkpoint version ${health.checkpoint.version}`);

    const { records, actual } = await lastDayRequest();
    const response = await fetch(`${url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ records, ensemble_strategy: 'weighted_mean' }),
    });
    const body = (await response.json()) as {
      forecasts: { model: string; predictions: number[][][]; inference_time: number }[];
      timestamps: string[][];
    };
    if (!response.ok) throw new Error(`POST /predict answered ${response.status}: ${JSON.stringify(body)}`);
    log(
      `\nPOST /predict → ${response.status}: forecast of Demand (MW) for the next ${body.timestamps[0]!.length} half-hours`,
    );
    const models = body.forecasts.map((f) => f.model);
    const rows = body.timestamps[0]!.flatMap((ts, h) =>
      h % 4 === 0
        ? [[ts, ...body.forecasts.map((f) => f.predictions[0]![h]![0]!.toFixed(0)), actual[h]!.toFixed(0)]]
        : [],
    );
    log(table(['time (UTC)', ...models, 'actual'], rows));
    log(`(every 4th step shown; inference ${(body.forecasts[0]!.inference_time * 1000).toFixed(1)} ms)`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    log('server stopped');
  }
}

/** Wait for the server's "listening" log line and return its base URL. */
function listeningAddress(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: server.stdout! });
    const errors: string[] = [];
    server.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
    lines.on('line', (line) => {
      process.env.TWIGA_DEMO_VERBOSE && process.stderr.write(`${line}\n`);
      try {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg === 'twiga server listening' && entry.address) resolve(entry.address);
      } catch {
        // not a log line
      }
    });
    server.once('exit', (code) => reject(new Error(`server exited with code ${code}: ${errors.join('')}`)));
  });
}

/** The last history + one day of the bundled data, with the day's demand withheld (kept as `actual`). */
async function lastDayRequest(): Promise<{ records: Record<string, unknown>[]; actual: number[] }> {
  const { data, models } = await loadTrainConfig(undefined);
  const forecaster = TwigaForecaster.create({ data, models });
  const frame = await readCsv(BUNDLED_DATA, forecaster.columnSpec());
  const H = forecaster.config.forecastHorizon;
  const start = frame.length - H - historyRowsNeeded(forecaster.config);
  const records: Record<string, unknown>[] = [];
  const actual: number[] = [];
  for (let i = start; i < frame.length; i++) {
    const future = i >= frame.length - H;
    const demand = frame.columns.Demand![i]!;
    if (future) actual.push(demand);
    records.push({
      Time: new Date(frame.timestamps[i]!).toISOString(),
      Demand: future ? null : demand,
      Temperature: frame.columns.Temperature![i]!,
      Holiday: frame.columns.Holiday![i]!,
    });
  }
  return { records, actual };
}

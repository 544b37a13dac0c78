import {
  type BacktestFoldsInput,
  type BacktestResult,
  readCsv,
  backtest as runBacktest,
  TwigaForecaster,
} from '@twiga/forecaster';
import { table } from '../format.js';
import { progressReporter } from '../progress.js';
import { BUNDLED_DATA, loadTrainConfig } from '../train-config.js';

/** Options of {@link backtestCommand}: the training config and data, plus the folds. */
export interface BacktestCommandOptions {
  data?: string;
  config?: string;
  folds: BacktestFoldsInput;
  json?: boolean;
}

/** `twiga backtest`: time-based cross-validation of every configured model; a row per fold and a summary. */
// Folds as a progress step: a bar on a terminal, a line per quarter otherwise.
function foldProgress(): (done: number, total: number) => void {
  const report = progressReporter();
  return (done, total) => report({ model: 'backtest folds', done, total });
}

export async function backtestCommand(
  options: BacktestCommandOptions,
  log: (line: string) => void,
): Promise<BacktestResult> {
  const config = await loadTrainConfig(options.config);
  const spec = { data: config.data, models: config.models, cqr: config.cqr };
  const frame = await readCsv(options.data ?? BUNDLED_DATA, TwigaForecaster.create(spec).columnSpec());
  const result = await runBacktest(spec, frame, options.folds, {
    alpha: 0.1,
    ...(options.json ? {} : { onFold: foldProgress() }),
  });
  if (!options.json) {
    const models = Object.keys(result.summary);
    const rows = result.folds.map((f) => [
      String(f.index + 1),
      new Date(f.train.end).toISOString().slice(0, 16),
      `${new Date(f.test.start).toISOString().slice(0, 16)} → ${new Date(f.test.end).toISOString().slice(0, 16)}`,
      ...models.map((m) => f.report.models[m]!.overall.mae.toFixed(2)),
    ]);
    log(table(['fold', 'train until', 'test', ...models.map((m) => `MAE ${m}`)], rows));
    log('');
    log(
      table(
        ['model', 'MAE mean', 'MAE std', 'MASE mean', 'RMSE mean'],
        models.map((m) => {
          const s = result.summary[m]!;
          return [
            m,
            s.mae.mean.toFixed(2),
            s.mae.std.toFixed(2),
            s.mase.mean.toFixed(3),
            s.rmse.mean.toFixed(2),
          ];
        }),
      ),
    );
  }
  return result;
}

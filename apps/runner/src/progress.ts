import type { FitProgress } from '@twiga/forecaster';

/**
 * Progress of long steps (boosting rounds per model, backtest folds, checkpoint uploads): a redrawn bar
 * when standard error is a terminal, otherwise a plain line at each quarter of each step, so logs stay
 * readable in CI and files. Each step (`model` label) is timed and counted from its first report.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (p: FitProgress) => void {
  let step: string | undefined;
  let started = Date.now();
  let lastQuarter = -1;
  return ({ model, done, total }) => {
    if (model !== step) {
      step = model;
      started = Date.now();
      lastQuarter = -1;
    }
    const fraction = total === 0 ? 1 : done / total;
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      stream.write(
        `\r${model} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${seconds}s`,
      );
      if (done === total) stream.write('\n');
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter !== lastQuarter) {
      lastQuarter = quarter;
      stream.write(`${model}: ${done}/${total} (${Math.round(fraction * 100)}%) after ${seconds}s\n`);
    }
  };
}

#!/usr/bin/env node
/** The `twiga` command line: train, retrain, runner, serve, checkpoints, runs, demo. Exit codes: 0 ok, 1 failed, 2 bad input, 3 retrain kept the champion. */
import { isTwigaError } from '@twiga/core';
import { Command, InvalidArgumentError } from 'commander';
import { backtestCommand } from './commands/backtest.js';
import { listCheckpoints, rollbackCheckpoint } from './commands/checkpoints.js';
import { demo } from './commands/demo.js';
import { retrain } from './commands/retrain.js';
import { runnerCommand } from './commands/runner.js';
import { listRuns, showRun, syncRunsCommand } from './commands/runs.js';
import { serve } from './commands/serve.js';
import { train } from './commands/train.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

const program = new Command('twiga')
  .description('Twiga-TS: train, checkpoint and serve time-series forecasters')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command('train')
  .description(
    'train on a CSV (default: the bundled vic_elec data), print metrics vs seasonal naive, save a checkpoint',
  )
  .option('--data <file>', 'CSV file to train on')
  .option('--config <file>', 'training config (JSON or YAML): { data, models, split }')
  .option('--checkpoint-dir <dir>', 'checkpoint directory (TWIGA_MODEL_CHECKPOINT_DIR)')
  .option(
    '--register <name>',
    'register the checkpoint in the MLflow model registry and point @champion at it',
  )
  .option('--no-progress', 'no progress output for long steps')
  .option('--json', 'print one JSON object instead of tables')
  .action(
    async (opts: {
      data?: string;
      config?: string;
      checkpointDir?: string;
      register?: string;
      progress: boolean;
      json?: boolean;
    }) => {
      const outcome = await train(opts, opts.json ? () => {} : log);
      if (opts.json) log(JSON.stringify(outcome));
    },
  );

program
  .command('retrain')
  .description(
    'drift check against the current checkpoint; on drift (or --force) fit a challenger, promote it only if it beats the champion on the same holdout, reload servers. Exit 0 promoted, 3 champion kept',
  )
  .option('--force', 'retrain even without drift')
  .option('--data <file>', 'CSV with the current data (default: the bundled vic_elec data)')
  .option('--config <file>', "challenger config (JSON or YAML); default: the champion's")
  .option('--checkpoint-dir <dir>', 'checkpoint directory (TWIGA_MODEL_CHECKPOINT_DIR)')
  .option(
    '--server <url...>',
    'server base URL to POST /reload after a promotion (repeatable; X-API-Key from TWIGA_SERVE_API_KEY)',
  )
  .option('--register <name>', 'register a promoted checkpoint in MLflow and move @champion to it')
  .option(
    '--metric <metric>',
    'metric of the primary model that decides (mae, rmse, wmape, smape, mase)',
    'mae',
  )
  .option('--min-improvement <fraction>', 'relative margin the challenger must win by', Number, 0.01)
  .option('--no-progress', 'no progress output for long steps')
  .option('--json', 'print one JSON object (the RetrainingResult)')
  .action(
    async (opts: {
      force?: boolean;
      data?: string;
      config?: string;
      checkpointDir?: string;
      server?: string[];
      register?: string;
      metric: 'mae' | 'rmse' | 'wmape' | 'smape' | 'mase';
      minImprovement: number;
      progress: boolean;
      json?: boolean;
    }) => {
      const { result, exitCode } = await retrain(opts, opts.json ? () => {} : log);
      if (opts.json) log(JSON.stringify(result));
      process.exitCode = exitCode;
    },
  );

program
  .command('runner')
  .description(
    'run training and retraining on cron schedules (in-process, one run per model at a time) until SIGTERM',
  )
  .requiredOption('--config <file>', 'schedules file (YAML or JSON), see docs/pipeline.md')
  .action(async (opts: { config: string }) => runnerCommand(opts));

program
  .command('backtest')
  .description('time-based cross-validation: fit on each training window, score the following test window')
  .option('--data <file>', 'CSV file (default: the bundled vic_elec data)')
  .option('--config <file>', 'training config (JSON or YAML): { data, models }')
  .requiredOption(
    '--train-size <steps>',
    'steps in the first (expanding) or every (rolling) training window',
    integer,
  )
  .requiredOption('--test-size <steps>', 'steps forecast in each fold', integer)
  .option('--mode <mode>', 'expanding or rolling', 'expanding')
  .option('--gap <steps>', 'steps skipped between training and test', nonNegative, 0)
  .option('--stride <steps>', 'steps between fold starts (default: test size)', integer)
  .option(
    '--validation-size <steps>',
    'steps held out of each training window for calibration',
    nonNegative,
    0,
  )
  .option('--max-folds <n>', 'at most this many folds', integer)
  .option('--json', 'print one JSON object')
  .action(
    async (opts: {
      data?: string;
      config?: string;
      trainSize: number;
      testSize: number;
      mode: 'expanding' | 'rolling';
      gap: number;
      stride?: number;
      validationSize: number;
      maxFolds?: number;
      json?: boolean;
    }) => {
      const { trainSize, testSize, mode, gap, stride, validationSize, maxFolds } = opts;
      const folds = {
        trainSize,
        testSize,
        mode,
        gap,
        validationSize,
        ...(stride === undefined ? {} : { stride }),
        ...(maxFolds === undefined ? {} : { maxFolds }),
      };
      const result = await backtestCommand(
        {
          folds,
          ...(opts.data ? { data: opts.data } : {}),
          ...(opts.config ? { config: opts.config } : {}),
          json: opts.json ?? false,
        },
        log,
      );
      if (opts.json)
        log(
          JSON.stringify({
            folds: result.folds.map(({ report, ...f }) => ({ ...f, models: report.models })),
            summary: result.summary,
          }),
        );
    },
  );

program
  .command('serve')
  .description('serve the current checkpoint over HTTP')
  .option('--checkpoint-dir <dir>', 'checkpoint directory (TWIGA_MODEL_CHECKPOINT_DIR)')
  .option('--port <n>', 'port (TWIGA_SERVE_PORT)')
  .option('--host <host>', 'interface (TWIGA_SERVE_HOST)')
  .action(async (opts: { checkpointDir?: string; port?: string; host?: string }) => {
    process.exitCode = await serve(opts);
  });

const checkpoints = program
  .command('checkpoints')
  .description('list checkpoint versions or roll back to one');
checkpoints
  .command('list')
  .description('list versions, the current one marked *')
  .option('--checkpoint-dir <dir>', 'checkpoint directory')
  .option('--json', 'print JSON')
  .action(async (opts: { checkpointDir?: string; json?: boolean }) =>
    listCheckpoints(opts.checkpointDir, log, opts.json),
  );
checkpoints
  .command('rollback')
  .description('make an earlier version current (then POST /reload)')
  .requiredOption('--to <version>', 'version number', integer)
  .option('--checkpoint-dir <dir>', 'checkpoint directory')
  .action(async (opts: { to: number; checkpointDir?: string }) =>
    rollbackCheckpoint(opts.checkpointDir, opts.to, log),
  );

const runs = program
  .command('runs')
  .description('tracked runs in the local store (TWIGA_MLFLOW_LOCAL_STORE): list, show, sync to MLflow');
runs
  .command('list')
  .description('list runs, oldest first, with their sync state (local, pending, synced)')
  .option('--dir <dir>', 'local run store (TWIGA_MLFLOW_LOCAL_STORE)')
  .option('--json', 'print JSON')
  .action(async (opts: { dir?: string; json?: boolean }) => listRuns(opts, log));
runs
  .command('show')
  .description('show one run: params, latest metrics, tags, inputs, artifacts, models')
  .argument('<id>', 'run id or a unique prefix of one (at least 4 characters)')
  .option('--dir <dir>', 'local run store (TWIGA_MLFLOW_LOCAL_STORE)')
  .option('--json', 'print the run record as JSON')
  .action(async (id: string, opts: { dir?: string; json?: boolean }) => showRun(id, opts, log));
runs
  .command('sync')
  .description('replay runs not yet on the MLflow server, idempotently (a second sync changes nothing)')
  .option('--to <uri>', 'MLflow tracking URI (default TWIGA_MLFLOW_TRACKING_URI)')
  .option('--dir <dir>', 'local run store (TWIGA_MLFLOW_LOCAL_STORE)')
  .option('--include-running', 'also replay runs still RUNNING (e.g. left so by a crash)')
  .option('--json', 'print JSON')
  .action(async (opts: { to?: string; dir?: string; includeRunning?: boolean; json?: boolean }) => {
    process.exitCode = await syncRunsCommand(opts, log);
  });

program
  .command('demo')
  .description('train on the bundled data, start the server, print one forecast from it, stop')
  .option('--checkpoint-dir <dir>', 'checkpoint directory')
  .action(async (opts: { checkpointDir?: string }) => demo(opts, log));

program.parseAsync().catch((err: unknown) => {
  if (isTwigaError(err)) {
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

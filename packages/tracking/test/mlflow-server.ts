import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real MLflow tracking server for tests: `python3 -m mlflow server` on 127.0.0.1 and a free port, with a
 * sqlite backend and a local artifacts destination in a temp dir. Install it with
 * `bash scripts/ci/mlflow.sh`. Suites skip when mlflow is missing, unless `TWIGA_REQUIRE_MLFLOW=1`.
 */

const PYTHON = process.env.TWIGA_TEST_PYTHON ?? 'python3';

/** The importable mlflow's version when it fits `>=3.7,<4`, else undefined. */
function detectMlflow(): string | undefined {
  const probe = spawnSync(
    PYTHON,
    [
      '-c',
      'import mlflow,sys; v=mlflow.__version__; p=[int(x) for x in v.split(".")[:2]]; print(v); sys.exit(0 if (p[0],p[1])>=(3,7) and p[0]<4 else 3)',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** The mlflow version found, or undefined. */
export const MLFLOW_VERSION = detectMlflow();
/** True when CI demands a real server (`TWIGA_REQUIRE_MLFLOW=1`): a missing mlflow fails instead of skipping. */
export const MLFLOW_REQUIRED = process.env.TWIGA_REQUIRE_MLFLOW === '1';
/** Skip MLflow suites: mlflow is not installed and not required. */
export const SKIP_MLFLOW = MLFLOW_VERSION === undefined && !MLFLOW_REQUIRED;

if (SKIP_MLFLOW)
  console.warn(
    '[twiga] skipping tests against a real MLflow server: python3 cannot import mlflow>=3.7,<4. ' +
      'Install it with `bash scripts/ci/mlflow.sh`; set TWIGA_REQUIRE_MLFLOW=1 to make this a failure.',
  );

/** A running (or stopped) MLflow server. */
export interface MlflowServer {
  /** `http://127.0.0.1:<port>`. */
  readonly uri: string;
  readonly port: number;
  /** Temp dir holding `mlflow.db` and `artifacts/`. */
  readonly dir: string;
  /** Stop the server (its whole process group); the data stays. */
  stop(): Promise<void>;
  /** Start it again on the same port, database and artifacts. */
  start(): Promise<void>;
  /** Stop it and remove its data. */
  destroy(): Promise<void>;
}

/** Start an MLflow server and wait until `/health` answers. */
export async function startMlflowServer(): Promise<MlflowServer> {
  if (MLFLOW_VERSION === undefined)
    throw new Error(
      'TWIGA_REQUIRE_MLFLOW=1 but python3 cannot import mlflow>=3.7,<4: run `bash scripts/ci/mlflow.sh` first',
    );
  const dir = await mkdtemp(join(tmpdir(), 'twiga-mlflow-'));
  const port = await freePort();
  const uri = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    output = '';
    child = spawn(
      PYTHON,
      [
        '-m',
        'mlflow',
        'server',
        '--backend-store-uri',
        `sqlite:///${join(dir, 'mlflow.db')}`,
        '--artifacts-destination',
        join(dir, 'artifacts'),
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--workers',
        '1',
      ],
      {
        // Its own process group, so stop() ends uvicorn's workers too.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        // The job runner (GenAI scorers) adds seconds of start-up and a dozen processes the tests never use.
        env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false', PYTHONUNBUFFERED: '1' },
      },
    );
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mlflow server exited with ${child.exitCode}:\n${output}`);
      const ok = await fetch(`${uri}/health`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`mlflow server did not answer /health in 90 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };

  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.pid === undefined) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    killGroup(c.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(c.pid!, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    killGroup(c.pid, 'SIGKILL'); // any worker left behind
    await waitPortFree(port);
  };

  await start();
  return {
    uri,
    port,
    dir,
    stop,
    start,
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitPortFree(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Running the `twiga` CLI from its TypeScript sources in the runner's tests, as a separate process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
// tsx's loader by absolute URL, so it resolves whatever the working directory is.
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** Node's arguments for the CLI from source (tsx, workspace packages resolved to their sources), then `args`. */
export function cliArgs(args: readonly string[]): string[] {
  return ['--import', TSX, '--conditions', 'source', CLI, ...args];
}

/** What one CLI run printed, and its exit code. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in `cwd` with `env` (logs silenced) and wait for it; a non-zero exit is returned, not thrown. */
export async function twiga(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, cliArgs(args), {
      cwd,
      env: { ...env, TWIGA_LOG_LEVEL: 'silent' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as CliResult;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

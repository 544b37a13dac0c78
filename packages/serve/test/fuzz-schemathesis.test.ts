import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningServer,
  serverBuilt,
  startServerProcess,
} from '../../../apps/server/test/server-process.js';
import { saveFullCheckpoint } from './fixtures.js';

/**
 * Schemathesis (PyPI) against the real server process: it reads `/openapi.json`, generates valid and
 * invalid requests for every operation (wrong types, unknown keys, odd methods, broken bodies) and sends
 * them with the API key. The run must find no 5xx, and every 4xx it provoked must carry `error.code`.
 * Install it with `bash scripts/ci/schemathesis.sh` (a venv under `${TMPDIR:-/tmp}`); without it the suite
 * skips, unless `TWIGA_REQUIRE_SCHEMATHESIS=1`.
 */

const VENV =
  process.env.TWIGA_SCHEMATHESIS_VENV ?? join(process.env.TMPDIR ?? tmpdir(), 'twiga-schemathesis-venv');
const BIN = join(VENV, 'bin', 'schemathesis');
const installed = existsSync(BIN);
const required = process.env.TWIGA_REQUIRE_SCHEMATHESIS === '1';
const API_KEY = 'fuzz-key-0123456789';
/** Seconds schemathesis may spend generating and sending; the whole suite stays under a minute. */
const MAX_TIME_S = 25;

if (!installed && !required) {
  console.warn(
    `fuzz-schemathesis: skipped, ${BIN} not found. Install it with \`bash scripts/ci/schemathesis.sh\`; ` +
      'set TWIGA_REQUIRE_SCHEMATHESIS=1 to make this a failure.',
  );
}
if (!serverBuilt && (installed || required)) {
  console.warn('fuzz-schemathesis: skipped, apps/server/dist/main.js is missing: run `pnpm build` first.');
}

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; content: { text?: string } };
}

/**
 * Run a command to completion in `cwd`; resolve with its exit code and the tail of its output. Schemathesis
 * keeps a `.schemathesis/` cache in its working directory, so it runs in the temp dir, not the repo.
 */
function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (c: Buffer) => {
      output = (output + c.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** `METHOD /path status` of each answer that breaks the contract: any 5xx, or a 4xx without `error.code`. */
function violations(entries: readonly HarEntry[]): string[] {
  const out: string[] = [];
  for (const { request, response } of entries) {
    const where = `${request.method} ${new URL(request.url).pathname} ${response.status}`;
    if (response.status >= 500) out.push(`${where}: ${response.content.text?.slice(0, 200)}`);
    else if (response.status >= 400) {
      let code: unknown;
      try {
        code = (JSON.parse(response.content.text ?? '') as { error?: { code?: unknown } }).error?.code;
      } catch {
        code = undefined;
      }
      if (typeof code !== 'string' || code === '')
        out.push(`${where} without error.code: ${response.content.text?.slice(0, 200)}`);
    }
  }
  return out;
}

describe.skipIf(!(installed || required) || !serverBuilt)('schemathesis against /openapi.json', () => {
  let dir: string;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    if (!installed)
      throw new Error(
        `TWIGA_REQUIRE_SCHEMATHESIS=1 but ${BIN} is missing: run \`bash scripts/ci/schemathesis.sh\` first`,
      );
    dir = await mkdtemp(join(tmpdir(), 'twiga-fuzz-'));
    await saveFullCheckpoint(join(dir, 'checkpoints'));
    server = await startServerProcess({
      TWIGA_MODEL_CHECKPOINT_DIR: join(dir, 'checkpoints'),
      TWIGA_SERVE_REPORT_DIR: join(dir, 'reports'),
      TWIGA_SERVE_API_KEY: API_KEY,
      TWIGA_SERVE_RATE_LIMIT: '0',
    });
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds no 5xx, and every 4xx names its error code', { timeout: 90_000 }, async () => {
    const har = join(dir, 'schemathesis.har');
    const { code, output } = await run(
      BIN,
      [
        'run',
        `${server!.url}/openapi.json`,
        '--header',
        `X-API-Key: ${API_KEY}`,
        '--checks',
        'not_a_server_error',
        '--max-examples',
        '50',
        '--max-time',
        String(MAX_TIME_S),
        '--request-timeout',
        '10',
        '--seed',
        '7',
        '--no-color',
        '--report',
        'har',
        '--report-har-path',
        har,
      ],
      dir,
    );
    expect(code, output).toBe(0);
    const entries = (JSON.parse(await readFile(har, 'utf8')) as { log: { entries: HarEntry[] } }).log.entries;
    // Every operation was reached many times, with valid and invalid input alike.
    expect(entries.length).toBeGreaterThan(200);
    const statuses = new Set(entries.map((e) => e.response.status));
    expect(statuses).toContain(200);
    expect(statuses).toContain(400);
    expect(violations(entries)).toEqual([]);
    expect(server!.child.exitCode).toBeNull();
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

// The YAML parser is a dependency of apps/runner, not of apps/server: load it from there.
const yaml = createRequire(join(ROOT, 'apps/runner/package.json'))('yaml') as {
  parse(source: string, options: { merge: boolean }): unknown;
};

/** One Dockerfile instruction, continuation lines joined and comments dropped. */
interface Instruction {
  keyword: string;
  args: string;
}

/** A build stage: its FROM image (ARGs substituted), its name, and its instructions. */
interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  // Docker drops comment lines (also inside a continued instruction) before joining continuations.
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*?)\s*$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const rest = match[2]!;
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=', 2) as [string, string?];
      args[name] = value;
    } else if (keyword === 'FROM') {
      const [image = '', as, name] = rest.split(/\s+/);
      const resolved = image.replace(/\$\{?(\w+)\}?/g, (_, v: string) => args[v] ?? '');
      stages.push({ image: resolved, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword, args: rest });
    }
  }
  return stages;
}

/** `ENV A=1 B=2` instructions of a stage as one record. */
function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ENV') continue;
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** The exec-form argv of a `CMD [...]` (also the one after `HEALTHCHECK ... CMD`). */
function execForm(args: string): string[] {
  const match = /(?:^|\bCMD\s+)(\[.*\])$/.exec(args);
  if (!match) throw new Error(`not an exec-form command: ${args}`);
  return JSON.parse(match[1]!) as string[];
}

const stages = parseDockerfile(read('Dockerfile'));
const runtime = stages.at(-1)!;
const last = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1);
const runtimeEnv = stageEnv(runtime);
const startCommand = execForm(last('CMD')?.args ?? '');
const healthCommand = execForm(last('HEALTHCHECK')?.args ?? '');

interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  ports?: (string | { target: number; published?: string | number })[];
  volumes?: (string | { source?: string; target: string })[];
  environment?: Record<string, string>;
  profiles?: string[];
  healthcheck?: unknown;
}
const compose = yaml.parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};

/** Container-side port of each `ports` entry. */
const containerPorts = (service: ComposeService) =>
  (service.ports ?? []).map((p) => (typeof p === 'string' ? Number(p.split(':').at(-1)) : p.target));
/** `source:target` of each `volumes` entry. */
const mounts = (service: ComposeService) =>
  (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source, target: v.target };
    const [source, target] = v.split(':');
    return { source, target };
  });
/** Where the service's process reads checkpoints: compose environment first, then the image's ENV. */
const checkpointDir = (service: ComposeService) =>
  service.environment?.TWIGA_MODEL_CHECKPOINT_DIR ?? runtimeEnv.TWIGA_MODEL_CHECKPOINT_DIR;

describe('Dockerfile', () => {
  it('is multi-stage on a pinned Node 20 image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const names = new Set(stages.map((s) => s.name));
    for (const stage of stages) {
      if (names.has(stage.image)) continue; // FROM an earlier stage
      expect(stage.image).toMatch(/^node:20\.\d+\.\d+-[a-z]+(-slim)?(@sha256:[0-9a-f]{64})?$/);
      expect(stage.image).not.toMatch(/latest/);
    }
  });

  it('keeps onnxruntime-node from downloading at install time', () => {
    expect(stageEnv(stages[0]!).ONNXRUNTIME_NODE_INSTALL).toBe('skip');
  });

  it('runs as a non-root user', () => {
    const user = last('USER')?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('listens on all interfaces at the exposed port and keeps checkpoints in the volume', () => {
    expect(runtimeEnv.TWIGA_SERVE_HOST).toBe('0.0.0.0');
    expect(last('EXPOSE')?.args.split(/\s+/)).toContain(runtimeEnv.TWIGA_SERVE_PORT ?? '8000');
    expect(runtimeEnv.TWIGA_MODEL_CHECKPOINT_DIR).toBe('/data/checkpoints');
    const volumes = runtime.instructions
      .filter((i) => i.keyword === 'VOLUME')
      .flatMap((i) => i.args.split(/\s+/));
    expect(volumes).toContain(runtimeEnv.TWIGA_MODEL_CHECKPOINT_DIR);
  });

  it('checks health on /health with node (slim images have no curl)', () => {
    expect(healthCommand[0]).toBe('node');
    expect(healthCommand.join(' ')).toContain('/health');
  });

  it('starts the server, and the CLI finds its bundled data where the image puts it', () => {
    expect(startCommand).toEqual(['node', 'apps/server/dist/main.js']);
    const workdir = last('WORKDIR')?.args ?? '/';
    // apps/runner/src/train-config.ts resolves the bundled data as ../../../data/vic_elec.csv from dist.
    expect(posix.resolve(workdir, 'apps/runner/dist', '../../../data/vic_elec.csv')).toBe(
      posix.join(workdir, 'data/vic_elec.csv'),
    );
  });

  it('.dockerignore keeps local installs and secrets out but not the bundled data', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.env']));
    expect(ignored.filter((p) => /^(\*\*\/)?data\b|\.csv$/.test(p))).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  const { server, train } = compose.services;

  it('server maps port 8000 and mounts the checkpoints volume where the server reads checkpoints', () => {
    expect(server).toBeDefined();
    expect(server!.build).toBeDefined();
    expect(containerPorts(server!)).toContain(Number(server!.environment?.TWIGA_SERVE_PORT ?? 8000));
    expect(mounts(server!)).toContainEqual({ source: 'checkpoints', target: checkpointDir(server!) });
    expect(server!.healthcheck).toBeUndefined(); // the image's HEALTHCHECK applies
    expect(compose.volumes).toHaveProperty('checkpoints');
  });

  it('train runs the CLI on demand into the same volume', () => {
    expect(train).toBeDefined();
    expect(train!.profiles).toContain('train');
    expect(train!.command).toEqual(['node', 'apps/runner/dist/cli.js', 'train']);
    expect(mounts(train!)).toContainEqual({ source: 'checkpoints', target: checkpointDir(server!) });
    expect(checkpointDir(train!)).toBe(checkpointDir(server!));
  });
});

/** Run a command to completion; resolves to its exit code. */
function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

/** Resolve with the address of the server's "listening" log line; reject if it exits first. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg === 'twiga server listening' && entry.address) resolve(entry.address);
      } catch {
        // not a JSON log line
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code} before listening: ${stderr.join('')}`)),
    );
  });
}

const SERVER_MAIN = join(ROOT, startCommand[1] ?? 'apps/server/dist/main.js');
const built = existsSync(SERVER_MAIN);
if (!built) console.warn(`skipping the image start command test: ${SERVER_MAIN} is missing (run pnpm build)`);

describe('the image start command, outside Docker', () => {
  let dir: string | undefined;
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!built)(
    `serves a degraded /health the HEALTHCHECK accepts, and exits 0 on SIGTERM${built ? '' : ' (skipped: run pnpm build)'}`,
    async () => {
      dir = await mkdtemp(join(tmpdir(), 'twiga-docker-'));
      // The image's environment, with no TWIGA_* leaking in from the test runner's; port 0 picks a free one.
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TWIGA_')));
      const env = {
        ...base,
        ...runtimeEnv,
        TWIGA_SERVE_PORT: '0',
        TWIGA_MODEL_CHECKPOINT_DIR: dir,
        TWIGA_LOG_LEVEL: 'info',
      };
      expect(startCommand[0]).toBe('node');
      server = spawn(process.execPath, startCommand.slice(1), {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = exitCode(server);
      const address = await listening(server);
      const port = new URL(address).port;

      // The HEALTHCHECK exactly as Docker runs it, with the port the server got in its environment.
      const probe = (p: string) =>
        exitCode(
          spawn(process.execPath, healthCommand.slice(1), {
            env: { ...base, TWIGA_SERVE_PORT: p },
            stdio: 'ignore',
          }),
        );
      expect(await probe(port)).toBe(0);

      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'degraded', models: [], checkpoint: null });

      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      // Once the server is gone the same probe fails, so Docker would mark the container unhealthy.
      expect(await probe(port)).toBe(1);
    },
    30_000,
  );
});

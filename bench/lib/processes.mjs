/** Child processes for the benchmarks: run a command for its JSON output, start a server, stop it. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** How long a server may take to print its "listening" line (the Twiga server loads its model first). */
const START_TIMEOUT_MS = 60_000;
/** How long a server may take to exit after SIGTERM; the Twiga server drains for up to 10 s. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * Run `node <args>` to completion and return the last line of its stdout parsed as JSON. `track` receives
 * the child so the caller can kill it if the benchmark is interrupted meanwhile.
 */
export function runNodeJson(args, { env = process.env, timeoutMs = 600_000, track = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(
          new Error(
            `node ${args.join(' ')} exited with ${code ?? signal}: ${stderr.trim() || stdout.trim()}`,
          ),
        );
        return;
      }
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`node ${args.join(' ')} did not print JSON; its output ended with: ${last}`));
      }
    });
  });
}

/**
 * Start `node <args>` as a server and resolve once it prints a JSON line whose `msg` is `listeningMsg`,
 * with the child and that line's `address`. The child's output keeps being read (so a chatty server never
 * blocks on a full pipe); the last lines are kept for error messages.
 */
export function startServer(args, { listeningMsg, env = process.env }) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const tail = [];
  const keep = (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep);
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `${args[0]} did not print '${listeningMsg}' within ${START_TIMEOUT_MS} ms:\n${tail.join('\n')}`,
        ),
      );
    }, START_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(line);
      try {
        const entry = JSON.parse(line);
        if (entry.msg === listeningMsg && typeof entry.address === 'string') {
          clearTimeout(timer);
          resolve({ child, address: entry.address });
        }
      } catch {
        // not a JSON log line
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited with ${code ?? signal} before listening:\n${tail.join('\n')}`));
    });
  });
  // A caller awaiting several servers may stop listening after the first failure; do not crash on the rest.
  ready.catch(() => {});
  return { child, ready };
}

/** SIGTERM a child and wait for it to exit; SIGKILL it if it has not exited after the grace period. */
export async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  if ((await Promise.race([exited, timedOut])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/** A TCP port free on 127.0.0.1 right now, for servers that must be told their port (MLflow, uvicorn). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start a worker thread from a module beside the caller, whether the caller runs built (`.js`) or from its
 * TypeScript sources (vitest, tsx). Used by the GBDT training pool and the runner's job threads.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Spawn `<name>.js` (or `<name>.ts` from sources) found next to `callerUrl` (pass `import.meta.url`).
 *
 * From sources a plain-JS bootstrap registers tsx's loader inside the thread, then imports the `.ts` entry,
 * and the `source` condition resolves workspace packages to their sources. (`execArgv: ['--import', 'tsx']`
 * is not enough on Node 20: tsx only installs its hooks on the main thread there.) Throws when running from
 * sources without tsx installed.
 */
export function spawnWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts'))
    return new Worker(new URL(`./${name}.js`, callerUrl), { execArgv: [], ...options });
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(tsxApiUrl(callerUrl))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true, execArgv: ['--conditions', 'source'] });
}

// The ESM entry of `tsx/esm/api`, from tsx's own export map (its CommonJS build cannot load its hooks
// from an eval'd worker).
function tsxApiUrl(from: string): string {
  try {
    const require = createRequire(from);
    const pkg = require('tsx/package.json') as { exports: Record<string, { import?: { default?: string } }> };
    const path = pkg.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
    return new URL(path, pathToFileURL(require.resolve('tsx/package.json'))).href;
  } catch (err) {
    throw new Error('running a worker thread from TypeScript sources needs tsx', { cause: err });
  }
}

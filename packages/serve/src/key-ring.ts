import { readFileSync, statSync } from 'node:fs';
import { ConfigInvalidError } from '@twiga/forecaster';
import { safeEqual } from './safe-equal.js';

/** Options of {@link KeyRing}. */
export interface KeyRingOptions {
  /** Keys from `TWIGA_SERVE_API_KEY`: one, or several comma-separated (rotation). */
  keys?: string | undefined;
  /** `TWIGA_SERVE_API_KEY_FILE`: one key per line, `#` comments; re-read when it changes. */
  file?: string | undefined;
}

/** How often the key file's modification time is checked (rotation without a restart). */
const FILE_CHECK_MS = 1000;

/**
 * The accepted API keys. Several keys are valid at once so clients can move to a new key before the old
 * one is removed; the key file is re-read when it changes, so rotation needs no restart.
 */
export class KeyRing {
  private fileKeys: string[] = [];
  private readonly envKeys: string[];
  private fileMtime = 0;
  private checkedAt = 0;

  constructor(private readonly options: KeyRingOptions) {
    this.envKeys = (options.keys ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    if (options.file !== undefined) this.readFile(true);
  }

  /** True when any key is configured (auth on). */
  get enabled(): boolean {
    return this.envKeys.length + this.fileKeys.length > 0;
  }

  /** Whether `given` is one of the keys; every key is compared in constant time. */
  accepts(given: string | undefined): boolean {
    if (this.options.file !== undefined && Date.now() - this.checkedAt > FILE_CHECK_MS) this.readFile(false);
    if (given === undefined) return false;
    let ok = false;
    // No early exit: the time taken does not reveal which key (or whether any) matched.
    for (const key of this.envKeys) ok = safeEqual(given, key) || ok;
    for (const key of this.fileKeys) ok = safeEqual(given, key) || ok;
    return ok;
  }

  private readFile(atStart: boolean): void {
    const path = this.options.file!;
    this.checkedAt = Date.now();
    try {
      const { mtimeMs } = statSync(path);
      if (mtimeMs === this.fileMtime) return;
      this.fileKeys = readFileSync(path, 'utf8')
        .split('\n')
        .map((line) => line.replace(/#.*/, '').trim())
        .filter(Boolean);
      this.fileMtime = mtimeMs;
    } catch (err) {
      // At start a missing key file is a configuration error; later, keep the last good keys.
      if (atStart) {
        throw new ConfigInvalidError(`TWIGA_SERVE_API_KEY_FILE ${path} cannot be read`, [
          { path: 'TWIGA_SERVE_API_KEY_FILE', message: (err as Error).message },
        ]);
      }
    }
  }
}

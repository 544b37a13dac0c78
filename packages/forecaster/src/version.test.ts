import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORECASTER_VERSION } from './version.js';

describe('FORECASTER_VERSION', () => {
  it('equals the version in packages/forecaster/package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    expect(pkg.name).toBe('@twiga/forecaster');
    expect(FORECASTER_VERSION).toBe(pkg.version);
  });
});

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

describe('createLogger', () => {
  it('writes JSON lines at the configured level', () => {
    const { stream, lines } = capture();
    const log = createLogger({ TWIGA_LOG_LEVEL: 'warn' }, { name: 'test', destination: stream });
    log.info('hidden');
    log.warn({ a: 1 }, 'shown');
    const out = lines();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ msg: 'shown', a: 1, name: 'test', level: 40 });
  });

  it('never logs API keys or credentials', () => {
    const { stream, lines } = capture();
    const log = createLogger({ TWIGA_LOG_LEVEL: 'info' }, { destination: stream });
    log.info(
      { req: { headers: { 'x-api-key': 'k-123', authorization: 'Bearer t' } }, apiKey: 'k-123' },
      'request',
    );
    const text = JSON.stringify(lines());
    expect(text).not.toContain('k-123');
    expect(text).not.toContain('Bearer t');
  });
});

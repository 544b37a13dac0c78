import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress.js';

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
}

describe('progressReporter', () => {
  it('without a terminal: one line per quarter of each step, each step counted on its own', () => {
    const { out, stream } = fakeStream(false);
    const report = progressReporter(stream);
    for (let i = 1; i <= 8; i++) report({ model: 'gbdt', done: i, total: 8 });
    for (let i = 1; i <= 3; i++) report({ model: 'uploading checkpoint (9.8 MiB)', done: i, total: 3 });
    expect(out.filter((l) => l.startsWith('gbdt:')).map((l) => l.split(' ')[1])).toEqual([
      '1/8',
      '2/8',
      '4/8',
      '6/8',
      '8/8',
    ]);
    expect(out.filter((l) => l.startsWith('uploading')).length).toBe(3);
  });

  it('on a terminal: a bar redrawn in place, ended with a newline', () => {
    const { out, stream } = fakeStream(true);
    const report = progressReporter(stream);
    report({ model: 'backtest folds', done: 1, total: 2 });
    report({ model: 'backtest folds', done: 2, total: 2 });
    expect(out[0]).toMatch(/^\rbacktest folds \[#{15}\.{15}\] 1\/2 /);
    expect(out.at(-1)).toBe('\n');
  });
});

import { TwigaError } from '@twiga/core';
import { describe, expect, it } from 'vitest';
import { IpcChannel } from './ipc.js';

class CorruptError extends TwigaError {
  readonly code = 'CHECKPOINT_CORRUPT';
}

/** Two ends wired back to back, as the primary and a server process are (messages arrive later, not inline). */
function pair(handlers: Record<string, (args: unknown) => unknown>): { caller: IpcChannel } {
  let caller: IpcChannel;
  const callee = new IpcChannel('callee', (msg) => setImmediate(() => caller.receive(msg)), handlers);
  caller = new IpcChannel('the callee', (msg) => setImmediate(() => callee.receive(msg)), {});
  return { caller };
}

describe('IpcChannel', () => {
  it('answers with the handler value, sync or async', async () => {
    const { caller } = pair({
      add: (a) => (a as number[])[0]! + (a as number[])[1]!,
      later: async () => 'done',
    });
    expect(await caller.request('add', [2, 3], 1000)).toBe(5);
    expect(await caller.request('later', {}, 1000)).toBe('done');
  });

  it('an error crosses with its code, so HTTP mapping sees the original', async () => {
    const { caller } = pair({
      prepare: () => {
        throw new CorruptError('model.onnx fails its checksum', { details: { file: 'model.onnx' } });
      },
    });
    const err = (await caller.request('prepare', {}, 1000).catch((e: unknown) => e)) as TwigaError;
    expect(err.code).toBe('CHECKPOINT_CORRUPT');
    expect(err.message).toBe('model.onnx fails its checksum');
    expect(err.details).toEqual({ file: 'model.onnx' });
  });

  it('no answer in time → RELOAD_INCOMPLETE; an unknown operation is an error, not a hang', async () => {
    const { caller } = pair({ slow: () => new Promise(() => {}) });
    await expect(caller.request('slow', {}, 50)).rejects.toMatchObject({ code: 'RELOAD_INCOMPLETE' });
    await expect(caller.request('nope', {}, 1000)).rejects.toThrow(/no handler for nope/);
  });

  it('close() fails what waits and what comes later; foreign messages are not consumed', async () => {
    const { caller } = pair({ slow: () => new Promise(() => {}) });
    const waiting = caller.request('slow', {}, 10_000);
    const gone = new Error('server process 42 exited');
    caller.close(gone);
    await expect(waiting).rejects.toBe(gone);
    await expect(caller.request('slow', {}, 10_000)).rejects.toBe(gone);
    expect(caller.receive({ type: 'prom-client:getMetricsReq' })).toBe(false);
  });
});

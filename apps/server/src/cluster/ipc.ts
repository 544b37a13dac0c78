/**
 * Requests and replies between the cluster's primary and its server processes, over node:cluster's IPC
 * channel. Each side answers the operations it has handlers for; a reply carries a value or a serialized
 * error whose code survives the hop (so `/reload` can answer `CHECKPOINT_CORRUPT` found in another
 * process). Messages are tagged `twiga` so other users of the channel (prom-client) are left alone.
 */
import { ForwardedError, type SerializedError, serializeError } from '@twiga/core';
import { ReloadIncompleteError } from '@twiga/serve';

/** A message of this protocol. */
export type IpcMessage =
  | { twiga: 'request'; id: number; op: string; args?: unknown }
  | { twiga: 'reply'; id: number; ok: true; value?: unknown }
  | { twiga: 'reply'; id: number; ok: false; error: SerializedError };

type Handler = (args: unknown) => unknown;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

function isIpcMessage(msg: unknown): msg is IpcMessage {
  return typeof msg === 'object' && msg !== null && 'twiga' in msg && 'id' in msg;
}

/** One end of the channel between the primary and one server process. */
export class IpcChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedBy: Error | undefined;

  /**
   * @param peer what the other end is called in errors ("server process 1234", "the primary")
   * @param send `worker.send` or `process.send`
   * @param handlers operations this end answers
   */
  constructor(
    private readonly peer: string,
    private readonly send: (msg: IpcMessage) => void,
    private readonly handlers: Record<string, Handler>,
  ) {}

  /** Feed every message that arrives from the peer; returns false for messages of other protocols. */
  receive(msg: unknown): boolean {
    if (!isIpcMessage(msg)) return false;
    if (msg.twiga === 'request') void this.answer(msg.id, msg.op, msg.args);
    else {
      const call = this.pending.get(msg.id);
      if (!call) return true; // answered after its timeout: nobody waits for it any more
      this.pending.delete(msg.id);
      clearTimeout(call.timer);
      if (msg.ok) call.resolve(msg.value);
      else call.reject(new ForwardedError(msg.error, 'INTERNAL'));
    }
    return true;
  }

  /** Ask the peer to run `op`; rejects with its error, or `RELOAD_INCOMPLETE` if it does not answer in time. */
  request<T>(op: string, args: unknown, timeoutMs: number): Promise<T> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ReloadIncompleteError(`${this.peer} did not answer ${op} within ${timeoutMs} ms`, { op }));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.post({ twiga: 'request', id, op, args });
    });
  }

  /** The peer is gone: every waiting request fails with `err`, and so does every later one. */
  close(err: Error): void {
    this.closedBy = err;
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(err);
    }
    this.pending.clear();
  }

  private async answer(id: number, op: string, args: unknown): Promise<void> {
    const handler = this.handlers[op];
    try {
      if (!handler) throw new Error(`no handler for ${op}`);
      this.post({ twiga: 'reply', id, ok: true, value: await handler(args) });
    } catch (err) {
      this.post({ twiga: 'reply', id, ok: false, error: serializeError(err) });
    }
  }

  private post(msg: IpcMessage): void {
    try {
      this.send(msg);
    } catch {
      // The channel closed under us: the peer's exit handler fails what is waiting.
    }
  }
}

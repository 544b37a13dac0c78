/**
 * The cluster's primary (`TWIGA_SERVE_PROCESSES` > 1): forks the server processes, which share the port
 * (node:cluster hands each new connection to the next process), restarts one that dies, coordinates
 * `/reload` so that all swap to the same model or none does, gathers `/metrics`, and on SIGTERM stops them
 * all and exits 0 once they have drained. It loads no model and answers no request itself.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@twiga/core';
import type { MetricsJson, ModelPin } from '@twiga/serve';
import { ReloadIncompleteError } from '@twiga/serve';
import { IpcChannel } from './ipc.js';
import { samePin } from './pin.js';

/** Options of {@link runPrimary}. */
export interface PrimaryOptions {
  processes: number;
  logger: Logger;
  /** How long the processes may drain after SIGTERM before they are killed. */
  shutdownGraceMs: number;
}

/** Loading a model may download it from MLflow first: allow minutes, not seconds. */
const PREPARE_TIMEOUT_MS = 5 * 60_000;
/** Swapping, discarding and reading metrics are in-memory operations. */
const QUICK_TIMEOUT_MS = 10_000;
/** A process that dies is replaced after this long, doubled for each death within a minute (at most 30 s). */
const RESTART_DELAY_MS = 500;
const RESTART_DELAY_MAX_MS = 30_000;

interface Member {
  worker: Worker;
  channel: IpcChannel;
  /** Joined: serves the cluster's pinned model and takes part in reloads. */
  joined: boolean;
  listening: boolean;
}

/** Start the server processes and supervise them until SIGTERM/SIGINT; the process exits from here. */
export function runPrimary(options: PrimaryOptions): void {
  new Primary(options).start();
}

class Primary {
  private readonly members = new Map<number, Member>();
  /** The model every joined process serves, once one has joined or a reload has committed. */
  private pin: ModelPin | undefined;
  /** Joins and reload rounds run one at a time, so a process never joins half-way through a reload. */
  private serial: Promise<unknown> = Promise.resolve();
  private announced = false;
  private stopping = false;
  private readonly deaths: number[] = [];

  constructor(private readonly options: PrimaryOptions) {}

  start(): void {
    const { logger, processes } = this.options;
    logger.info({ processes }, 'starting server processes');
    for (let i = 0; i < processes; i++) this.fork();
    cluster.on('exit', (worker, code, signal) => this.exited(worker, code, signal));
    process.on('SIGTERM', () => this.stop('SIGTERM'));
    process.on('SIGINT', () => this.stop('SIGINT'));
  }

  private fork(): void {
    const worker = cluster.fork();
    const peer = `server process ${worker.process.pid}`;
    const member: Member = {
      worker,
      joined: false,
      listening: false,
      channel: new IpcChannel(peer, (msg) => worker.send(msg, () => {}), {
        pin: () => ({ pin: this.pin }),
        join: (args) => this.join(member, (args as { pin?: ModelPin }).pin),
        listening: (args) => this.listening(member, (args as { address: string }).address),
        reload: () => this.runSerially(() => this.reloadRound(member)),
        metrics: () => this.gatherMetrics(),
      }),
    };
    worker.on('message', (msg: unknown) => member.channel.receive(msg));
    this.members.set(worker.id, member);
  }

  private runSerially<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.serial.catch(() => undefined).then(fn);
    this.serial = next;
    return next;
  }

  /**
   * A process has loaded `pin` (or nothing, without a checkpoint) and asks to join. The first to join sets
   * the cluster's pin; one that loaded another model (the manifest moved while it started) is told which
   * to load instead, and asks again.
   */
  private join(member: Member, pin: ModelPin | undefined): Promise<{ joined: boolean; pin?: ModelPin }> {
    return this.runSerially(async () => {
      if (pin !== undefined && this.pin !== undefined && !samePin(pin, this.pin))
        return { joined: false, pin: this.pin };
      this.pin ??= pin;
      member.joined = true;
      return { joined: true };
    });
  }

  private listening(member: Member, address: string): void {
    member.listening = true;
    const all = [...this.members.values()];
    if (this.announced || all.length < this.options.processes || !all.every((m) => m.listening)) return;
    this.announced = true;
    this.options.logger.info({ address, processes: all.length }, 'twiga server listening');
  }

  /**
   * One reload over every joined process: the one asked prepares what the manifest names now; the others
   * prepare that very version; all commit only if all prepared, else all discard and the error is the
   * answer. Commits are in-memory swaps; a process that dies meanwhile is replaced and joins on the new pin.
   */
  private async reloadRound(origin: Member): Promise<{ processes: number }> {
    const members = [...this.members.values()].filter((m) => m.joined);
    if (!members.includes(origin)) members.push(origin);
    const first = await origin.channel.request<{ pin: ModelPin }>('prepare', {}, PREPARE_TIMEOUT_MS);
    const others = members.filter((m) => m !== origin);
    const results = await Promise.allSettled(
      others.map((m) => m.channel.request('prepare', { pin: first.pin }, PREPARE_TIMEOUT_MS)),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      const prepared = [origin, ...others.filter((_, i) => results[i]!.status === 'fulfilled')];
      await Promise.allSettled(prepared.map((m) => m.channel.request('discard', {}, QUICK_TIMEOUT_MS)));
      this.options.logger.warn(
        { err: String(failure.reason), processes: members.length },
        'reload failed in a server process: every process keeps its model',
      );
      throw failure.reason;
    }
    this.pin = first.pin;
    await Promise.allSettled(members.map((m) => m.channel.request('commit', {}, QUICK_TIMEOUT_MS)));
    return { processes: members.length };
  }

  /** Every joined process's metrics; a process that does not answer is left out of this scrape. */
  private async gatherMetrics(): Promise<MetricsJson[]> {
    const members = [...this.members.values()].filter((m) => m.joined);
    const results = await Promise.allSettled(
      members.map((m) => m.channel.request<MetricsJson>('metrics-json', {}, QUICK_TIMEOUT_MS)),
    );
    return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  private exited(worker: Worker, code: number | null, signal: string | null): void {
    const member = this.members.get(worker.id);
    this.members.delete(worker.id);
    member?.channel.close(
      new ReloadIncompleteError(`server process ${worker.process.pid} exited (${code ?? signal})`, {
        pid: worker.process.pid,
      }),
    );
    if (this.stopping) {
      if (code !== 0 && !process.exitCode) process.exitCode = 1;
      if (this.members.size === 0) this.finish();
      return;
    }
    // A process that fails before any listened (bad port, unreadable settings) fails all the same way.
    if (!this.announced && !member?.listening) {
      this.options.logger.error({ pid: worker.process.pid, code, signal }, 'server process failed to start');
      this.stopping = true;
      for (const m of this.members.values()) m.worker.process.kill('SIGTERM');
      process.exitCode = typeof code === 'number' && code !== 0 ? code : 1;
      if (this.members.size === 0) this.finish();
      return;
    }
    const now = Date.now();
    this.deaths.push(now);
    while (this.deaths.length > 0 && now - this.deaths[0]! > 60_000) this.deaths.shift();
    const delay = Math.min(RESTART_DELAY_MAX_MS, RESTART_DELAY_MS * 2 ** (this.deaths.length - 1));
    this.options.logger.error(
      { pid: worker.process.pid, code, signal, restartInMs: delay },
      'server process exited: starting another',
    );
    setTimeout(() => {
      if (!this.stopping) this.fork();
    }, delay).unref();
  }

  private stop(signal: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.options.logger.info({ signal }, 'shutting down: draining every server process');
    // Ctrl-C reaches the processes through the process group already; a repeat is harmless.
    for (const m of this.members.values()) m.worker.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.options.logger.warn('shutdown grace period over: killing the server processes still running');
      for (const m of this.members.values()) m.worker.process.kill('SIGKILL');
      process.exit(1);
    }, this.options.shutdownGraceMs + 2_000);
    timer.unref();
    if (this.members.size === 0) this.finish();
  }

  private finish(): void {
    process.exit(process.exitCode ?? 0);
  }
}

/**
 * A server process's side of the cluster: it loads the model the cluster serves before it joins, lets
 * `/reload` and `/metrics` reach every process through the primary, and answers the primary's prepare /
 * commit / discard / metrics-json requests.
 */
import type { Logger } from '@twiga/core';
import type {
  MetricsJson,
  ModelLoader,
  ModelPin,
  PreparedModel,
  ReloadCoordinator,
  TwigaApp,
} from '@twiga/serve';
import { pinOf } from '@twiga/serve';
import { loadAtStart } from '../load-at-start.js';
import { IpcChannel } from './ipc.js';

/**
 * `/reload` and joining wait for the primary's reload rounds, each of which bounds its own steps (a process
 * that does not answer fails the round with RELOAD_INCOMPLETE). This is only a safety net beyond those,
 * long enough that the primary always answers first: otherwise a round could commit after its caller had
 * been told it failed.
 */
const ROUND_TIMEOUT_MS = 30 * 60_000;
const QUICK_TIMEOUT_MS = 15_000;

/** This process as one of the cluster's server processes. */
export class ClusterMember implements ReloadCoordinator {
  private readonly channel: IpcChannel;
  private loader: ModelLoader | undefined;
  private app: TwigaApp | undefined;
  private prepared: PreparedModel | undefined;

  constructor(private readonly logger: Logger) {
    this.channel = new IpcChannel('the primary', (msg) => process.send!(msg, undefined, {}, () => {}), {
      prepare: (args) => this.prepare((args as { pin?: ModelPin }).pin),
      commit: () => this.commit(),
      discard: () => this.discard(),
      'metrics-json': () => this.app!.twigaMetricsJson(),
    });
    process.on('message', (msg: unknown) => this.channel.receive(msg));
  }

  /** Reload every process (this one included) through the primary: all swap, or none does. */
  reload(): Promise<{ processes: number }> {
    return this.channel.request('reload', {}, ROUND_TIMEOUT_MS);
  }

  /** Every process's metrics, for `/metrics`. */
  gatherMetrics = (): Promise<MetricsJson[]> => this.channel.request('metrics', {}, QUICK_TIMEOUT_MS);

  /**
   * Load the model the cluster serves and join: the pinned one when the cluster has one, else what the
   * manifest names now. Without a checkpoint the process joins degraded, as a single server would start.
   */
  async join(loader: ModelLoader, app: TwigaApp): Promise<void> {
    this.loader = loader;
    this.app = app;
    let { pin } = await this.channel.request<{ pin?: ModelPin }>('pin', {}, QUICK_TIMEOUT_MS);
    for (;;) {
      const loaded = await this.load(pin);
      const answer = await this.channel.request<{ joined: boolean; pin?: ModelPin }>(
        'join',
        { pin: loaded },
        ROUND_TIMEOUT_MS, // a join waits for the reload in progress, if any
      );
      if (answer.joined) return;
      pin = answer.pin; // the cluster moved on while this process loaded: load what it serves now
    }
  }

  /** Tell the primary this process accepts connections. */
  listening(address: string): Promise<void> {
    return this.channel.request('listening', { address }, QUICK_TIMEOUT_MS);
  }

  private async load(pin: ModelPin | undefined): Promise<ModelPin | undefined> {
    const loader = this.loader!;
    if (pin !== undefined) {
      const prepared = await loader.prepare(pin);
      prepared.commit();
      return prepared.pin;
    }
    const model = await loadAtStart(loader, this.logger);
    return model && pinOf(model);
  }

  private async prepare(pin: ModelPin | undefined): Promise<{ pin: ModelPin; version: number }> {
    await this.discard();
    this.prepared = await this.loader!.prepare(pin);
    return { pin: this.prepared.pin, version: this.prepared.model.meta.version };
  }

  private commit(): { version: number } {
    const prepared = this.prepared;
    if (!prepared) throw new Error('nothing prepared to commit');
    this.prepared = undefined;
    return { version: prepared.commit().current.meta.version };
  }

  private async discard(): Promise<void> {
    const prepared = this.prepared;
    this.prepared = undefined;
    await prepared?.discard();
  }
}

/** A simulated cluster: N Memberlist nodes on one SimNetwork, joined through node 0, with every event recorded. */
import { Memberlist, seededRandom } from '../swim/index.ts';
import type { MemberEvent, MemberState, TimingOptions } from '../swim/index.ts';
import { SimNetwork, type LinkConditions, type SimEndpoint } from './network.ts';

export interface SimClusterOptions {
  readonly size: number;
  readonly seed?: number;
  readonly profile?: TimingOptions;
  readonly timing?: Partial<TimingOptions>;
  readonly link?: Partial<LinkConditions>;
  /** Node meta by index; default non-empty (an l2speaker). Return null for a Go-like member. */
  readonly meta?: (index: number) => Buffer | null;
  /** Settle time after the joins, default 2 s. */
  readonly settleMs?: number;
}

/** An event as one node saw it, at virtual time `at`. */
export interface RecordedEvent extends MemberEvent {
  readonly at: number;
  readonly observer: string;
}

export class SimCluster {
  readonly network: SimNetwork;
  readonly nodes: Memberlist[];
  readonly endpoints: SimEndpoint[];
  readonly events: RecordedEvent[] = [];

  private constructor(network: SimNetwork, nodes: Memberlist[], endpoints: SimEndpoint[]) {
    this.network = network;
    this.nodes = nodes;
    this.endpoints = endpoints;
    for (const node of nodes) {
      node.onEvent((event) => this.events.push({ ...event, at: network.clock.now(), observer: node.name }));
    }
  }

  static async create(options: SimClusterOptions): Promise<SimCluster> {
    const seed = options.seed ?? 1;
    const network = new SimNetwork(seed, options.link);
    const endpoints = Array.from({ length: options.size }, () => network.addNode());
    const nodes = endpoints.map((endpoint, index) => {
      const { addr, port } = endpoint.address;
      const meta = options.meta === undefined ? Buffer.from('l2speaker') : options.meta(index);
      const random = seededRandom(seed * 7919 + index);
      const { profile, timing } = options;
      const config = { name: `node-${index}`, addr, port, meta, transport: endpoint, clock: endpoint.clock };
      return new Memberlist({
        ...config,
        random,
        profile,
        timing,
        seeds: [endpoints[0]?.address ?? endpoint.address],
      });
    });
    const cluster = new SimCluster(network, nodes, endpoints);
    for (const [index, node] of nodes.entries()) {
      node.start();
      if (index > 0) await cluster.settle(node.join());
    }
    await cluster.run(options.settleMs ?? 2000);
    return cluster;
  }

  /** Advances virtual time. */
  run(durationMs: number): Promise<void> {
    return this.network.clock.advance(durationMs);
  }

  /** Advances virtual time in small steps until `promise` settles (at most `limitMs`), then returns its value. */
  async settle<T>(promise: Promise<T>, limitMs = 60_000): Promise<T> {
    let done = false;
    const watched = promise.finally(() => (done = true));
    for (let waited = 0; !done && waited < limitMs; waited += 10) await this.run(10);
    return watched;
  }

  /** Member name -> state as node `index` sees it. */
  view(index: number): Map<string, MemberState> {
    const node = this.nodes[index] as Memberlist;
    return new Map(node.members().map((member) => [member.name, member.state]));
  }

  /** Every node in `indices` sees exactly the nodes in `indices` alive (and no other live member). */
  converged(indices: readonly number[] = this.nodes.map((_, index) => index)): boolean {
    const expected = new Set(indices.map((index) => `node-${index}`));
    return indices.every((index) => {
      const live = (this.nodes[index] as Memberlist).liveMembers();
      return live.length === expected.size && live.every((m) => m.state === 'alive' && expected.has(m.name));
    });
  }

  /** Leave events about `name` seen by others, from `since` on. */
  leavesOf(name: string, since = 0): RecordedEvent[] {
    return this.events.filter(
      (e) => e.type === 'leave' && e.member.name === name && e.observer !== name && e.at >= since,
    );
  }
}

/**
 * An in-memory network of memberlist nodes on one virtual clock: per-link loss, delay and jitter, partitions,
 * crashed nodes (silent, as after a link cut) and paused nodes (stalled event loops). Deterministic for a seed.
 * Streams are modelled as TCP would behave: a lost SYN costs 1 s, a lost data segment 200 ms.
 */
import type { PacketMessage, StreamMessage } from '../wire/messages.ts';
import { packetSize, seededRandom } from '../swim/index.ts';
import type { Address, PacketHandler, Random, StreamHandler, StreamReply, Transport } from '../swim/index.ts';
import { VirtualClock } from './clock.ts';
import { SimStreamError, SimTimeoutError } from './errors.ts';
import { NodeClock } from './node-clock.ts';

export interface LinkConditions {
  readonly lossPercent: number;
  /** One-way delay; each packet adds a uniform jitter in [0, jitterMs). */
  readonly delayMs: number;
  readonly jitterMs: number;
}

export interface TrafficStats {
  packets: number;
  bytes: number;
  /** Messages sent by type, counting each part of a compound. */
  messages: Record<string, number>;
  streams: number;
}

const SYN_RETRANSMIT_MS = 1000;
const SEGMENT_RETRANSMIT_MS = 200;

export const addressKey = (address: Address): string => `${address.addr.toString('hex')}:${address.port}`;

/** One node's attachment to the simulated network. */
export class SimEndpoint implements Transport {
  readonly address: Address;
  readonly clock: NodeClock;
  packetHandler: PacketHandler | null = null;
  streamHandler: StreamHandler | null = null;
  readonly #network: SimNetwork;

  constructor(network: SimNetwork, address: Address, clock: NodeClock) {
    this.#network = network;
    this.address = address;
    this.clock = clock;
  }

  sendPacket(to: Address, messages: readonly PacketMessage[]): void {
    this.#network.deliverPacket(this, to, messages);
  }

  onPacket(handler: PacketHandler): void {
    this.packetHandler = handler;
  }

  exchange(to: Address, message: StreamMessage, timeoutMs: number): Promise<StreamReply> {
    return this.#network.exchange(this, to, message, timeoutMs);
  }

  onStream(handler: StreamHandler): void {
    this.streamHandler = handler;
  }
}

export class SimNetwork {
  readonly clock = new VirtualClock();
  readonly random: Random;
  readonly traffic: TrafficStats = { packets: 0, bytes: 0, messages: {}, streams: 0 };
  #defaultLink: LinkConditions;
  readonly #links = new Map<string, LinkConditions>();
  readonly #endpoints = new Map<string, SimEndpoint>();
  readonly #crashed = new Set<string>();
  #groups: Map<string, number> | null = null;

  constructor(seed: number, link: Partial<LinkConditions> = {}) {
    this.random = seededRandom(seed);
    this.#defaultLink = { lossPercent: 0, delayMs: 0.2, jitterMs: 0.3, ...link };
  }

  /** Attaches a node at 192.0.2.<n> (198.51.100.<n> beyond 250 nodes), port 7946. */
  addNode(): SimEndpoint {
    const index = this.#endpoints.size;
    const prefix = index < 250 ? [192, 0, 2] : [198, 51, 100];
    const address = { addr: Buffer.from([...prefix, (index % 250) + 1]), port: 7946 };
    const endpoint = new SimEndpoint(this, address, new NodeClock(this.clock));
    this.#endpoints.set(addressKey(address), endpoint);
    return endpoint;
  }

  /** Conditions of every link without its own. */
  setDefaultLink(link: Partial<LinkConditions>): void {
    this.#defaultLink = { ...this.#defaultLink, ...link };
  }

  /** Conditions from `from` to `to` (one direction). */
  setLink(from: Address, to: Address, link: Partial<LinkConditions>): void {
    this.#links.set(`${addressKey(from)}>${addressKey(to)}`, { ...this.#linkFrom(from, to), ...link });
  }

  /** Only nodes in the same group reach each other; nodes in no group form one more group. */
  partition(groups: readonly (readonly Address[])[]): void {
    this.#groups = new Map(
      groups.flatMap((group, index) => group.map((a) => [addressKey(a), index] as const)),
    );
  }

  heal(): void {
    this.#groups = null;
  }

  /** The node neither sends nor receives anything (its process may still run: a cut link). */
  crash(address: Address): void {
    this.#crashed.add(addressKey(address));
  }

  restore(address: Address): void {
    this.#crashed.delete(addressKey(address));
  }

  /** Stalls the node's timers and deliveries for `durationMs`. */
  pause(address: Address, durationMs: number): void {
    this.#endpoints.get(addressKey(address))?.clock.pause(durationMs);
  }

  /** Time to carry one packet from `from` to `to`, or null when it is lost or cannot arrive. */
  transit(from: Address, to: Address): number | null {
    const [fromKey, toKey] = [addressKey(from), addressKey(to)];
    if (this.#crashed.has(fromKey) || this.#crashed.has(toKey)) return null;
    if (this.#groups !== null && (this.#groups.get(fromKey) ?? -1) !== (this.#groups.get(toKey) ?? -1))
      return null;
    const link = this.#linkFrom(from, to);
    if (this.random() * 100 < link.lossPercent) return null;
    return link.delayMs + this.random() * link.jitterMs;
  }

  deliverPacket(from: SimEndpoint, to: Address, messages: readonly PacketMessage[]): void {
    this.traffic.packets++;
    this.traffic.bytes += packetSize(messages);
    for (const { type } of messages) this.traffic.messages[type] = (this.traffic.messages[type] ?? 0) + 1;
    const delay = this.transit(from.address, to);
    const receiver = this.#endpoints.get(addressKey(to));
    if (delay === null || receiver === undefined) return;
    receiver.clock.deliver(() => {
      if (!this.#crashed.has(addressKey(to))) receiver.packetHandler?.(from.address, messages);
    }, delay);
  }

  exchange(from: SimEndpoint, to: Address, message: StreamMessage, timeoutMs: number): Promise<StreamReply> {
    this.traffic.streams++;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        this.clock.expectMicrotasks();
        outcome();
      };
      from.clock.setTimeout(() => settle(() => reject(new SimTimeoutError(to, timeoutMs))), timeoutMs);
      const receiver = this.#endpoints.get(addressKey(to));
      const request = this.#streamTransit(from.address, to, SYN_RETRANSMIT_MS);
      if (receiver?.streamHandler == null || request === null) return;
      receiver.clock.deliver(() => {
        const handler = receiver.streamHandler;
        if (handler === null || this.#crashed.has(addressKey(to))) return;
        this.clock.expectMicrotasks();
        handler(from.address, message).then(
          (reply) => {
            const back = this.#streamTransit(to, from.address, SEGMENT_RETRANSMIT_MS);
            if (back !== null) from.clock.deliver(() => settle(() => resolve(reply)), back);
          },
          (error: unknown) => settle(() => reject(new SimStreamError(to, error))),
        );
      }, request);
    });
  }

  /** A stream leg: the same path as packets, each loss costing a retransmission instead of the message. */
  #streamTransit(from: Address, to: Address, retransmitMs: number): number | null {
    let extra = 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      const delay = this.transit(from, to);
      if (delay !== null) return extra + delay;
      const [fromKey, toKey] = [addressKey(from), addressKey(to)];
      if (this.#crashed.has(fromKey) || this.#crashed.has(toKey)) return null;
      extra += retransmitMs * 2 ** attempt;
    }
    return null;
  }

  #linkFrom(from: Address, to: Address): LinkConditions {
    return this.#links.get(`${addressKey(from)}>${addressKey(to)}`) ?? this.#defaultLink;
  }
}

/** The memberlist node: wires table, rules, probes, gossip and push/pull to an injected transport and clock. */
import type { PacketMessage, StreamMessage } from '../wire/messages.ts';
import { VSN } from '../wire/messages.ts';
import { AckTable } from './acks.ts';
import { Awareness } from './awareness.ts';
import { BroadcastQueue } from './broadcasts.ts';
import { JoinError, MemberlistOptionError, StoppedError } from './errors.ts';
import { Loops } from './loops.ts';
import { fastLan, isGoMember, resolveTiming, suspicionFor, type TimingOptions } from './options.ts';
import { probe, relayIndirectPing, replyAddress, type ProbeContext } from './probe.ts';
import { StateRules } from './rules.ts';
import { packetSize } from './sizes.ts';
import { emptyMemberlistStats, type MemberlistStats } from './stats.ts';
import { suspicionBounds } from './suspicion.ts';
import { answerStream, localState, requestPushPull } from './sync.ts';
import { isDeadOrLeft, MemberTable, snapshot, type MemberRecord } from './table.ts';
import type { Address, Clock, Member, MemberListener, Random, StreamReply, Transport } from './types.ts';

export const MAX_META_BYTES = 512;

export interface MemberlistConfig {
  readonly name: string;
  /** Our address as peers reach it, sent in one form (4 or 16 bytes) always. */
  readonly addr: Buffer;
  readonly port: number;
  readonly meta?: Buffer | null;
  readonly transport: Transport;
  readonly clock: Clock;
  /** Default Math.random; seed it (seededRandom) for reproducible simulations. */
  readonly random?: Random;
  /** Default fastLan. */
  readonly profile?: TimingOptions;
  readonly timing?: Partial<TimingOptions>;
  /** Re-joined every rejoinIntervalMs while not live members. */
  readonly seeds?: readonly Address[];
}

/**
 * Confirmation probes aim at this many times k probers in expectation (each node that hears an accusation
 * probes with probability min(1, CONFIRMERS_PER_K x k / (n - 2))): all of them in small clusters, a few in
 * large ones, where fewer than k confirmations then happen about once in 150 suspicions.
 */
const CONFIRMERS_PER_K = 3;

const sameAddress = (a: Address, b: Address): boolean => a.port === b.port && a.addr.equals(b.addr);

export class Memberlist {
  readonly timing: TimingOptions;
  readonly #config: MemberlistConfig;
  readonly #random: Random;
  readonly #table: MemberTable;
  readonly #broadcasts: BroadcastQueue;
  readonly #awareness: Awareness;
  readonly #acks: AckTable;
  readonly #rules: StateRules;
  readonly #loops: Loops;
  readonly #probeContext: ProbeContext;
  readonly #listeners = new Set<MemberListener>();
  readonly #stats: MemberlistStats = emptyMemberlistStats();
  /** Members probed beside the probe loop: to confirm another node's accusation, or Go members. */
  readonly #probing = new Set<string>();
  #gossipScheduled = false;
  #running = false;

  constructor(config: MemberlistConfig) {
    if (config.name === '') throw new MemberlistOptionError('name', config.name, 'must not be empty');
    if ((config.meta?.length ?? 0) > MAX_META_BYTES) {
      throw new MemberlistOptionError('meta', config.meta?.length, `longer than ${MAX_META_BYTES} bytes`);
    }
    this.#config = config;
    this.timing = resolveTiming(config.profile ?? fastLan, config.timing);
    this.#random = config.random ?? Math.random;
    this.#table = new MemberTable(this.#random);
    this.#broadcasts = new BroadcastQueue(this.timing.retransmitMult);
    this.#awareness = new Awareness(this.timing.awarenessMaxMultiplier);
    this.#acks = new AckTable(config.clock);
    this.#loops = new Loops(config.clock, this.#random);
    const { name, clock } = config;
    this.#rules = new StateRules({
      name,
      clock,
      timing: this.timing,
      table: this.#table,
      broadcasts: this.#broadcasts,
      awareness: this.#awareness,
      emit: (type, record) => {
        for (const listener of this.#listeners) listener({ type, member: snapshot(record) });
      },
      count: (counter) => this.#stats[counter]++,
      gossipSoon: () => this.#gossipSoon(),
      accused: (record) => this.#confirm(record),
    });
    this.#probeContext = {
      ...{
        name,
        clock,
        timing: this.timing,
        table: this.#table,
        rules: this.#rules,
        awareness: this.#awareness,
      },
      ...{ acks: this.#acks, transport: config.transport, address: { addr: config.addr, port: config.port } },
      send: (to, messages) => this.#send(to, messages),
      count: (counter) => this.#stats[counter]++,
    };
    config.transport.onPacket((from, messages) => {
      if (this.#running) for (const message of messages) this.#handlePacket(from, message);
    });
    config.transport.onStream((from, message) => this.#handleStream(from, message));
  }

  get name(): string {
    return this.#config.name;
  }

  /** Lifeguard's health score, 0 (healthy) to awarenessMaxMultiplier - 1. */
  get healthScore(): number {
    return this.#awareness.score;
  }

  /** Announces this node (incarnation 1) and starts probing, gossip, push/pull, reconnect and re-join. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const { name, addr, port, meta = null } = this.#config;
    this.#rules.applyAlive({ type: 'alive', incarnation: 1, node: name, addr, port, meta, vsn: VSN }, true);
    this.#loops.once(() => this.#probeNext(), this.#random() * this.timing.probeIntervalMs);
    this.#loops.every(this.timing.gossipIntervalMs, () => this.#gossip());
    this.#loops.every(this.timing.pushPullIntervalMs, () => this.#syncWith(this.#randomMember('alive')));
    this.#loops.every(this.timing.reconnectIntervalMs, () => this.#syncWith(this.#randomMember('dead')));
    this.#loops.every(this.timing.rejoinIntervalMs, () => this.#rejoinSeeds());
  }

  /** Push/pull (Join=true) with each seed; resolves with how many answered, rejects with JoinError if none. */
  async join(seeds: readonly Address[] = this.#config.seeds ?? []): Promise<number> {
    if (!this.#running) throw new StoppedError('join');
    const results = await Promise.allSettled(seeds.map((seed) => this.#pushPull(seed, true)));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (seeds.length > 0 && failures.length === seeds.length) throw new JoinError(seeds, failures);
    return seeds.length - failures.length;
  }

  /** Gossips our graceful leave (dead from ourselves), waits until it went out or `timeoutMs`, then stops. */
  async leave(timeoutMs = 1000): Promise<void> {
    if (!this.#running) return;
    const self = this.#table.get(this.name) as MemberRecord;
    const others = this.#table.all().some((record) => record.name !== this.name && !isDeadOrLeft(record));
    this.#rules.leaving = true;
    await new Promise<void>((resolve) => {
      this.#rules.applyDead(
        { type: 'dead', incarnation: self.incarnation, node: this.name, from: this.name },
        resolve,
      );
      if (!others) resolve();
      else this.#config.clock.setTimeout(resolve, timeoutMs);
    });
    this.stop();
  }

  /** Stops answering and cancels every timer (a crash as peers see it, unless leave() ran first). */
  stop(): void {
    this.#running = false;
    this.#loops.stop();
    this.#acks.clear();
    this.#probing.clear();
    this.#rules.stop();
    this.#broadcasts.clear();
  }

  /** Every known member, this node included, with its state. */
  members(): Member[] {
    return this.#table.all().map(snapshot);
  }

  /** Alive and suspect members: those that still own their work. */
  liveMembers(): Member[] {
    return this.members().filter((member) => member.state === 'alive' || member.state === 'suspect');
  }

  /** Listens to join, leave and update events; returns the function that stops listening. */
  onEvent(listener: MemberListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Publishes new meta with a higher incarnation. */
  updateMeta(meta: Buffer | null): void {
    if ((meta?.length ?? 0) > MAX_META_BYTES) {
      throw new MemberlistOptionError('meta', meta?.length, `longer than ${MAX_META_BYTES} bytes`);
    }
    const self = this.#table.get(this.name);
    if (self === undefined) throw new StoppedError('update meta before start');
    self.meta = meta;
    this.#rules.refute(self, self.incarnation);
    this.#awareness.applyDelta(-1);
  }

  stats(): MemberlistStats {
    return { ...this.#stats };
  }

  #send(to: Address, messages: PacketMessage[]): void {
    const budget = this.timing.packetBudgetBytes - packetSize(messages) - 4;
    this.#config.transport.sendPacket(to, [...messages, ...this.#broadcasts.take(budget, this.#table.size)]);
  }

  #probeNext(): void {
    const { clock } = this.#config;
    const started = clock.now();
    const next = (): void => {
      const wait = started + this.timing.probeIntervalMs - clock.now();
      if (this.#running) this.#loops.once(() => this.#probeNext(), Math.max(0, wait));
    };
    const target = this.#table.nextProbeTarget(this.name, started, this.timing.gossipToTheDeadMs);
    if (target === null) next();
    else if (!isGoMember(target)) probe(this.#probeContext, target, next);
    else {
      this.#probeBeside(target, this.#goProbeContext);
      next();
    }
  }

  /** Go's probe window (1 s, 500 ms timeout) toward a Go member, which answers at Go's pace. */
  get #goProbeContext(): ProbeContext {
    const { probeIntervalMs } = this.timing.goMemberSuspicion;
    const timing = { ...this.timing, probeIntervalMs, probeTimeoutMs: this.timing.goMemberProbeTimeoutMs };
    return { ...this.#probeContext, timing };
  }

  /** One probe of `target` at a time beside the probe loop; false when one is already running. */
  #probeBeside(target: MemberRecord, context: ProbeContext): boolean {
    if (this.#probing.has(target.name)) return false;
    this.#probing.add(target.name);
    probe(context, target, () => this.#probing.delete(target.name));
    return true;
  }

  #gossipSoon(): void {
    if (this.#gossipScheduled) return;
    this.#gossipScheduled = true;
    this.#config.clock.defer(() => {
      this.#gossipScheduled = false;
      if (this.#running) this.#gossip();
    });
  }

  /** Lifeguard: probe an accused member now, so our failed probe confirms the suspicion within one interval. */
  #confirm(record: MemberRecord): void {
    if (!this.#running) return;
    const { confirmations } = suspicionBounds(suspicionFor(record, this.timing), this.#table.size);
    const others = this.#table.size - 2;
    if (confirmations === 0 || this.#random() >= (CONFIRMERS_PER_K * confirmations) / others) return;
    const context = isGoMember(record) ? this.#goProbeContext : this.#probeContext;
    if (this.#probeBeside(record, context)) this.#stats.confirmationProbes++;
  }

  #gossip(): void {
    const now = this.#config.clock.now();
    const targets = this.#table.random(this.timing.gossipNodes, (record) => {
      if (record.name === this.name || record.state === 'left') return false;
      return record.state !== 'dead' || now - record.stateChange <= this.timing.gossipToTheDeadMs;
    });
    for (const target of targets) {
      const messages = this.#broadcasts.take(this.timing.packetBudgetBytes - 4, this.#table.size);
      if (messages.length === 0) return;
      this.#config.transport.sendPacket(target, messages);
    }
  }

  #randomMember(state: 'alive' | 'dead'): MemberRecord | undefined {
    return this.#table.random(1, (record) => record.name !== this.name && record.state === state)[0];
  }

  #syncWith(peer: Address | undefined): void {
    if (peer !== undefined) this.#pushPull(peer, false).catch(() => this.#stats.pushPullFailures++);
  }

  #rejoinSeeds(): void {
    const live = this.liveMembers();
    for (const seed of this.#config.seeds ?? []) {
      if (!live.some((member) => sameAddress(member, seed))) this.#syncWith(seed);
    }
  }

  async #pushPull(peer: Address, join: boolean): Promise<void> {
    const state = localState(this.#table, join);
    const nodes = await requestPushPull(this.#config.transport, peer, state, this.timing.tcpTimeoutMs);
    if (this.#running) this.#rules.merge(nodes);
  }

  #handlePacket(from: Address, message: PacketMessage): void {
    switch (message.type) {
      case 'ping':
        if (message.node !== '' && message.node !== this.name) this.#stats.ignoredMessages++;
        else
          this.#send(replyAddress(from, message), [{ type: 'ackResp', seqNo: message.seqNo, payload: null }]);
        return;
      case 'indirectPing':
        return relayIndirectPing(this.#probeContext, from, message);
      case 'ackResp':
        return this.#acks.ack(message.seqNo);
      case 'nackResp':
        return this.#acks.nack(message.seqNo);
      case 'alive':
        return this.#rules.applyAlive(message);
      case 'suspect':
        return this.#rules.applySuspect(message);
      case 'dead':
        return this.#rules.applyDead(message);
      case 'user':
      case 'err':
        this.#stats.ignoredMessages++;
    }
  }

  async #handleStream(from: Address, message: StreamMessage): Promise<StreamReply> {
    if (!this.#running) throw new StoppedError('answer a stream');
    const reply = answerStream(this.name, this.#table, this.#rules, message);
    if (reply !== null) return reply;
    this.#stats.ignoredMessages++;
    return { type: 'err', error: `unexpected ${message.type} message from port ${from.port}` };
  }
}

/**
 * memberlist's state rules: alive, suspect and dead messages against the table, incarnation ordering,
 * refutation of accusations against this node, Lifeguard suspicion timers, push/pull merge. News that changes
 * a member's fate (suspect, dead, a refutation, a suspect back alive) is gossiped at once, not at the next
 * gossip tick, and a suspicion raised by another node is offered for a confirmation probe.
 */
import type { Alive, Dead, PushNodeState, Suspect } from '../wire/messages.ts';
import { NodeState } from '../wire/messages.ts';
import type { Awareness } from './awareness.ts';
import type { BroadcastQueue } from './broadcasts.ts';
import { suspicionFor, type TimingOptions } from './options.ts';
import { Suspicion, suspicionBounds } from './suspicion.ts';
import type { StatsCounter } from './stats.ts';
import { isDeadOrLeft, type MemberRecord, type MemberTable } from './table.ts';
import type { Clock, MemberEvent } from './types.ts';

export interface RulesContext {
  readonly name: string;
  readonly clock: Clock;
  readonly timing: TimingOptions;
  readonly table: MemberTable;
  readonly broadcasts: BroadcastQueue;
  readonly awareness: Awareness;
  emit(type: MemberEvent['type'], record: MemberRecord): void;
  count(counter: StatsCounter): void;
  /** Gossip what was just queued now rather than at the next tick. */
  gossipSoon(): void;
  /** Another node accused `record`, which was alive here: a chance to confirm by probing it ourselves. */
  accused(record: MemberRecord): void;
}

const sameBytes = (a: Buffer | null, b: Buffer | null): boolean =>
  (a ?? Buffer.alloc(0)).equals(b ?? Buffer.alloc(0));
const sameVsn = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((value, index) => value === b[index]);

/** memberlist ignores an alive whose protocol range is empty or inverted. */
const validVsn = (vsn: readonly number[]): boolean =>
  vsn.length < 3 || (vsn[0] !== 0 && vsn[1] !== 0 && (vsn[0] ?? 0) <= (vsn[1] ?? 0));

export class StateRules {
  readonly #context: RulesContext;
  readonly #suspicions = new Map<string, Suspicion>();
  /** Set by a graceful leave: our own dead message is then gossiped, not refuted. */
  leaving = false;

  constructor(context: RulesContext) {
    this.#context = context;
  }

  /** `bootstrap` is this node announcing itself (at start): it is broadcast, not refuted. */
  applyAlive(alive: Alive, bootstrap = false): void {
    const { table, clock, name } = this.#context;
    if (!validVsn(alive.vsn)) return;
    const isLocal = alive.node === name;
    let record = table.get(alive.node);
    let reclaims = false;
    if (record !== undefined && (!record.addr.equals(alive.addr) || record.port !== alive.port)) {
      // A new address for a known name is accepted only once the old one left (dead is never reclaimed).
      if (record.state !== 'left') return;
      reclaims = true;
    }
    if (record !== undefined && !isLocal && !reclaims && alive.incarnation <= record.incarnation) return;
    if (record !== undefined && isLocal && alive.incarnation < record.incarnation) return;
    if (record === undefined) {
      if (!bootstrap && isLocal) return;
      const { addr, port, meta, vsn } = alive;
      record = {
        name: alive.node,
        addr,
        port,
        meta,
        vsn,
        incarnation: 0,
        state: 'dead',
        stateChange: clock.now(),
      };
      table.add(record);
    }
    this.#cancelSuspicion(alive.node);
    if (isLocal && !bootstrap) {
      if (alive.incarnation === record.incarnation && sameBytes(alive.meta, record.meta)) return;
      this.refute(record, alive.incarnation);
      return;
    }
    this.#context.broadcasts.queue(alive.node, alive);
    if (record.state !== 'alive') this.#context.gossipSoon();
    const wasDown = isDeadOrLeft(record);
    const metaChanged = !sameBytes(alive.meta, record.meta) || !sameVsn(alive.vsn, record.vsn);
    Object.assign(record, { incarnation: alive.incarnation, meta: alive.meta, vsn: alive.vsn });
    Object.assign(record, { addr: alive.addr, port: alive.port });
    if (record.state !== 'alive') Object.assign(record, { state: 'alive', stateChange: clock.now() });
    if (wasDown) this.#context.emit('join', record);
    else if (metaChanged) this.#context.emit('update', record);
  }

  applySuspect(suspect: Suspect): void {
    const record = this.#context.table.get(suspect.node);
    if (record === undefined || suspect.incarnation < record.incarnation) return;
    const running = this.#suspicions.get(suspect.node);
    if (running !== undefined) {
      if (!running.confirm(suspect.from)) return;
      this.#context.broadcasts.queue(suspect.node, suspect);
      this.#context.gossipSoon();
      return;
    }
    if (record.state !== 'alive') return;
    if (record.name === this.#context.name) {
      this.#context.count('refutations');
      this.refute(record, suspect.incarnation);
      return;
    }
    this.#context.broadcasts.queue(suspect.node, suspect);
    Object.assign(record, {
      incarnation: suspect.incarnation,
      state: 'suspect',
      stateChange: this.#context.clock.now(),
    });
    this.#context.count('suspicions');
    this.#startSuspicion(record, suspect.from);
    this.#context.gossipSoon();
    if (suspect.from !== this.#context.name) this.#context.accused(record);
  }

  /** A dead whose From is the node itself is a graceful leave: the member becomes left. */
  applyDead(dead: Dead, onSent?: () => void): void {
    const record = this.#context.table.get(dead.node);
    if (record === undefined || dead.incarnation < record.incarnation) return;
    this.#cancelSuspicion(dead.node);
    if (isDeadOrLeft(record)) return;
    if (record.name === this.#context.name && !this.leaving) {
      this.#context.count('refutations');
      this.refute(record, dead.incarnation);
      return;
    }
    this.#context.broadcasts.queue(dead.node, dead, onSent);
    this.#context.gossipSoon();
    const state = dead.from === dead.node ? 'left' : 'dead';
    Object.assign(record, { incarnation: dead.incarnation, state, stateChange: this.#context.clock.now() });
    this.#context.emit('leave', record);
  }

  /** Merges a push/pull state: a remote's dead is only a suspicion here; left is final. */
  merge(nodes: readonly PushNodeState[]): void {
    for (const node of nodes) {
      const about = { incarnation: node.incarnation, node: node.name };
      if (node.state === NodeState.alive) {
        const { addr, port, meta, vsn } = node;
        this.applyAlive({ type: 'alive', ...about, addr, port, meta, vsn });
      } else if (node.state === NodeState.left) {
        this.applyDead({ type: 'dead', ...about, from: node.name });
      } else {
        this.applySuspect({ type: 'suspect', ...about, from: this.#context.name });
      }
    }
  }

  /** Answers an accusation at `accused` with an alive above it; being accused also lowers our health. */
  refute(self: MemberRecord, accused: number): void {
    self.incarnation = Math.max(self.incarnation, accused) + 1;
    this.#context.awareness.applyDelta(1);
    this.#context.broadcasts.queue(self.name, this.aliveOf(self));
    this.#context.gossipSoon();
  }

  aliveOf(record: MemberRecord): Alive {
    const { incarnation, addr, port, meta, vsn } = record;
    return { type: 'alive', incarnation, node: record.name, addr, port, meta, vsn };
  }

  stop(): void {
    for (const suspicion of this.#suspicions.values()) suspicion.cancel();
    this.#suspicions.clear();
  }

  #startSuspicion(record: MemberRecord, from: string): void {
    const { clock, timing, table, name } = this.#context;
    const bounds = suspicionBounds(suspicionFor(record, timing), table.size);
    const incarnation = record.incarnation;
    const suspicion = new Suspicion(clock, bounds, from, () => {
      this.#suspicions.delete(record.name);
      if (record.state === 'suspect' && record.incarnation === incarnation) {
        this.#context.count('deathsDeclared');
        this.applyDead({ type: 'dead', incarnation, node: record.name, from: name });
      }
    });
    this.#suspicions.set(record.name, suspicion);
  }

  #cancelSuspicion(node: string): void {
    this.#suspicions.get(node)?.cancel();
    this.#suspicions.delete(node);
  }
}

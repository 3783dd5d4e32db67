/**
 * The member table: records by name plus memberlist's probe order (a list shuffled at each pass, new members
 * inserted at a random place, dead members forgotten after the gossip-to-the-dead time).
 */
import type { PushNodeState } from '../wire/messages.ts';
import { NodeState } from '../wire/messages.ts';
import { pickRandom, randomInt, shuffle } from './random.ts';
import type { Member, MemberState, Random } from './types.ts';

export interface MemberRecord {
  name: string;
  addr: Buffer;
  port: number;
  meta: Buffer | null;
  vsn: readonly number[];
  incarnation: number;
  state: MemberState;
  stateChange: number;
}

const STATE_NUMBER = {
  alive: NodeState.alive,
  suspect: NodeState.suspect,
  dead: NodeState.dead,
  left: NodeState.left,
};

export const snapshot = (record: MemberRecord): Member => ({ ...record });

export const isDeadOrLeft = (record: MemberRecord): boolean =>
  record.state === 'dead' || record.state === 'left';

export const toPushNodeState = (record: MemberRecord): PushNodeState => ({
  name: record.name,
  addr: record.addr,
  port: record.port,
  meta: record.meta,
  incarnation: record.incarnation,
  state: STATE_NUMBER[record.state],
  vsn: record.vsn,
});

export class MemberTable {
  readonly #random: Random;
  readonly #records = new Map<string, MemberRecord>();
  #order: MemberRecord[] = [];
  #probeIndex = 0;

  constructor(random: Random) {
    this.#random = random;
  }

  get size(): number {
    return this.#records.size;
  }

  get(name: string): MemberRecord | undefined {
    return this.#records.get(name);
  }

  all(): MemberRecord[] {
    return [...this.#records.values()];
  }

  add(record: MemberRecord): void {
    this.#records.set(record.name, record);
    const offset = randomInt(this.#random, this.#order.length + 1);
    this.#order.splice(offset, 0, record);
  }

  /** The next member to probe (not `self`, not dead or left), or null when there is none. */
  nextProbeTarget(self: string, now: number, gossipToTheDeadMs: number): MemberRecord | null {
    for (let checked = 0; checked <= this.#order.length;) {
      if (this.#probeIndex >= this.#order.length) {
        this.#resetOrder(now, gossipToTheDeadMs);
        checked++;
        continue;
      }
      const record = this.#order[this.#probeIndex++] as MemberRecord;
      if (record.name !== self && !isDeadOrLeft(record)) return record;
      checked++;
    }
    return null;
  }

  /** Up to `count` distinct members, uniformly, among those `eligible` accepts. */
  random(count: number, eligible: (record: MemberRecord) => boolean): MemberRecord[] {
    return pickRandom(this.#random, this.all().filter(eligible), count);
  }

  /** Forgets members dead or left for longer than the gossip-to-the-dead time, then reshuffles. */
  #resetOrder(now: number, gossipToTheDeadMs: number): void {
    const forgotten = (record: MemberRecord): boolean =>
      isDeadOrLeft(record) && now - record.stateChange > gossipToTheDeadMs;
    for (const record of this.#order) if (forgotten(record)) this.#records.delete(record.name);
    this.#order = shuffle(
      this.#random,
      this.#order.filter((record) => !forgotten(record)),
    );
    this.#probeIndex = 0;
  }
}

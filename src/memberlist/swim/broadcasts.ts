/**
 * memberlist's transmit-limited queue: each broadcast about a node is sent a limited number of times
 * (mult x ceil(log10(n + 1))), least-sent first, and a newer broadcast about the same node replaces older ones.
 */
import type { PacketMessage } from '../wire/messages.ts';
import { compoundPartSize } from './sizes.ts';

interface Queued {
  readonly node: string;
  readonly message: PacketMessage;
  readonly order: number;
  transmits: number;
  readonly onDone: (() => void) | undefined;
}

export class BroadcastQueue {
  readonly #retransmitMult: number;
  #items: Queued[] = [];
  #order = 0;

  constructor(retransmitMult: number) {
    this.#retransmitMult = retransmitMult;
  }

  get length(): number {
    return this.#items.length;
  }

  retransmitLimit(clusterSize: number): number {
    return this.#retransmitMult * Math.ceil(Math.log10(clusterSize + 1));
  }

  /** Queues `message` about `node`, dropping older ones about it; `onDone` runs once it is sent out or replaced. */
  queue(node: string, message: PacketMessage, onDone?: () => void): void {
    const kept: Queued[] = [];
    for (const item of this.#items) {
      if (item.node === node) item.onDone?.();
      else kept.push(item);
    }
    kept.push({ node, message, order: this.#order++, transmits: 0, onDone });
    this.#items = kept;
  }

  /** Takes the broadcasts that fit in `budgetBytes` (compound part sizes), counting one transmit each. */
  take(budgetBytes: number, clusterSize: number): PacketMessage[] {
    if (this.#items.length === 0) return [];
    const limit = this.retransmitLimit(clusterSize);
    const ordered = [...this.#items].sort((a, b) => a.transmits - b.transmits || b.order - a.order);
    const taken: PacketMessage[] = [];
    let remaining = budgetBytes;
    for (const item of ordered) {
      const size = compoundPartSize(item.message);
      if (size > remaining) continue;
      remaining -= size;
      taken.push(item.message);
      item.transmits += 1;
    }
    this.#items = this.#items.filter((item) => {
      if (item.transmits < limit) return true;
      item.onDone?.();
      return false;
    });
    return taken;
  }

  clear(): void {
    this.#items = [];
  }
}

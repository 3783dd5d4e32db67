import { BroadcastQueue } from '../../src/memberlist/swim/broadcasts.ts';
import {
  fastLan,
  lanDefaults,
  Memberlist,
  MemberlistOptionError,
  messageSize,
  resolveTiming,
  suspicionBounds,
  suspicionFor,
  suspicionTimeout,
} from '../../src/memberlist/swim/index.ts';
import { SimNetwork } from '../../src/memberlist/sim/index.ts';
import type { Alive, Ping } from '../../src/memberlist/wire/messages.ts';

const alive = (node: string, incarnation: number): Alive => ({
  type: 'alive',
  incarnation,
  node,
  addr: Buffer.from([10, 0, 0, 1]),
  port: 7946,
  meta: null,
  vsn: [1, 5, 2, 0, 0, 0],
});

describe('Lifeguard suspicion formula', () => {
  it('scales the minimum with log10(n), the maximum by the max multiplier, and caps k at n - 2', () => {
    expect(suspicionBounds(lanDefaults, 5)).toEqual({ minMs: 4000, maxMs: 24_000, confirmations: 2 });
    expect(suspicionBounds(lanDefaults, 100)).toEqual({ minMs: 8000, maxMs: 48_000, confirmations: 2 });
    expect(suspicionBounds(lanDefaults, 3).confirmations).toBe(1);
    expect(suspicionBounds(lanDefaults, 2).confirmations).toBe(0);
  });

  it('shortens from max to min as confirmations arrive', () => {
    const bounds = { minMs: 1000, maxMs: 6000, confirmations: 2 };
    expect(suspicionTimeout(bounds, 0)).toBe(6000);
    expect(suspicionTimeout(bounds, 1)).toBe(Math.floor(6000 - (Math.log(2) / Math.log(3)) * 5000));
    expect(suspicionTimeout(bounds, 2)).toBe(1000);
    expect(suspicionTimeout({ ...bounds, confirmations: 0 }, 0)).toBe(1000);
  });

  it('judges members with empty meta (Go nodes) by the patient timing', () => {
    expect(suspicionFor({ meta: null }, fastLan)).toBe(fastLan.goMemberSuspicion);
    expect(suspicionFor({ meta: Buffer.alloc(0) }, fastLan)).toBe(fastLan.goMemberSuspicion);
    expect(suspicionFor({ meta: Buffer.from('l2s') }, fastLan)).toBe(fastLan);
  });
});

describe('broadcast queue', () => {
  it('replaces older broadcasts about the same node and stops after mult x ceil(log10(n + 1)) sends', () => {
    const queue = new BroadcastQueue(2);
    let replaced = false;
    queue.queue('a', alive('a', 1), () => (replaced = true));
    queue.queue('a', alive('a', 2));
    expect(replaced).toBe(true);
    expect(queue.take(1400, 5)).toEqual([alive('a', 2)]);
    expect(queue.take(1400, 5)).toEqual([alive('a', 2)]);
    expect(queue.take(1400, 5)).toEqual([]);
  });

  it('sends the least-sent first and only what fits the budget', () => {
    const queue = new BroadcastQueue(4);
    queue.queue('a', alive('a', 1));
    expect(queue.take(1400, 5)).toHaveLength(1);
    queue.queue('b', alive('b', 1));
    expect(queue.take(2 + messageSize(alive('b', 1)), 5)).toEqual([alive('b', 1)]);
    expect(queue.take(10, 5)).toEqual([]);
  });
});

describe('sizes and options', () => {
  it('computes the encoded size of the reference test vectors', () => {
    const ping: Ping = {
      type: 'ping',
      seqNo: 7,
      node: 'node-b',
      sourceAddr: Buffer.from([10, 0, 0, 1]),
      sourcePort: 7946,
      sourceNode: 'node-a',
    };
    const pingHex =
      '0085a44e6f6465a66e6f64652d62a55365714e6f07aa536f7572636541646472a40a000001aa536f757263654e6f6465a66e6f64652d61aa536f75726365506f7274cd1f0a';
    const aliveHex =
      '0486a441646472a40a000001ab496e6361726e6174696f6e01a44d657461c0a44e6f6465a66e6f64652d61a4506f7274cd1f0aa356736ea6010502000000';
    expect(messageSize(ping)).toBe(pingHex.length / 2);
    expect(messageSize(alive('node-a', 1))).toBe(aliveHex.length / 2);
  });

  it('rejects bad timings and oversized meta with the field named', () => {
    expect(() => resolveTiming(fastLan, { probeIntervalMs: 0 })).toThrow(MemberlistOptionError);
    expect(() => resolveTiming(fastLan, { probeTimeoutMs: 60 })).toThrow(/probeTimeoutMs/);
    const endpoint = new SimNetwork(1).addNode();
    const config = { name: 'a', ...endpoint.address, transport: endpoint, clock: endpoint.clock };
    expect(() => new Memberlist({ ...config, meta: Buffer.alloc(513) })).toThrow(/meta/);
    expect(() => new Memberlist({ ...config, name: '' })).toThrow(/name/);
  });
});

/**
 * The membership runtime: Memberlist on a SocketTransport, driven by Requests on a message port and reporting
 * events, member snapshots and replies back. The same code runs in the worker thread and, for tests,
 * in-process behind a MessageChannel.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { addressBytes, addressKey, hostOf, SocketTransport, splitHostPort } from '../net/index.ts';
import { fastLan, lanDefaults, Memberlist, systemClock, type Address, type Member } from '../swim/index.ts';
import { createKeyring } from '../wire/index.ts';
import { MembershipError, MembershipOptionError } from './errors.ts';
import { raiseThreadPriority, type PriorityOutcome } from './priority.ts';
import { serializeError } from './protocol.ts';
import type { MembershipStats, MemberSnapshot, Report, Request, RuntimeOptions } from './protocol.ts';

const DEFAULT_PORT = 7946;
/** Pause between join attempts while no seed answered and joinTimeoutMs has not passed. */
const JOIN_RETRY_MS = 500;

/** What both a worker's parentPort and a MessageChannel port offer. */
export interface RuntimePort {
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
}

export function snapshotOf(member: Member): MemberSnapshot {
  const addr = member.addr.length === 4 || member.addr.length === 16 ? hostOf(member.addr) : '';
  const meta = member.meta?.toString('base64') ?? '';
  return { name: member.name, addr, port: member.port, meta, state: member.state };
}

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/** The advertised address: given, or the bind address, or the first external address of its family. */
function advertiseAddress(options: RuntimeOptions): string {
  if (options.advertiseAddr !== undefined) return options.advertiseAddr;
  if (!UNSPECIFIED.has(options.bindAddr)) return options.bindAddr;
  const family = options.bindAddr === '::' ? 'IPv6' : 'IPv4';
  const found = Object.values(networkInterfaces())
    .flat()
    .find((info) => info !== undefined && !info.internal && info.family === family);
  if (found === undefined)
    throw new MembershipOptionError('advertiseAddr', undefined, `no ${family} address`);
  return found.address;
}

async function resolveSeed(seed: string, family: 4 | 6): Promise<Address> {
  const { host, port } = splitHostPort(seed, DEFAULT_PORT);
  const ip = isIP(host) !== 0 ? host : (await lookup(host, { family })).address;
  return { addr: addressBytes(ip), port };
}

export class Runtime {
  readonly #memberlist: Memberlist;
  readonly #transport: SocketTransport;
  readonly #self: Address;
  readonly #family: 4 | 6;
  readonly #priority: PriorityOutcome;
  #running = true;

  static async start(options: RuntimeOptions, report: (report: Report) => void): Promise<Runtime> {
    const advertise = advertiseAddress(options);
    const scope = options.isolation === 'process' ? 'process' : 'thread';
    const priority = await raiseThreadPriority(options.threadPriority, scope);
    if (priority.errors.length > 0 && options.debug) {
      report({ kind: 'log', message: 'thread priority not fully raised', fields: { ...priority } });
    }
    const keyring =
      options.keys.length > 0 ? createKeyring(options.keys.map((key) => Buffer.from(key))) : undefined;
    const debug = options.debug
      ? (message: string, fields: Record<string, unknown>) => report({ kind: 'log', message, fields })
      : undefined;
    const transport = await SocketTransport.open({
      bindAddr: options.bindAddr,
      bindPort: options.bindPort,
      ...(keyring ? { keyring } : {}),
      ...(options.label ? { label: options.label } : {}),
      ...(debug ? { debug } : {}),
      compress: options.compress,
    });
    // Seeds stay known to the memberlist, which re-joins them while they are not live members: the only
    // way a partition longer than the dead-member reconnect window heals. Unresolvable names are skipped.
    const self = { addr: addressBytes(advertise), port: transport.port };
    const family = self.addr.length === 4 ? 4 : 6;
    const resolved = await Promise.allSettled(options.seeds.map((seed) => resolveSeed(seed, family)));
    const seeds = resolved
      .flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
      .filter((seed) => addressKey(seed) !== addressKey(self));
    return new Runtime(options, { self, seeds, transport, priority }, report);
  }

  private constructor(
    options: RuntimeOptions,
    parts: {
      self: Address;
      seeds: readonly Address[];
      transport: SocketTransport;
      priority: PriorityOutcome;
    },
    report: (report: Report) => void,
  ) {
    const { self, seeds, transport } = parts;
    this.#priority = parts.priority;
    this.#transport = transport;
    this.#self = self;
    this.#family = this.#self.addr.length === 4 ? 4 : 6;
    const meta = options.meta.length > 0 ? Buffer.from(options.meta) : null;
    const profile = options.profile === 'lan' ? lanDefaults : fastLan;
    const memberlist = new Memberlist({
      name: options.name,
      ...this.#self,
      meta,
      transport,
      clock: systemClock,
      profile,
      seeds,
    });
    this.#memberlist = memberlist;
    const versions = new Map<string, readonly number[]>();
    transport.setVersionLookup((to) => versions.get(addressKey(to)));
    memberlist.onEvent(({ type, member }) => {
      versions.set(addressKey(member), member.vsn);
      const event = { type, member: snapshotOf(member), at: Date.now() };
      report({ kind: 'event', event, members: this.members() });
    });
    memberlist.start();
    report({ kind: 'started', port: transport.port, members: this.members(), pid: process.pid });
    void this.#syncFirst(options.seeds, Date.now() + options.joinTimeoutMs).then((synced) =>
      report({ kind: 'synced', synced }),
    );
  }

  members(): MemberSnapshot[] {
    return this.#memberlist.members().map(snapshotOf);
  }

  /** Push/pull join with every seed but ourselves; resolves with how many answered. */
  async join(seeds: readonly string[]): Promise<number> {
    const addresses = await Promise.all(seeds.map((seed) => resolveSeed(seed, this.#family)));
    const others = addresses.filter((seed) => addressKey(seed) !== addressKey(this.#self));
    return others.length === 0 ? 0 : this.#memberlist.join(others);
  }

  async leave(timeoutMs: number): Promise<void> {
    this.#running = false;
    await this.#memberlist.leave(timeoutMs);
    await this.#transport.close();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#memberlist.stop();
    await this.#transport.close();
  }

  stats(): MembershipStats {
    const memberlist = this.#memberlist.stats();
    return {
      transport: this.#transport.stats(),
      memberlist,
      healthScore: this.#memberlist.healthScore,
      threadPriority: this.#priority,
    };
  }

  /** True once a join reached a seed (or there is none to reach); false when the deadline passes first. */
  async #syncFirst(seeds: readonly string[], deadline: number): Promise<boolean> {
    if (seeds.length === 0) return true;
    while (this.#running && Date.now() < deadline) {
      try {
        const remaining = deadline - Date.now();
        const joined = await Promise.race([this.join(seeds), delay(remaining).then(() => -1)]);
        return joined >= 0;
      } catch {
        await delay(Math.min(JOIN_RETRY_MS, Math.max(0, deadline - Date.now())));
      }
    }
    return false;
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Serves Requests arriving on `port` until stop or leave; replies carry the request's id. */
export function serve(port: RuntimePort): void {
  let runtime: Runtime | undefined;
  const post = (report: Report): void => port.postMessage(report);
  const run = (request: Exclude<Request, { kind: 'start' }>, on: Runtime): Promise<unknown> => {
    if (request.kind === 'join') return on.join(request.seeds);
    if (request.kind === 'leave') return on.leave(request.timeoutMs);
    if (request.kind === 'stop') return on.stop();
    return Promise.resolve(on.stats());
  };
  port.on('message', (value) => {
    const request = value as Request;
    if (request.kind === 'start') {
      Runtime.start(request.options, post).then(
        (started) => (runtime = started),
        (err: unknown) => post({ kind: 'failed', error: serializeError(err) }),
      );
      return;
    }
    const current = runtime;
    const result = current ? run(request, current) : Promise.reject(new MembershipError('not started'));
    result.then(
      (value) => post({ kind: 'reply', id: request.id, value }),
      (err: unknown) => post({ kind: 'reply', id: request.id, error: serializeError(err) }),
    );
  });
}

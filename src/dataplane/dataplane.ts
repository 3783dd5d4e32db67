/**
 * The data plane controller: keeps each interface's native responder answering exactly the desired
 * addresses, announces an address when this node gains it (never on a mere resync), follows interface
 * and MAC changes, and answers conflicts with one rate-limited re-announcement.
 */
import { bindingKey, desiredBindings, diffBindings, type Binding, type DesiredAddress } from './bindings.ts';
import { announcementFrames, describeConflict, ipBytes, solicitedNodeGroup } from './frames.ts';
import { formatIp, IPV6_LENGTH, parseMac } from '../ether/index.ts';
import { InterfaceSelector, sameInterfaces, type InterfaceState } from './interfaces.ts';
import type { GroupMemberships, Responder } from '../native/index.ts';
import type { DataplaneComponents, Timer } from './ports.ts';
import { AnnouncementPacer, type PacerCounters, type PacerPort } from './pacer.ts';

export interface DataplaneOptions {
  /** When to send the gratuitous ARP / unsolicited NA after gaining an address, in ms from the gain. */
  readonly announceScheduleMs: readonly number[];
  /** How often interfaces (presence, addresses, MAC) are re-read. */
  readonly interfaceRefreshMs: number;
  /** At most one re-announcement per address and interface in this period when another MAC claims it. */
  readonly conflictReannounceMs: number;
  /** Interface name prefixes never chosen automatically. */
  readonly excludedInterfaces?: readonly string[];
  /**
   * Announcement frames per second, at most (gratuitous ARP request and reply count two): a burst of
   * gains goes out paced and in a fair order (AnnouncementPacer). Default 2,000.
   */
  readonly announceRate?: number;
}

export const DEFAULT_ANNOUNCE_RATE = 2000;

export const DEFAULT_DATAPLANE_OPTIONS: DataplaneOptions = {
  announceScheduleMs: [0, 500, 1000, 2000],
  interfaceRefreshMs: 1000,
  conflictReannounceMs: 10_000,
};

interface OpenInterface {
  readonly responder: Responder;
  mac: string;
  bindings: number;
}

type AnnouncementKind = 'gain' | 'conflict' | 'mac-change' | 'rejoin';

/** One series of announcements of a binding (every round of a gain schedule shares it). */
interface Announcement {
  readonly binding: Binding;
  readonly kind: AnnouncementKind;
  /** Built at the first turn and reused by the repeats while the MAC stays the same. */
  frames?: { readonly mac: string; readonly frames: readonly Buffer[] };
}

export class Dataplane {
  readonly #components: DataplaneComponents;
  readonly #options: DataplaneOptions;
  readonly #applied = new Map<string, Binding>();
  readonly #open = new Map<string, OpenInterface>();
  readonly #lastConflictAnnouncement = new Map<string, number>();
  #desired: readonly DesiredAddress[] = [];
  #interfaces: InterfaceState[] = [];
  #selector: InterfaceSelector;
  #groups: GroupMemberships | undefined;
  /** A bind failed: the next refresh re-applies the desired set even if no interface changed. */
  #bindFailed = false;
  #refreshTimer: Timer | undefined;
  #closed = false;
  readonly #pacer: AnnouncementPacer<Announcement>;

  constructor(components: DataplaneComponents, options: DataplaneOptions = DEFAULT_DATAPLANE_OPTIONS) {
    this.#components = components;
    this.#options = options;
    this.#pacer = new AnnouncementPacer(components.clock, this.#announcementPort(), {
      framesPerSecond: options.announceRate ?? DEFAULT_ANNOUNCE_RATE,
    });
    this.#interfaces = components.readInterfaces();
    this.#selector = new InterfaceSelector(this.#interfaces, options.excludedInterfaces);
    this.#scheduleRefresh();
  }

  /** Makes the answered set equal to `desired`; announces only what was gained. Returns the changes. */
  apply(desired: readonly DesiredAddress[]): number {
    if (this.#closed) return 0;
    this.#desired = desired;
    const wanted = desiredBindings(desired, this.#selector);
    this.#selector.sweep();
    const { added, removed } = diffBindings(this.#applied, wanted);
    for (const binding of removed) this.#unbind(binding);
    for (const binding of added) {
      if (this.#bind(binding)) this.#announce(binding, 'gain', this.#options.announceScheduleMs);
    }
    return added.length + removed.length;
  }

  /**
   * Announces every address answered, on the gain schedule: after a partition heals, hosts on the other
   * side may still point at a node that answered while split and has stopped since.
   */
  reannounce(): void {
    for (const binding of this.#applied.values())
      this.#announce(binding, 'rejoin', this.#options.announceScheduleMs);
  }

  /** The (interface, IP) pairs being answered. */
  bindings(): Binding[] {
    return [...this.#applied.values()];
  }

  /** The native counters of every open interface. */
  counters(): Record<string, Record<string, number>> {
    return Object.fromEntries([...this.#open].map(([name, open]) => [name, open.responder.counters()]));
  }

  /** Requests answered and responses sent per address, summed over interfaces. */
  addressCounters(): { ip: string; requestsReceived: number; responsesSent: number }[] {
    const totals = new Map<string, { ip: string; requestsReceived: number; responsesSent: number }>();
    for (const open of this.#open.values()) {
      for (const counted of open.responder.addressCounters()) {
        const ip = formatIp(counted.ip);
        const total = totals.get(ip) ?? { ip, requestsReceived: 0, responsesSent: 0 };
        total.requestsReceived += counted.requests;
        total.responsesSent += counted.responses;
        totals.set(ip, total);
      }
    }
    return [...totals.values()];
  }

  /** Announcements waiting, frames sent, sends retried (socket buffer full) and frames given up on. */
  announceCounters(): PacerCounters {
    return this.#pacer.counters();
  }

  /**
   * Stops answering everything at once: each responder stops when its socket closes (a few syscalls,
   * not one per address); nothing more is announced or applied. The solicited-node groups stay joined
   * until close(): the kernel takes ~2 s to drop 10,000 of them, which a stopping speaker spends after
   * it has left the cluster, not before.
   */
  stopAnswering(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pacer.close();
    if (this.#refreshTimer) this.#components.clock.clearTimeout(this.#refreshTimer);
    for (const open of this.#open.values()) open.responder.close();
    this.#open.clear();
    this.#applied.clear();
  }

  /** Stops answering, then releases the group memberships (the kernel drops them as their socket closes). */
  close(): void {
    this.stopAnswering();
    this.#groups?.close();
    this.#groups = undefined;
  }

  #bind(binding: Binding): boolean {
    const key = bindingKey(binding.ifname, binding.ip);
    try {
      const open = this.#openInterface(binding.ifname);
      const ip = ipBytes(binding.ip);
      open.responder.addAddress(ip);
      if (ip.length === IPV6_LENGTH) this.#joinSolicitedNode(open.responder, ip);
      open.bindings += 1;
      this.#applied.set(key, binding);
      this.#components.logger.info('answering', { ip: binding.ip, interface: binding.ifname });
      return true;
    } catch (err) {
      // Retried on the next interface refresh, which re-applies the desired set.
      this.#bindFailed = true;
      this.#components.logger.error(`cannot answer ${binding.ip} on ${binding.ifname}`, err);
      return false;
    }
  }

  #unbind(binding: Binding): void {
    const key = bindingKey(binding.ifname, binding.ip);
    this.#applied.delete(key);
    const open = this.#open.get(binding.ifname);
    if (!open) return;
    const ip = ipBytes(binding.ip);
    open.responder.removeAddress(ip);
    try {
      if (ip.length === IPV6_LENGTH) this.#leaveSolicitedNode(open.responder, ip);
    } catch (err) {
      // The address is no longer answered; a group left behind (e.g. its interface vanished) costs nothing.
      this.#components.logger.warn(`cannot leave the solicited-node group of ${binding.ip}`, err);
    }
    open.bindings -= 1;
    this.#components.logger.info('stopped answering', { ip: binding.ip, interface: binding.ifname });
    if (open.bindings === 0) {
      open.responder.close();
      this.#open.delete(binding.ifname);
    }
  }

  #openInterface(ifname: string): OpenInterface {
    const existing = this.#open.get(ifname);
    if (existing) return existing;
    const state = this.#interfaces.find((i) => i.name === ifname);
    const responder = this.#components.native.openResponder(ifname, (frame) =>
      this.#onConflict(ifname, frame),
    );
    const open = { responder, mac: state?.mac ?? '', bindings: 0 };
    this.#open.set(ifname, open);
    return open;
  }

  #joinSolicitedNode(responder: Responder, ip: Buffer): void {
    const group = solicitedNodeGroup(ip);
    responder.addMembership(group.mac);
    this.#groups ??= this.#components.native.openGroupMemberships();
    this.#groups.join(responder.ifindex, group.address);
  }

  #leaveSolicitedNode(responder: Responder, ip: Buffer): void {
    const group = solicitedNodeGroup(ip);
    responder.dropMembership(group.mac);
    this.#groups?.leave(responder.ifindex, group.address);
  }

  /**
   * Queues the announcements of `scheduleMs` (ms from now) with the pacer; an announcement whose binding
   * was released (or replaced) by its turn is skipped there.
   */
  #announce(binding: Binding, kind: AnnouncementKind, scheduleMs: readonly number[]): void {
    const now = this.#components.clock.now();
    const announcement: Announcement = { binding, kind };
    scheduleMs.forEach((delay, round) => this.#pacer.enqueue(announcement, round, now + delay));
  }

  /** What the pacer does with an announcement: frames built at its turn, with the MAC of then. */
  #announcementPort(): PacerPort<Announcement> {
    return {
      frames: (announcement) => {
        const { binding } = announcement;
        const open = this.#open.get(binding.ifname);
        if (!open || this.#applied.get(bindingKey(binding.ifname, binding.ip)) !== binding) return undefined;
        if (announcement.frames?.mac !== open.mac)
          announcement.frames = { mac: open.mac, frames: announcementFrames(binding.ip, open.mac) };
        return announcement.frames.frames;
      },
      send: ({ binding }, frame) => this.#open.get(binding.ifname)?.responder.send(frame),
      sent: ({ binding, kind }) => this.#components.events?.announced(binding.ip, binding.ifname, kind),
      failed: ({ binding }, err) =>
        this.#components.logger.warn(`announcement of ${binding.ip} on ${binding.ifname} failed`, err),
    };
  }

  #onConflict(ifname: string, frame: Buffer): void {
    const claim = describeConflict(frame);
    if (!claim) return;
    const key = bindingKey(ifname, claim.ip);
    const binding = this.#applied.get(key);
    this.#components.logger.warn('another host claims an address we answer for', {
      ip: claim.ip,
      interface: ifname,
      mac: claim.mac,
    });
    this.#components.events?.conflict(claim.ip, ifname, claim.mac);
    const now = this.#components.clock.now();
    const last = this.#lastConflictAnnouncement.get(key);
    if (!binding || (last !== undefined && now - last < this.#options.conflictReannounceMs)) return;
    this.#lastConflictAnnouncement.set(key, now);
    this.#announce(binding, 'conflict', [0]);
  }

  #scheduleRefresh(): void {
    const timer = this.#components.clock.setTimeout(() => {
      this.#refresh();
      if (!this.#closed) this.#scheduleRefresh();
    }, this.#options.interfaceRefreshMs);
    timer.unref?.();
    this.#refreshTimer = timer;
  }

  /** Follows interfaces appearing, vanishing, changing addresses or MAC (a bond's new active slave). */
  #refresh(): void {
    let read: InterfaceState[];
    try {
      read = this.#components.readInterfaces();
    } catch (err) {
      this.#components.logger.error('cannot read interfaces', err);
      return;
    }
    // Re-applying 10,000 addresses every second would be pure garbage when nothing changed.
    if (!this.#bindFailed && sameInterfaces(read, this.#interfaces)) return;
    this.#bindFailed = false;
    this.#interfaces = read;
    this.#selector = new InterfaceSelector(read, this.#options.excludedInterfaces);
    for (const [ifname, open] of this.#open) {
      const state = this.#interfaces.find((i) => i.name === ifname);
      if (!state || state.mac === open.mac) continue;
      this.#components.logger.warn('interface MAC changed: re-announcing', {
        interface: ifname,
        mac: state.mac,
      });
      open.mac = state.mac;
      open.responder.setMac(parseMac(state.mac));
      for (const binding of this.#applied.values()) {
        if (binding.ifname === ifname)
          this.#announce(binding, 'mac-change', this.#options.announceScheduleMs);
      }
    }
    this.apply(this.#desired);
  }
}

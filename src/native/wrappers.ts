/** Typed wrappers over the raw addon: argument shapes as the API promises, errors as NativeError. */
import { callNative } from './errors.ts';
import { loadAddon, type NativeGroupMemberships, type NativeResponder } from './load.ts';
import type {
  AddressCounters,
  GroupMemberships,
  InterfaceInfo,
  Responder,
  Verdict,
  VerdictContext,
} from './types.ts';

class OpenResponder implements Responder {
  readonly ifindex: number;
  readonly #native: NativeResponder;

  constructor(native: NativeResponder) {
    this.#native = native;
    this.ifindex = native.ifindex();
  }

  addAddress(ip: Buffer): void {
    callNative(() => this.#native.addAddress(ip));
  }

  removeAddress(ip: Buffer): void {
    callNative(() => this.#native.removeAddress(ip));
  }

  setMac(mac: Buffer): void {
    callNative(() => this.#native.setMac(mac));
  }

  send(frame: Buffer): void {
    callNative(() => this.#native.send(frame));
  }

  addMembership(mac: Buffer): void {
    callNative(() => this.#native.addMembership(mac));
  }

  dropMembership(mac: Buffer): void {
    callNative(() => this.#native.dropMembership(mac));
  }

  counters(): Record<string, number> {
    return callNative(() => this.#native.counters());
  }

  addressCounters(): AddressCounters[] {
    return callNative(() => this.#native.addressCounters());
  }

  close(): void {
    this.#native.close();
  }
}

class OpenGroupMemberships implements GroupMemberships {
  readonly #native: NativeGroupMemberships;

  constructor(native: NativeGroupMemberships) {
    this.#native = native;
  }

  join(ifindex: number, group: Buffer): void {
    callNative(() => this.#native.join(ifindex, group));
  }

  leave(ifindex: number, group: Buffer): void {
    callNative(() => this.#native.leave(ifindex, group));
  }

  close(): void {
    this.#native.close();
  }
}

/**
 * Opens an AF_PACKET socket per CPU on `ifname` and starts their responder threads. `onConflict` receives each
 * frame in which another host claims an owned address. Needs CAP_NET_RAW (NativeError EPERM).
 * The process stays alive while a responder is open.
 */
export function openResponder(ifname: string, onConflict: (frame: Buffer) => void): Responder {
  const { Responder } = loadAddon();
  return new OpenResponder(callNative(() => new Responder(ifname, onConflict)));
}

/** A pool of AF_INET6 sockets holding IPv6 multicast memberships (10,000 groups and more). */
export function openGroupMemberships(): GroupMemberships {
  const { GroupMemberships } = loadAddon();
  return new OpenGroupMemberships(new GroupMemberships());
}

/** Index, MAC, IFF_* flags and MTU of an interface; NativeError ENODEV when there is none. */
export function interfaceInfo(ifname: string): InterfaceInfo {
  const addon = loadAddon();
  return callNative(() => addon.interfaceInfo(ifname));
}

/** The native verdict on one frame (docs/verdict.md), for differential tests against the reference. */
export function decide(frame: Buffer, ctx: VerdictContext): Verdict {
  return loadAddon().decide(frame, ctx.mac, ctx.vlanTagged, ctx.owned);
}

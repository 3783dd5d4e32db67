/**
 * Finds and loads build/Release/l2speaker.node. The same source runs as native ESM (Node's type
 * stripping) and as CommonJS under Jest, where `import.meta` is a syntax error; so the addon is
 * looked for, in order: at $L2SPEAKER_ADDON; up from this module's directory when CommonJS gives
 * it (`__dirname`); up from the main script's directory; up from the working directory.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { AddonMissingError } from './errors.ts';
import type { AddressCounters, InterfaceInfo, Verdict } from './types.ts';

const ADDON_PATH = join('build', 'Release', 'l2speaker.node');

export interface NativeResponder {
  ifindex(): number;
  addAddress(ip: Buffer): void;
  removeAddress(ip: Buffer): void;
  setMac(mac: Buffer): void;
  send(frame: Buffer): void;
  addMembership(mac: Buffer): void;
  dropMembership(mac: Buffer): void;
  counters(): Record<string, number>;
  addressCounters(): AddressCounters[];
  close(): void;
}

export interface NativeGroupMemberships {
  join(ifindex: number, group: Buffer): void;
  leave(ifindex: number, group: Buffer): void;
  close(): void;
}

/** The addon's exports (src/native/addon.cc). */
export interface Addon {
  Responder: new (ifname: string, onConflict: (frame: Buffer) => void) => NativeResponder;
  GroupMemberships: new () => NativeGroupMemberships;
  interfaceInfo(ifname: string): InterfaceInfo;
  decide(frame: Buffer, mac: Buffer, vlanTagged: boolean, owned: Buffer[]): Verdict;
}

/** Every directory from `start` up to the file system's root. */
function upwards(start: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) return dirs;
  }
}

/** Where the addon may be, most specific first. */
export function addonCandidates(): string[] {
  const override = process.env.L2SPEAKER_ADDON;
  if (override) return [resolve(override)];
  const starts = [
    typeof __dirname === 'string' ? __dirname : undefined,
    process.argv[1] ? dirname(resolve(process.argv[1])) : undefined,
    process.cwd(),
  ];
  const dirs = starts.flatMap((start) => (start === undefined ? [] : upwards(start)));
  return [...new Set(dirs.map((dir) => join(dir, ADDON_PATH)))];
}

let loaded: Addon | undefined;

/** The addon, loaded once; AddonMissingError when it was never built. */
export function loadAddon(): Addon {
  if (loaded) return loaded;
  const candidates = addonCandidates();
  const path = candidates.find((candidate) => existsSync(candidate));
  if (path === undefined) throw new AddonMissingError(candidates);
  loaded = createRequire(path)(path) as Addon;
  return loaded;
}

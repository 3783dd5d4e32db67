/** A host of the lab: a namespace with eth0 plugged into the bridge, and ways to run programs in it. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { namespacePids } from './netns.ts';
import { run, runChecked, type RunOptions, type RunResult } from './run.ts';

export interface HostOptions {
  /** Address with prefix length, e.g. '192.0.2.11/24'. */
  ipv4?: string;
  /** Address with prefix length, e.g. '2001:db8::11/64'; added without DAD so it is usable at once. */
  ipv6?: string;
  /** eth0's MAC; the kernel picks a random one otherwise. */
  mac?: string;
}

export interface Host {
  readonly name: string;
  readonly ns: string;
  readonly ifname: 'eth0';
  readonly mac: string;
  /** eth0's IPv4 address without its prefix length, e.g. '192.0.2.11'. */
  readonly ipv4?: string;
  /** eth0's IPv6 address without its prefix length, e.g. '2001:db8::11'. */
  readonly ipv6?: string;
  /** Runs `argv` inside the host's namespace; resolves with the exit code, never rejects on failure. */
  exec(argv: string[], opts?: RunOptions): Promise<RunResult>;
  /** Starts `argv` inside the host's namespace (through `ip netns exec`, which execs it: same pid). */
  spawn(argv: string[], opts?: SpawnOptions): ChildProcess;
  /** The processes currently living in the namespace. */
  pids(): Promise<number[]>;
}

/** Where a host is plugged: its namespace and its port on the bridge. */
export interface HostPlug {
  name: string;
  ns: string;
  switchNs: string;
  port: string;
}

const IFNAME = 'eth0';

function inNs(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

/** Creates the veth pair inside the switch namespace with its peer born in the host namespace. */
async function plugVeth(plug: HostPlug, mac: string | undefined): Promise<void> {
  const peer = ['peer', 'name', IFNAME, ...(mac ? ['address', mac] : []), 'netns', plug.ns];
  const argv = ['ip', '-n', plug.switchNs, 'link', 'add', plug.port, 'type', 'veth', ...peer];
  await runChecked('cannot create veth pair', argv);
  await runChecked('cannot attach port', [
    'ip',
    '-n',
    plug.switchNs,
    'link',
    'set',
    plug.port,
    'master',
    'br0',
    'up',
  ]);
}

async function configureAddresses(ns: string, opts: HostOptions): Promise<void> {
  const ip = ['ip', '-n', ns];
  await runChecked('cannot bring lo up', [...ip, 'link', 'set', 'lo', 'up']);
  if (opts.ipv4)
    await runChecked('cannot add IPv4 address', [...ip, 'addr', 'add', opts.ipv4, 'dev', IFNAME]);
  if (opts.ipv6) {
    await runChecked(
      'cannot disable DAD',
      inNs(ns, ['sysctl', '-qw', `net.ipv6.conf.${IFNAME}.accept_dad=0`]),
    );
    await runChecked('cannot add IPv6 address', [...ip, 'addr', 'add', opts.ipv6, 'dev', IFNAME, 'nodad']);
  }
  await runChecked('cannot bring eth0 up', [...ip, 'link', 'set', IFNAME, 'up']);
}

async function readMac(ns: string): Promise<string> {
  const result = await runChecked('cannot read MAC', ['ip', '-n', ns, '-j', 'link', 'show', IFNAME]);
  const [link] = JSON.parse(result.stdout) as { address: string }[];
  return link?.address ?? '';
}

function withoutPrefixLength(cidr: string): string {
  return cidr.split('/')[0] ?? cidr;
}

/** Plugs and configures a host whose namespace `plug.ns` already exists. */
export async function buildHost(plug: HostPlug, opts: HostOptions): Promise<Host> {
  await plugVeth(plug, opts.mac);
  await configureAddresses(plug.ns, opts);
  const mac = await readMac(plug.ns);
  return {
    name: plug.name,
    ns: plug.ns,
    ifname: IFNAME,
    mac,
    ...(opts.ipv4 ? { ipv4: withoutPrefixLength(opts.ipv4) } : {}),
    ...(opts.ipv6 ? { ipv6: withoutPrefixLength(opts.ipv6) } : {}),
    exec: (argv, runOpts) => run(inNs(plug.ns, argv), runOpts),
    spawn: (argv, spawnOpts = {}) => spawn('ip', ['netns', 'exec', plug.ns, ...argv], spawnOpts),
    pids: () => namespacePids(plug.ns),
  };
}

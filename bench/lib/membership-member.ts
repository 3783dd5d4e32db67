/**
 * A membership in its own process, for the membership benchmarks and netns tests: started from flags, it
 * prints one JSON line per event with the runtime's Date.now() in `t`, and takes stdin commands `members`,
 * `stats` and `leave`, in the Go test peers' line protocol (test/interop/peers.ts drives both). `ready`
 * comes once the first join succeeded or the join timeout passed (`joined`: 1 when a seed answered, else
 * 0), with the pid of the process running the membership, so that a benchmark can stall it.
 *
 * node membership-member.ts --name a --bind 192.0.2.21 [--port 7946] [--seeds 192.0.2.22:7946,...]
 *   [--keys b64,...] [--label L] [--profile fast|lan] [--meta TEXT] [--join-timeout 5000]
 *   [--isolation process|worker]
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { encodeNodeMeta, startMembership, type Isolation } from '../../src/memberlist/index.ts';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    bind: { type: 'string' },
    port: { type: 'string', default: '7946' },
    seeds: { type: 'string', default: '' },
    keys: { type: 'string', default: '' },
    label: { type: 'string', default: '' },
    profile: { type: 'string', default: 'fast' },
    meta: { type: 'string' },
    'join-timeout': { type: 'string', default: '5000' },
    isolation: { type: 'string', default: 'process' },
  },
});

const print = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ t: Date.now(), ...line })}\n`);
};
const list = (text: string): string[] => text.split(',').filter((item) => item !== '');

const membership = await startMembership({
  name: values.name ?? '',
  bindAddr: values.bind ?? '',
  bindPort: Number(values.port),
  seeds: list(values.seeds),
  keys: list(values.keys).map((key) => Buffer.from(key, 'base64')),
  label: values.label,
  profile: values.profile === 'lan' ? 'lan' : 'fast',
  meta:
    values.meta === undefined
      ? encodeNodeMeta({ version: '0.1.0', election: 'ring' })
      : Buffer.from(values.meta),
  joinTimeoutMs: Number(values['join-timeout']),
  isolation: values.isolation as Isolation,
});
const text = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8');
membership.onChange(({ type, member, at }) => {
  const { name, addr, port, meta, state } = member;
  print({ t: at, event: type, node: name, addr, port, meta: text(meta), state });
});
const synced = await membership.synced;
const seeds = list(values.seeds).length;
print({
  event: 'ready',
  node: values.name,
  port: membership.port,
  version: 'l2speaker',
  joined: synced && seeds > 0 ? 1 : 0,
  runtimePid: membership.runtimePid,
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const run = async (): Promise<void> => {
    if (line === 'members') {
      const live = membership.members().filter((m) => m.state === 'alive' || m.state === 'suspect');
      print({
        event: 'members',
        members: live.map(({ name, addr, port, state }) => ({ name, addr, port, state })),
      });
    } else if (line === 'stats') print({ event: 'stats', stats: await membership.stats() });
    else if (line === 'leave') {
      await membership.leave(1000);
      print({ event: 'left' });
      process.exit(0);
    } else print({ event: 'error', error: `unknown command ${line}` });
  };
  run().catch((err: unknown) => print({ event: 'error', error: String(err) }));
});

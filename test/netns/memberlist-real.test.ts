/**
 * Membership on real links: 5 members, each a process (worker thread inside) in its own lab host. A member's
 * link is cut; every other member must report it dead within a second. Figures are printed per trial.
 */
import { join, resolve } from 'node:path';
import { createLab, type Host, type Lab } from '../../src/lab/index.ts';
import { startPeer, type GoPeer, type PeerEvent } from '../interop/peers.ts';

const repo = resolve(__dirname, '../..');
const node24 = join(repo, 'node_modules/.bin/node');
const fixture = join(repo, 'bench/lib/membership-member.ts');
const NAMES = ['m1', 'm2', 'm3', 'm4', 'm5'];
const addressOf = (i: number): string => `192.0.2.${21 + i}`;

let lab: Lab;
let hosts: Host[];
let members: GoPeer[];

beforeAll(async () => {
  lab = await createLab({ prefix: 'ml' });
  hosts = await Promise.all(NAMES.map((name, i) => lab.addHost(name, { ipv4: `${addressOf(i)}/24` })));
  members = NAMES.map((name, i) =>
    startPeer(node24, [fixture, '--name', name, '--bind', addressOf(i), '--seeds', `${addressOf(0)}:7946`], {
      spawn: (argv) => (hosts[i] as Host).spawn(argv, { stdio: 'pipe', cwd: repo }),
    }),
  );
  for (const member of members)
    expect(await member.ready(20_000)).toMatchObject({ joined: expect.any(Number) });
}, 60_000);

afterAll(async () => {
  await Promise.all((members ?? []).map((member) => member.kill()));
  await lab?.destroy();
});

const allSee = async (count: number, timeoutMs: number): Promise<void> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(members.map((member) => member.members()));
    if (views.every((view) => view.length === count)) return;
    if (Date.now() > end) throw new Error(`members never agreed on ${count}: ${JSON.stringify(views)}`);
    await new Promise((done) => setTimeout(done, 100));
  }
};

const leaveOf = (name: string) => (e: PeerEvent) => e.event === 'leave' && e.node === name;
const joinOf = (name: string) => (e: PeerEvent) => e.event === 'join' && e.node === name;

test('a member whose link is cut is reported dead by every other member within a second', async () => {
  await allSee(5, 10_000);
  const figures: number[] = [];
  for (const victim of [4, 1, 2, 3, 4, 0]) {
    const name = NAMES[victim] as string;
    const others = members.filter((_, i) => i !== victim);
    const marks = others.map((member) => member.events.length);
    await new Promise((done) => setTimeout(done, 500));
    const cutAt = Date.now();
    await lab.cutLink(hosts[victim] as Host);
    const seen = await Promise.all(others.map((member, i) => member.waitFor(leaveOf(name), 5000, marks[i])));
    const delays = seen.map((event) => event.t - cutAt);
    figures.push(...delays);
    process.stdout.write(`cut ${name}: detected after ${delays.join(', ')} ms\n`);
    expect(Math.max(...delays)).toBeLessThan(1000);
    const healMarks = others.map((member) => member.events.length);
    await lab.restoreLink(hosts[victim] as Host);
    await Promise.all(others.map((member, i) => member.waitFor(joinOf(name), 15_000, healMarks[i])));
    await allSee(5, 15_000);
  }
  const sorted = [...figures].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  process.stdout.write(`detection over ${sorted.length} observations: p50 ${at(0.5)} ms, max ${at(1)} ms\n`);
}, 180_000);

/** member 0's transport counters, read through the fixture's `stats` command. */
async function badPackets(): Promise<number> {
  const member = members[0] as GoPeer;
  const mark = member.events.length;
  member.process.stdin?.write('stats\n');
  const reply = (await member.waitFor((e) => (e.event as string) === 'stats', 5000, mark)) as unknown as {
    stats: { transport: { badPackets: Record<string, number> } };
  };
  return Object.values(reply.stats.transport.badPackets).reduce((sum, n) => sum + n, 0);
}

test('junk on the port is counted, the cluster stays whole', async () => {
  const before = await badPackets();
  // 0xff first: no message type, so a random tail can never be a valid message (a user message, 0x08, would be).
  const script = [
    "const s = require('node:dgram').createSocket('udp4');",
    "const bufs = Array.from({ length: 50 }, () => Buffer.concat([Buffer.from([255]), require('node:crypto').randomBytes(200)]));",
    `(async () => { for (const b of bufs) await new Promise((r) => s.send(b, 7946, '${addressOf(0)}', r)); s.close(); })();`,
  ].join('');
  const junk = await (hosts[1] as Host).exec([node24, '-e', script], { timeoutMs: 10_000 });
  expect(junk.code).toBe(0);
  const end = Date.now() + 2000;
  while ((await badPackets()) - before < 50 && Date.now() < end)
    await new Promise((done) => setTimeout(done, 50));
  expect((await badPackets()) - before).toBe(50);
  await allSee(5, 5000);
});

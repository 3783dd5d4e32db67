/**
 * Proves the Go peer harness: memberlist v0.5.1 and v0.2.2 nodes join each other over 127.0.0.1
 * (plaintext, one key, two keys in rotation; compression on and off), refuse a wrong key, see a
 * graceful leave, and take a 50-member push/pull. The TypeScript memberlist reuses peers.ts.
 */
import { randomBytes } from 'node:crypto';
import { buildPeers, startPeer, type GoPeer, type PeerEvent } from './peers.ts';

let bins: { v051: string; v022: string };
const running: GoPeer[] = [];

beforeAll(async () => {
  bins = await buildPeers();
}, 300_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((peer) => peer.kill()));
});

function start(bin: string, name: string, args: string[] = []): GoPeer {
  const peer = startPeer(bin, ['-name', name, '-bind', '127.0.0.1', '-port', '0', ...args]);
  running.push(peer);
  return peer;
}

const joinOf = (name: string) => (e: PeerEvent) => e.event === 'join' && e.node === name;
const seed = (ready: PeerEvent): string[] => ['-join', `127.0.0.1:${ready.port}`];
const key = (): string => randomBytes(32).toString('base64');
const k1 = key();
const k2 = key();
const k3 = key();

const versions = [
  { from: 'v0.2.2', to: 'v0.5.1', joiner: () => bins.v022, seedBin: () => bins.v051 },
  { from: 'v0.5.1', to: 'v0.2.2', joiner: () => bins.v051, seedBin: () => bins.v022 },
];
const securities = [
  { security: 'plaintext', seedKeys: [], joinerKeys: [] },
  { security: 'one key', seedKeys: ['-keys', k1], joinerKeys: ['-keys', k1] },
  {
    security: 'two keys in rotation',
    seedKeys: ['-keys', `${k1},${k2}`],
    joinerKeys: ['-keys', `${k2},${k1}`],
  },
];
const matrix = versions.flatMap((v) =>
  securities.flatMap((s) => [true, false].map((compress) => ({ ...v, ...s, compress }))),
);

describe.each(matrix)('$from joins $to, $security, compress $compress', (c) => {
  test('both sides see the join, a user message crosses, members agree', async () => {
    const compress = [`-compress=${c.compress}`];
    const a = start(c.seedBin(), 'a', [...c.seedKeys, ...compress, '-meta', 'seed']);
    const b = start(c.joiner(), 'b', [...c.joinerKeys, ...compress, ...seed(await a.ready())]);
    expect(await b.ready()).toMatchObject({ joined: 1 });
    expect(await a.waitFor(joinOf('b'), 5000)).toMatchObject({ addr: '127.0.0.1', meta: '' });
    expect(await b.waitFor(joinOf('a'), 5000)).toMatchObject({ meta: 'seed' });
    b.user('hello from b');
    expect(await a.waitFor((e) => e.event === 'user', 5000)).toMatchObject({ payload: 'hello from b' });
    const names = (await a.members()).map((m) => `${m.name} ${m.state}`).sort();
    expect(names).toEqual(['a alive', 'b alive']);
  });
});

describe.each(versions)('$from joins $to', (v) => {
  test.each([
    { wrong: 'a wrong key', seedKeys: ['-keys', k1], joinerKeys: ['-keys', k3] },
    { wrong: 'no key', seedKeys: ['-keys', k1], joinerKeys: [] },
    { wrong: 'a key to a plaintext node', seedKeys: [], joinerKeys: ['-keys', k1] },
  ])('with $wrong: the join fails and neither side sees the other', async (c) => {
    const a = start(v.seedBin(), 'a', c.seedKeys);
    const b = start(v.joiner(), 'b', [...c.joinerKeys, ...seed(await a.ready())]);
    const ready = await b.ready();
    expect(ready.joined).toBe(0);
    expect(ready.error).toEqual(expect.any(String));
    expect((await a.members()).map((m) => m.name)).toEqual(['a']);
    expect((await b.members()).map((m) => m.name)).toEqual(['b']);
  });

  test('a graceful leave is seen by the other side', async () => {
    const a = start(v.seedBin(), 'a', ['-keys', k1]);
    const b = start(v.joiner(), 'b', ['-keys', k1, ...seed(await a.ready())]);
    await a.waitFor(joinOf('b'), 5000);
    await b.leave();
    expect(await a.waitFor((e) => e.event === 'leave' && e.node === 'b', 5000)).toBeDefined();
    expect((await a.members()).map((m) => m.name)).toEqual(['a']);
  });

  test.each([true, false])(
    'a process of 50 members joins, compress %s: push/pull state larger than one packet',
    async (compress) => {
      const a = start(v.seedBin(), 'a', ['-keys', k1]);
      const args = ['-keys', k1, `-compress=${compress}`, '-count', '50', '-meta-size', '64'];
      const many = start(v.joiner(), 'm', [...args, ...seed(await a.ready())]);
      expect(await many.ready()).toMatchObject({ node: 'm-0', joined: 1 });
      const joinedMany = (): PeerEvent[] =>
        a.events.filter((e) => e.event === 'join' && e.node?.startsWith('m-'));
      await a.waitFor(() => joinedMany().length >= 50, 10_000);
      const joined = joinedMany();
      expect(new Set(joined.map((e) => e.node)).size).toBe(50);
      expect(joined.every((e) => e.meta?.length === 64)).toBe(true);
      expect(await many.waitFor(joinOf('a'), 5000)).toBeDefined();
    },
    30_000,
  );
});

describe('labels', () => {
  test('the same label joins, a different label is refused', async () => {
    const a = start(bins.v051, 'a', ['-label', 'blue']);
    const seedArgs = seed(await a.ready());
    const b = start(bins.v051, 'b', ['-label', 'blue', ...seedArgs]);
    expect(await b.ready()).toMatchObject({ joined: 1 });
    const c = start(bins.v051, 'c', ['-label', 'red', ...seedArgs]);
    expect(await c.ready()).toMatchObject({ joined: 0 });
  });

  test('v0.2.2 refuses a label', async () => {
    const a = start(bins.v022, 'a', ['-label', 'blue']);
    expect(await a.waitFor((e) => e.event === 'error', 5000)).toMatchObject({
      error: '-label: memberlist v0.2.2 has no labels',
    });
  });
});

/**
 * The socket transport and the membership runtime on 127.0.0.1: clusters of real UDP/TCP sockets with the
 * fast profile, failure detection, encryption, wrong keys, junk input, and the worker thread.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressBytes,
  hostOf,
  remoteAddress,
  SocketTransport,
  splitHostPort,
  StreamError,
  StreamTimeoutError,
} from '../../src/memberlist/net/index.ts';
import {
  fastLan,
  JoinError,
  Memberlist,
  systemClock,
  type MemberEvent,
} from '../../src/memberlist/swim/index.ts';
import { createKeyring, decodeStream, metallbKey, sha256Key } from '../../src/memberlist/wire/index.ts';
import {
  decodeNodeMeta,
  encodeNodeMeta,
  MembershipOptionError,
  readSecretKey,
  SecretKeyError,
  startMembership,
  type Membership,
} from '../../src/memberlist/index.ts';

const LOCAL = addressBytes('127.0.0.1');
const META = encodeNodeMeta({ version: '0.1.0', election: 'ring' });

interface Node {
  memberlist: Memberlist;
  transport: SocketTransport;
  events: (MemberEvent & { at: number })[];
}

const open: Node[] = [];
const memberships: Membership[] = [];

async function node(name: string, keys: Buffer[] = []): Promise<Node> {
  const keyring = keys.length > 0 ? createKeyring(keys) : undefined;
  const transport = await SocketTransport.open({
    bindAddr: '127.0.0.1',
    bindPort: 0,
    ...(keyring ? { keyring } : {}),
  });
  const memberlist = new Memberlist({
    name,
    addr: LOCAL,
    port: transport.port,
    meta: META,
    transport,
    clock: systemClock,
    profile: fastLan,
  });
  const versions = new Map<number, readonly number[]>();
  transport.setVersionLookup((to) => versions.get(to.port));
  const events: Node['events'] = [];
  memberlist.onEvent((event) => {
    versions.set(event.member.port, event.member.vsn);
    events.push({ ...event, at: Date.now() });
  });
  memberlist.start();
  const created = { memberlist, transport, events };
  open.push(created);
  return created;
}

async function stopNode(n: Node): Promise<void> {
  n.memberlist.stop();
  await n.transport.close();
}

afterEach(async () => {
  await Promise.all(open.splice(0).map(stopNode));
  await Promise.all(memberships.splice(0).map((m) => m.stop()));
});

const until = async (check: () => boolean, timeoutMs: number): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const alive = (n: Node): string[] =>
  n.memberlist
    .liveMembers()
    .map((m) => m.name)
    .sort();
const seedOf = (n: Node) => [{ addr: LOCAL, port: n.transport.port }];

test('three transports form a cluster and detect a stopped member within a second', async () => {
  const [a, b, c] = [await node('a'), await node('b'), await node('c')] as [Node, Node, Node];
  expect(b.transport.port).not.toBe(a.transport.port);
  await b.memberlist.join(seedOf(a));
  await c.memberlist.join(seedOf(a));
  await until(() => [a, b, c].every((n) => alive(n).join() === 'a,b,c'), 2000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const stoppedAt = Date.now();
  await stopNode(c);
  open.splice(open.indexOf(c), 1);
  const deadAt = (n: Node) => n.events.find((e) => e.type === 'leave' && e.member.name === 'c')?.at;
  await until(() => deadAt(a) !== undefined && deadAt(b) !== undefined, 2000);
  for (const n of [a, b]) expect((deadAt(n) as number) - stoppedAt).toBeLessThan(1000);
  expect(a.memberlist.members().find((m) => m.name === 'c')?.state).toBe('dead');
  expect(a.transport.stats().badPackets).toEqual({});
  expect(a.transport.stats().packetsReceived).toBeGreaterThan(10);
});

test('an encrypted cluster forms; a node with a wrong key or none cannot join', async () => {
  const key = Buffer.alloc(32, 7);
  const [a, b] = [await node('a', [key]), await node('b', [key, Buffer.alloc(16, 1)])];
  await b.memberlist.join(seedOf(a));
  await until(() => alive(a).join() === 'a,b' && alive(b).join() === 'a,b', 2000);
  const wrong = await node('wrong', [Buffer.alloc(32, 8)]);
  await expect(wrong.memberlist.join(seedOf(a))).rejects.toBeInstanceOf(JoinError);
  const plain = await node('plain');
  await expect(plain.memberlist.join(seedOf(a))).rejects.toBeInstanceOf(JoinError);
  expect(a.transport.stats().badStreams).toEqual({ 'decrypt-failed': 1, 'encryption-required': 1 });
  expect(alive(a)).toEqual(['a', 'b']);
  expect(alive(wrong)).toEqual(['wrong']);
});

test('junk datagrams and streams are counted by reason and answered with errResp', async () => {
  const a = await node('a');
  const udp = createSocket('udp4');
  for (const junk of [Buffer.from([0xff, 1, 2]), Buffer.from([0x07, 9]), Buffer.from([0x04, 0x85])]) {
    await new Promise<void>((resolve) => udp.send(junk, a.transport.port, '127.0.0.1', () => resolve()));
  }
  udp.close();
  await until(() => a.transport.stats().packetsReceived === 3, 1000);
  const { badPackets } = a.transport.stats();
  expect(Object.values(badPackets).reduce((sum, n) => sum + (n ?? 0), 0)).toBe(3);
  expect(badPackets['unknown-message-type']).toBe(1);
  const reply = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port: a.transport.port }, () =>
      socket.write(Buffer.from([0x63, 1])),
    );
    socket.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
  const decoded = decodeStream(reply, { requireEncryption: false, labelHeader: false });
  expect(decoded).toMatchObject({
    status: 'done',
    message: { type: 'err', error: expect.stringContaining('unknown') },
  });
  expect(a.transport.stats().badStreams).toEqual({ 'unknown-message-type': 1 });
  expect(alive(a)).toEqual(['a']);
});

test('stream failures are typed: refused connection, no answer within the deadline', async () => {
  const a = await node('a');
  const closed = await node('closed');
  const closedPort = closed.transport.port;
  await stopNode(closed);
  open.splice(open.indexOf(closed), 1);
  const ping = { type: 'ping', seqNo: 1, node: 'x' } as const;
  await expect(a.transport.exchange({ addr: LOCAL, port: closedPort }, ping, 1000)).rejects.toMatchObject({
    name: StreamError.name,
    stage: 'connect',
    code: 'ECONNREFUSED',
  });
  const silent = createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  const started = Date.now();
  await expect(a.transport.exchange({ addr: LOCAL, port }, ping, 100)).rejects.toBeInstanceOf(
    StreamTimeoutError,
  );
  expect(Date.now() - started).toBeLessThan(1000);
  silent.close();
});

test('addresses: bytes to host strings and back, IPv4-mapped senders as 4 bytes, seeds', () => {
  expect(hostOf(Buffer.from([192, 0, 2, 1]))).toBe('192.0.2.1');
  expect(hostOf(addressBytes('::ffff:192.0.2.1'))).toBe('192.0.2.1');
  expect(addressBytes('::ffff:192.0.2.1')).toHaveLength(16);
  expect(hostOf(addressBytes('2001:db8::1'))).toBe('2001:db8::1');
  expect(hostOf(addressBytes('2001:db8:0:1:0:0:0:1'))).toBe('2001:db8:0:1::1');
  expect(remoteAddress('::ffff:192.0.2.7', 7946).addr).toEqual(Buffer.from([192, 0, 2, 7]));
  expect(splitHostPort('[2001:db8::1]:7000', 7946)).toEqual({ host: '2001:db8::1', port: 7000 });
  expect(splitHostPort('speaker-a', 7946)).toEqual({ host: 'speaker-a', port: 7946 });
  expect(() => splitHostPort('a:99999', 7946)).toThrow('port out of range');
  expect(() => addressBytes('nope')).toThrow('not an IP address');
});

test('node meta and secret keys', () => {
  expect(META.toString()).toBe('{"v":"0.1.0","e":"ring"}');
  expect(decodeNodeMeta(META)).toEqual({ kind: 'l2speaker', version: '0.1.0', election: 'ring' });
  expect(decodeNodeMeta(META.toString('base64'))).toMatchObject({ election: 'ring' });
  expect(decodeNodeMeta(Buffer.alloc(0))).toEqual({ kind: 'metallb' });
  expect(() => decodeNodeMeta(Buffer.from('{"v":1}'))).toThrow(MembershipOptionError);
  const dir = mkdtempSync(join(tmpdir(), 'secret-'));
  const secret = Buffer.from('abcdefghijklmnopqrstuv\n');
  writeFileSync(join(dir, 'secretkey'), secret);
  expect(readSecretKey(dir, 'metallb')).toEqual(metallbKey(secret));
  expect(readSecretKey(dir, 'sha256')).toEqual(sha256Key(secret));
  expect(() => readSecretKey(join(dir, 'missing'), 'metallb')).toThrow(SecretKeyError);
});

test('membership in a worker thread: join, synced, events, graceful leave', async () => {
  const a = await startMembership({ name: 'a', bindAddr: '127.0.0.1', bindPort: 0, meta: META });
  memberships.push(a);
  const b = await startMembership({
    name: 'b',
    bindAddr: '127.0.0.1',
    bindPort: 0,
    meta: META,
    seeds: [`127.0.0.1:${a.port}`],
  });
  const events: string[] = [];
  a.onChange((event) => events.push(`${event.type} ${event.member.name} ${event.member.state}`));
  expect(await b.synced).toBe(true);
  await until(() => a.members().length === 2, 2000);
  expect(a.members().find((m) => m.name === 'b')).toMatchObject({
    addr: '127.0.0.1',
    port: b.port,
    state: 'alive',
  });
  await b.leave(500);
  await until(() => events.includes('leave b left'), 2000);
  expect((await a.stats()).transport.badPackets).toEqual({});
});

test('a blocked main thread stalls an in-process member (declared dead) but not a worker member', async () => {
  const start = (name: string, inProcess: boolean, seeds: string[] = []) =>
    startMembership({
      ...{ name, bindAddr: '127.0.0.1', bindPort: 0, meta: META, seeds },
      isolation: inProcess ? 'in-process' : 'worker',
    });
  const observer = await start('observer', false);
  memberships.push(observer);
  const seeds = [`127.0.0.1:${observer.port}`];
  const inWorker = await start('in-worker', false, seeds);
  const inProcess = await start('in-process', true, seeds);
  memberships.push(inWorker, inProcess);
  expect([await inWorker.synced, await inProcess.synced]).toEqual([true, true]);
  await until(() => observer.members().filter((m) => m.state === 'alive').length === 3, 2000);
  const left: string[] = [];
  observer.onChange((event) => event.type === 'leave' && left.push(event.member.name));
  const blockedUntil = Date.now() + 1500;
  while (Date.now() < blockedUntil); // the main thread's event loop, in-process member included, stalls
  await until(() => left.length > 0, 3000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(left).toEqual(['in-process']);
});

test('membership in-process: a wrong key never syncs; bad options are refused', async () => {
  const keys = [Buffer.alloc(32, 1)];
  const a = await startMembership({ name: 'a', bindAddr: '127.0.0.1', bindPort: 0, keys, inProcess: true });
  memberships.push(a);
  const b = await startMembership({
    ...{ name: 'b', bindAddr: '127.0.0.1', bindPort: 0, keys: [Buffer.alloc(32, 2)], inProcess: true },
    ...{ seeds: [`127.0.0.1:${a.port}`], joinTimeoutMs: 300 },
  });
  memberships.push(b);
  expect(await b.synced).toBe(false);
  expect(a.members().map((m) => m.name)).toEqual(['a']);
  await expect(startMembership({ name: 'c', bindAddr: 'localhost', inProcess: true })).rejects.toBeInstanceOf(
    MembershipOptionError,
  );
  await expect(
    startMembership({ name: 'c', bindAddr: '127.0.0.1', bindPort: a.port, inProcess: true }),
  ).rejects.toThrow(/EADDRINUSE/);
});

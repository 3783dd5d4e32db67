/**
 * The scenarios of the TS ⇄ Go matrix, each on its own Go peer and TS member (127.0.0.1, free ports) so
 * they run concurrently. Go reports what its memberlist sees through the peer's events and log; the TS
 * member through its membership events.
 */
import { decodeNodeMeta } from '../../../src/memberlist/index.ts';
import type { GoPeer, PeerEvent } from '../peers.ts';
import type { MatrixCase, Security } from './cases.ts';
import type { MatrixPeer, Scope } from './scope.ts';
import { TS_META, TS_META_TEXT, type TsMember } from './ts-member.ts';

const SEEN_MS = 5000;
/** DefaultLANConfig on either side: probe interval 1 s, then at least 4 s of suspicion; room for a busy CI. */
const DEATH_MS = 20_000;
const LARGE = 50;
const LARGE_META_BYTES = 64;

const goJoinOf = (name: string) => (e: PeerEvent) => e.event === 'join' && e.node === name;
const goLeaveOf = (name: string) => (e: PeerEvent) => e.event === 'leave' && e.node === name;
const goArgs = (c: MatrixCase, extra: readonly string[] = []): string[] => [
  ...c.goArgs,
  `-compress=${c.compress}`,
  ...extra,
];
const goNames = async (go: GoPeer): Promise<string[]> => (await go.members()).map((m) => m.name).sort();
/**
 * memberlist logs every packet or stream it cannot read (bad CRC, decode failure) at [ERR]: none may appear.
 * Exception: among 50 Go nodes in one busy process, probes between Go nodes time out now and then ("Failed
 * fallback ping ... ->127.0.0.1:PORT: i/o timeout"); those are Go's own, unless PORT is the TS member's.
 */
function expectCleanLog(go: MatrixPeer, tsPort: number): void {
  const probeTarget = (line: string): string | undefined =>
    /Failed fallback (?:TCP )?ping: .*->127\.0\.0\.1:(\d+): i\/o timeout/.exec(line)?.[1];
  expect(go.errLines.filter((line) => [undefined, String(tsPort)].includes(probeTarget(line)))).toEqual([]);
}

/** Both sides list each other; Go got the TS meta byte for byte, TS got Go's empty meta. */
async function expectMutualJoin(ts: TsMember, go: GoPeer, goPort: number): Promise<void> {
  const seenByGo = await go.waitFor(goJoinOf('ts'), SEEN_MS);
  expect(seenByGo).toMatchObject({ addr: '127.0.0.1', port: ts.membership.port, meta: TS_META_TEXT });
  expect(decodeNodeMeta(Buffer.from(seenByGo.meta ?? ''))).toEqual({ kind: 'l2speaker', ...TS_META });
  const seenByTs = await ts.waitFor((e) => e.type === 'join' && e.member.name === 'go', SEEN_MS);
  expect(seenByTs.member).toMatchObject({ addr: '127.0.0.1', port: goPort, meta: '', state: 'alive' });
  expect(decodeNodeMeta(seenByTs.member.meta)).toEqual({ kind: 'metallb' });
  expect(ts.liveNames()).toEqual(['go', 'ts']);
  expect(await goNames(go)).toEqual(['go', 'ts']);
}

/** TS joins a Go seed; then TS leaves gracefully and Go sees a leave, not a failure. */
export async function tsJoinsGo(scope: Scope, bin: string, c: MatrixCase, inProcess = true): Promise<void> {
  const go = scope.go(bin, 'go', goArgs(c));
  const { port } = await go.ready();
  const ts = await scope.ts({ name: 'ts', seeds: [`127.0.0.1:${port}`], keys: [...c.tsKeys], inProcess });
  expect(await ts.membership.synced).toBe(true);
  await expectMutualJoin(ts, go, port ?? 0);
  await ts.leave(1000);
  await go.waitFor(goLeaveOf('ts'), SEEN_MS);
  expect(await goNames(go)).toEqual(['go']);
  expect(go.stderrTail()).not.toMatch(/Marking ts as failed/);
  expectCleanLog(go, ts.membership.port);
}

/** Go joins a TS seed; then Go leaves gracefully and TS marks it left. */
export async function goJoinsTs(scope: Scope, bin: string, c: MatrixCase): Promise<void> {
  const ts = await scope.ts({ name: 'ts', keys: [...c.tsKeys] });
  const go = scope.go(bin, 'go', goArgs(c, ['-join', ts.address]));
  const ready = await go.ready();
  expect(ready).toMatchObject({ joined: 1 });
  await expectMutualJoin(ts, go, ready.port ?? 0);
  await go.leave();
  const left = await ts.waitFor((e) => e.type === 'leave' && e.member.name === 'go', SEEN_MS);
  expect(left.member.state).toBe('left');
  expect(ts.liveNames()).toEqual(['ts']);
  expectCleanLog(go, ts.membership.port);
}

/** Go is SIGKILLed: TS marks it dead (not left). Resolves with the time from the kill to TS's event. */
export async function goDies(scope: Scope, bin: string, c: MatrixCase): Promise<number> {
  const go = scope.go(bin, 'go', goArgs(c));
  const { port } = await go.ready();
  const ts = await scope.ts({ name: 'ts', seeds: [`127.0.0.1:${port}`], keys: [...c.tsKeys] });
  await expectMutualJoin(ts, go, port ?? 0);
  const killedAt = Date.now();
  await go.kill('SIGKILL');
  const dead = await ts.waitFor((e) => e.type === 'leave' && e.member.name === 'go', DEATH_MS);
  expect(dead.member.state).toBe('dead');
  expect(ts.liveNames()).toEqual(['ts']);
  return dead.at - killedAt;
}

/** The TS member stops without leaving: Go's failure detector marks it failed. Resolves with the time taken. */
export async function tsDies(scope: Scope, bin: string, c: MatrixCase): Promise<number> {
  const ts = await scope.ts({ name: 'ts', keys: [...c.tsKeys] });
  const go = scope.go(bin, 'go', goArgs(c, ['-join', ts.address]));
  const ready = await go.ready();
  await expectMutualJoin(ts, go, ready.port ?? 0);
  const stoppedAt = Date.now();
  await ts.stop();
  const gone = await go.waitFor(goLeaveOf('ts'), DEATH_MS);
  expect(go.stderrTail()).toMatch(/Marking ts as failed, suspect timeout reached/);
  expect(await goNames(go)).toEqual(['go']);
  return gone.t - stoppedAt;
}

/** TS holding `tsSide` tries to join Go holding `goSide`: the join fails and neither lists the other. */
export async function tsRefused(
  scope: Scope,
  bin: string,
  goSide: Security,
  tsSide: Security,
): Promise<void> {
  const go = scope.go(bin, 'go', goSide.goArgs);
  const { port } = await go.ready();
  const seeds = [`127.0.0.1:${port}`];
  const ts = await scope.ts({ name: 'ts', seeds, keys: [...tsSide.tsKeys], joinTimeoutMs: 2000 });
  expect(await ts.membership.synced).toBe(false);
  expect(ts.liveNames()).toEqual(['ts']);
  expect(await goNames(go)).toEqual(['go']);
  // Go logs the stream it could not decrypt.
  expect(go.errLines).not.toEqual([]);
}

/** Go holding `goSide` tries to join TS holding `tsSide`: Go's join fails, TS counts the bad stream. */
export async function goRefused(
  scope: Scope,
  bin: string,
  tsSide: Security,
  goSide: Security,
): Promise<void> {
  const ts = await scope.ts({ name: 'ts', keys: [...tsSide.tsKeys] });
  const go = scope.go(bin, 'go', [...goSide.goArgs, '-join', ts.address]);
  const ready = await go.ready();
  expect(ready.joined).toBe(0);
  expect(ready.error).toEqual(expect.any(String));
  expect(ts.liveNames()).toEqual(['ts']);
  expect(await goNames(go)).toEqual(['go']);
  const { badStreams } = (await ts.membership.stats()).transport;
  expect(Object.values(badStreams).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
}

/** TS saw all 50 Go members with their 64-byte meta, and Go's first node saw TS with its meta. */
async function expectLargeState(ts: TsMember, many: MatrixPeer): Promise<void> {
  const joined = () => ts.events.filter((e) => e.type === 'join' && e.member.name.startsWith('m-'));
  await ts.waitFor(() => joined().length >= LARGE, 10_000);
  expect(new Set(joined().map((e) => e.member.name)).size).toBe(LARGE);
  const metaSizes = new Set(joined().map((e) => Buffer.from(e.member.meta, 'base64').length));
  expect([...metaSizes]).toEqual([LARGE_META_BYTES]);
  expect(await many.waitFor(goJoinOf('ts'), SEEN_MS)).toMatchObject({ meta: TS_META_TEXT });
  expect((await many.members()).length).toBe(LARGE + 1);
  expectCleanLog(many, ts.membership.port);
}

const manyArgs = (c: MatrixCase): string[] =>
  goArgs(c, ['-count', String(LARGE), '-meta-size', String(LARGE_META_BYTES)]);

/** TS joins a process of 50 Go members: the push/pull answer is larger than one packet. */
export async function tsJoinsMany(scope: Scope, bin: string, c: MatrixCase): Promise<void> {
  const many = scope.go(bin, 'm', manyArgs(c));
  const { port } = await many.ready();
  const ts = await scope.ts({ name: 'ts', seeds: [`127.0.0.1:${port}`], keys: [...c.tsKeys] });
  expect(await ts.membership.synced).toBe(true);
  await expectLargeState(ts, many);
}

/** A process of 50 Go members joins TS: the push/pull request is larger than one packet. */
export async function manyJoinTs(scope: Scope, bin: string, c: MatrixCase): Promise<void> {
  const ts = await scope.ts({ name: 'ts', keys: [...c.tsKeys] });
  const many = scope.go(bin, 'm', [...manyArgs(c), '-join', ts.address]);
  expect(await many.ready()).toMatchObject({ node: 'm-0', joined: 1 });
  await expectLargeState(ts, many);
}

/**
 * The native responder on a real link (runs as root): two namespaces joined by a veth, the responder
 * in one (a child process, since AF_PACKET sockets belong to the creating thread's namespace), real
 * arping and ndisc6 clients in the other.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const repo = resolve(__dirname, '../..');
const node24 = join(repo, 'node_modules/.bin/node');
const fixture = join(repo, 'test/netns/fixtures/native-responder-fixture.ts');
const SPEAKER = `l2n${process.pid}a`;
const CLIENT = `l2n${process.pid}b`;

function sh(args: string[]): string {
  return execFileSync(args[0] ?? '', args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs in `ns` and returns its output whatever the exit code (arping exits 1 when unanswered). */
function inNamespace(ns: string, args: string[]): string {
  try {
    return sh(['ip', 'netns', 'exec', ns, ...args]);
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

function setUpHost(ns: string, ipv4: string, ipv6: string): void {
  sh(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.eth0.accept_dad=0']);
  sh(['ip', '-n', ns, 'addr', 'add', ipv4, 'dev', 'eth0']);
  sh(['ip', '-n', ns, 'addr', 'add', ipv6, 'dev', 'eth0', 'nodad']);
  sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  sh(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
}

type Message = Record<string, unknown>;

/** The fixture process: send a command, get its JSON reply; conflict events are collected apart. */
class Fixture {
  readonly conflicts: string[] = [];
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting: ((message: Message) => void)[] = [];
  #stderr = '';

  constructor(args: string[]) {
    this.#child = spawn(args[0] ?? '', args.slice(1), { cwd: repo });
    this.#child.stderr.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as Message;
      if (message.event === 'conflict') this.conflicts.push(String(message.frame));
      else this.#waiting.shift()?.(message);
    });
  }

  next(): Promise<Message> {
    return new Promise((resolveMessage, reject) => {
      const timer = setTimeout(() => reject(new Error(`fixture silent; stderr: ${this.#stderr}`)), 30_000);
      this.#waiting.push((message) => {
        clearTimeout(timer);
        resolveMessage(message);
      });
    });
  }

  send(command: string): Promise<Message> {
    const reply = this.next();
    this.#child.stdin.write(`${command}\n`);
    return reply;
  }

  exited(): Promise<number | null> {
    if (this.#child.exitCode !== null) return Promise.resolve(this.#child.exitCode);
    return new Promise((resolveCode) => this.#child.on('exit', resolveCode));
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }
}

function macFrom(output: string, pattern: RegExp): string | undefined {
  return pattern.exec(output)?.[1]?.toLowerCase().replaceAll(':', '');
}

async function counters(fixture: Fixture): Promise<Record<string, number>> {
  return (await fixture.send('counters')).counters as Record<string, number>;
}

interface AddressCounters {
  ip: string;
  requests: number;
  responses: number;
}

async function addressCounters(fixture: Fixture): Promise<AddressCounters[]> {
  const { addresses } = (await fixture.send('addresses')) as { addresses: AddressCounters[] };
  return addresses.sort((a, b) => a.ip.localeCompare(b.ip));
}

/** Voluntary context switches (wake-ups) of the thread pinned to each CPU, keyed by CPU. */
async function wakeupsByCpu(fixture: Fixture): Promise<Map<string, number>> {
  const { threads } = (await fixture.send('pinned')) as { threads: { cpu: string; wakeups: number }[] };
  return new Map(threads.map(({ cpu, wakeups }) => [cpu, wakeups]));
}

function answers(output: string): number {
  return output.match(/bytes from/g)?.length ?? 0;
}

let responder: Fixture;
let mac: string;

beforeAll(async () => {
  sh(['ip', 'netns', 'add', SPEAKER]);
  sh(['ip', 'netns', 'add', CLIENT]);
  sh(['ip', '-n', SPEAKER, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', CLIENT]);
  setUpHost(SPEAKER, '192.0.2.2/24', '2001:db8::2/64');
  setUpHost(CLIENT, '192.0.2.1/24', '2001:db8::1/64');
  responder = new Fixture(['ip', 'netns', 'exec', SPEAKER, node24, fixture, 'eth0']);
  const ready = await responder.next();
  expect(ready).toMatchObject({ event: 'ready', ifindex: expect.any(Number) });
  // One socket per CPU (a fanout group) and the eventfd that stops their threads.
  const sockets = Array.from({ length: cpus().length }, () => expect.stringMatching(/^socket:/));
  expect([...(ready.opened as string[])].sort()).toEqual(['anon_inode:[eventfd]', ...sockets]);
  mac = String(ready.mac);
}, 30_000);

afterAll(() => {
  responder?.kill();
  for (const ns of [SPEAKER, CLIENT]) {
    try {
      sh(['ip', 'netns', 'del', ns]);
    } catch {
      // Not created: beforeAll failed before it.
    }
  }
});

describe('native responder in a network namespace', () => {
  test('answers ARP for an owned address configured nowhere, with its MAC, and not for others', async () => {
    await responder.send('add 192.0.2.10');
    const answered = inNamespace(CLIENT, ['arping', '-c', '3', '-W', '0.2', '-I', 'eth0', '192.0.2.10']);
    expect(macFrom(answered, /bytes from ([0-9a-f:]{17}) \(192\.0\.2\.10\)/i)).toBe(mac);
    const unanswered = inNamespace(CLIENT, ['arping', '-c', '2', '-W', '0.2', '-I', 'eth0', '192.0.2.11']);
    expect(unanswered).not.toMatch(/bytes from/);
    const after = await counters(responder);
    expect(after['arp-request']).toBeGreaterThanOrEqual(3);
    expect(after['not-owned']).toBeGreaterThanOrEqual(2);
    expect(after.sent).toBe(after['arp-request']);
    expect(after['send-errors']).toBe(0);
    // Per address: requests answered and replies sent; the unowned address has no entry.
    const [counted] = await addressCounters(responder);
    expect(counted).toEqual({ ip: '192.0.2.10', requests: after['arp-request'], responses: after.sent });
    expect(await addressCounters(responder)).toHaveLength(1);
  }, 30_000);

  test('answers whichever CPU a request arrives on, on a thread pinned to that CPU', async () => {
    const before = await addressCounters(responder);
    const cpuIds = [...Array(cpus().length).keys()].map(String);
    expect([...(await wakeupsByCpu(responder)).keys()].sort()).toEqual(cpuIds);
    for (const cpu of cpuIds) {
      const wakeupsBefore = await wakeupsByCpu(responder);
      // On a veth the frame is received in the sender's softirq, on the sender's CPU.
      const output = inNamespace(CLIENT, [
        'taskset',
        '-c',
        cpu,
        'arping',
        '-c',
        '5',
        '-W',
        '0.1',
        '-I',
        'eth0',
        '192.0.2.10',
      ]);
      expect(answers(output)).toBe(5);
      const wakeupsAfter = await wakeupsByCpu(responder);
      for (const other of cpuIds) {
        const woken = (wakeupsAfter.get(other) ?? 0) - (wakeupsBefore.get(other) ?? 0);
        // The receiving CPU's thread answered; another CPU's thread was not woken for these frames.
        if (other === cpu) expect(woken).toBeGreaterThanOrEqual(5);
        else expect(woken).toBeLessThan(5);
      }
    }
    const [after] = await addressCounters(responder);
    expect(after?.requests).toBe((before[0]?.requests ?? 0) + 5 * cpuIds.length);
    expect(after?.responses).toBe(after?.requests);
  }, 30_000);

  test('answers a neighbour solicitation for an owned IPv6 address', async () => {
    await responder.send('add 2001:db8::10');
    await responder.send('join 3333ff000010');
    const before = await counters(responder);
    const answered = inNamespace(CLIENT, ['ndisc6', '-r', '3', '-w', '500', '2001:db8::10', 'eth0']);
    expect(macFrom(answered, /Target link-layer address: ([0-9a-f:]{17})/i)).toBe(mac);
    const unanswered = inNamespace(CLIENT, ['ndisc6', '-r', '1', '-w', '300', '2001:db8::11', 'eth0']);
    expect(unanswered).not.toMatch(/Target link-layer address/);
    const after = await counters(responder);
    expect(after['ns-multicast']).toBeGreaterThan(before['ns-multicast'] ?? 0);
    expect(after.received).toBeGreaterThan(before.received ?? 0);
    const ipv6 = (await addressCounters(responder)).find(({ ip }) => ip === '2001:db8::10');
    expect(ipv6?.requests).toBe((after['ns-multicast'] ?? 0) - (before['ns-multicast'] ?? 0));
    expect(ipv6?.responses).toBe(ipv6?.requests);
  }, 30_000);

  test('stops answering a removed address, and its counters are gone', async () => {
    await responder.send('remove 192.0.2.10');
    const output = inNamespace(CLIENT, ['arping', '-c', '2', '-W', '0.2', '-I', 'eth0', '192.0.2.10']);
    expect(output).not.toMatch(/bytes from/);
    expect((await addressCounters(responder)).map(({ ip }) => ip)).toEqual(['2001:db8::10']);
    await responder.send('add 192.0.2.10');
    expect(await addressCounters(responder)).toContainEqual({ ip: '192.0.2.10', requests: 0, responses: 0 });
    await responder.send('remove 192.0.2.10');
  }, 30_000);

  test('passes another host claiming an owned address up as a conflict', async () => {
    await responder.send('add 192.0.2.1');
    inNamespace(CLIENT, ['arping', '-c', '2', '-W', '0.2', '-I', 'eth0', '192.0.2.10']);
    const after = await counters(responder);
    expect(after.conflict).toBeGreaterThanOrEqual(2);
    expect(after['conflict-dropped']).toBe(0);
    // An ARP frame whose sender IP (bytes 28-31) is the claimed address.
    expect(responder.conflicts.some((frame) => frame.slice(56, 64) === 'c0000201')).toBe(true);
    await responder.send('remove 192.0.2.1');
  }, 30_000);

  test('replies carry the MAC given by setMac (a bond whose active slave changed)', async () => {
    await responder.send('add 192.0.2.10');
    await responder.send('setmac 02aabbccdd99');
    const output = inNamespace(CLIENT, ['arping', '-c', '1', '-I', 'eth0', '192.0.2.10']);
    await responder.send(`setmac ${mac}`);
    expect(macFrom(output, /bytes from ([0-9a-f:]{17}) \(192\.0\.2\.10\)/i)).toBe('02aabbccdd99');
  }, 30_000);

  test('send() puts a whole frame on the link', async () => {
    // An ARP request from a made-up host 192.0.2.77: the client's kernel learns it as a neighbour.
    const frame = `ffffffffffff02aabbccdd770806000108000604000102aabbccdd77c000024d000000000000c0000201`;
    await responder.send(`send ${frame}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    expect(sh(['ip', '-n', CLIENT, 'neigh', 'show', '192.0.2.77'])).toContain('02:aa:bb:cc:dd:77');
  }, 30_000);

  test('does not answer a request that arrives VLAN-tagged', async () => {
    await responder.send('add 192.0.2.10');
    const before = await counters(responder);
    // No 8021q module here: send an ARP request for 192.0.2.10 with an 802.1Q tag (VLAN 5) by hand.
    // The receiving kernel moves the tag into the frame's metadata, so this exercises the auxdata path.
    const request = 'ffffffffffff' + '02aabbccdd01' + '81000005' + '0806' + '000108000604' + '0001';
    const body = '02aabbccdd01' + 'c6336401' + '000000000000' + 'c000020a';
    const script = `import socket; s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(("eth0", 0))
for _ in range(2): s.send(bytes.fromhex("${request}${body}"))`;
    sh(['ip', 'netns', 'exec', CLIENT, 'python3', '-c', script]);
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    const after = await counters(responder);
    expect(after['vlan-tagged']).toBe((before['vlan-tagged'] ?? 0) + 2);
    expect(after.sent).toBe(before.sent);
  }, 30_000);

  test('the kernel filter keeps other traffic and our own outgoing frames away from the thread', async () => {
    // To the responder's MAC: IPv4, IPv6 UDP (next header 17), ICMPv6 echo request (type 128).
    const head = `${mac}02aabbccdd01`;
    const ipv6 = (nextHeader: string, payload: string): string =>
      `86dd60000000${(payload.length / 2).toString(16).padStart(4, '0')}${nextHeader}ff` +
      `20010db8000000000000000000000001${'20010db8000000000000000000000002'}${payload}`;
    const frames = [
      `${head}0800${'45'.padEnd(92, '0')}`,
      head + ipv6('11', '0'.repeat(16)),
      head + ipv6('3a', '80'.padEnd(16, '0')),
    ];
    const script = `import socket; s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(("eth0", 0))
for f in ${JSON.stringify(frames)}: s.send(bytes.fromhex(f))`;
    sh(['ip', 'netns', 'exec', CLIENT, 'python3', '-c', script]);
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    const after = await counters(responder);
    // Had any of them passed the filter, the verdict would have counted it under one of these.
    expect(after['unsupported-ethertype']).toBe(0);
    expect(after['not-ndp']).toBe(0);
    // Our own replies (sent > 0) never come back to us.
    expect(after.sent).toBeGreaterThan(0);
    expect(after['own-frame']).toBe(0);
  }, 30_000);

  test('joins and leaves 10,000 solicited-node groups at the IP layer, refcounted', async () => {
    const result = await responder.send('groups 10000');
    expect(result).toMatchObject({
      joined: 10_000,
      afterLeave: 1,
      afterSecondLeave: 0,
      leaveUnknown: 'EADDRNOTAVAIL',
      fdsLeft: 0,
    });
    expect(result.fdsJoined).toBeGreaterThan(1);
  }, 60_000);

  test('close() is idempotent and leaves no descriptor behind', async () => {
    const closed = await responder.send('close');
    // Node itself may open /dev/null lazily; the responder's socket and eventfd must be gone.
    expect((closed.leaked as string[]).filter((target) => target !== '/dev/null')).toEqual([]);
    expect(await responder.exited()).toBe(0);
  }, 30_000);

  test('an open responder keeps the process alive even unreferenced; close() lets it exit', async () => {
    const script = (close: boolean): string =>
      `import { openResponder } from '${repo}/src/native/index.ts';
       const responder = openResponder('lo', () => undefined);
       ${close ? 'responder.close();' : ''}
       globalThis.gc();`;
    const run = (close: boolean): Promise<number | null> => {
      const args = ['--expose-gc', '--input-type=module', '-e', script(close)];
      const child = spawn('ip', ['netns', 'exec', SPEAKER, node24, ...args], { stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 1500);
      return new Promise((resolveExit) =>
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolveExit(code);
        }),
      );
    };
    expect(await run(true)).toBe(0);
    expect(await run(false)).toBeNull(); // still running after 1.5 s, killed
  }, 30_000);

  test('without CAP_NET_RAW opening fails with EPERM and says how to grant it', async () => {
    const command = `exec ${node24} ${fixture} eth0`;
    const unprivileged = new Fixture([
      'ip',
      'netns',
      'exec',
      SPEAKER,
      'capsh',
      '--drop=cap_net_raw',
      '--',
      '-c',
      command,
    ]);
    const error = await unprivileged.next();
    expect(error).toMatchObject({ event: 'error', name: 'NativeError', errno: 'EPERM' });
    expect(error.message).toMatch(/eth0.*CAP_NET_RAW.*setcap cap_net_raw\+ep/);
    expect(await unprivileged.exited()).toBe(1);
  }, 30_000);
});

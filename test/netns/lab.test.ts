import { cleanupStaleLabs, createLab, LabOptionError, type Host, type Lab } from '../../src/lab/index.ts';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const rootLinks = (): string => execFileSync('ip', ['-o', 'link']).toString();
const namespaces = (): string => execFileSync('ip', ['netns', 'list']).toString();

function bridgePorts(lab: Lab): string[] {
  const out = execFileSync('ip', ['-n', lab.switchNs, '-j', 'link', 'show', 'master', 'br0']).toString();
  return (JSON.parse(out) as { ifname: string }[]).map((link) => link.ifname);
}

/** Resolves `to` from `from` (ARP for IPv4, NDP for IPv6): 0 when `to` answered. */
async function ping(from: Host, to: string): Promise<number> {
  const argv = to.includes(':')
    ? ['ndisc6', '-1', '-r', '1', '-w', '500', to, 'eth0']
    : ['arping', '-c', '1', '-w', '0.5', '-I', 'eth0', to];
  return (await from.exec(argv, { timeoutMs: 5000 })).code;
}

const [A4, B4, A6, B6] = ['192.0.2.11', '192.0.2.12', '2001:db8::11', '2001:db8::12'];

describe('lab', () => {
  let lab: Lab;
  let a: Host;
  let b: Host;
  let linksBefore: string;

  beforeAll(async () => {
    linksBefore = rootLinks();
    lab = await createLab({ prefix: 'lt' });
    a = await lab.addHost('a', { ipv4: `${A4}/24`, ipv6: `${A6}/64`, mac: '02:00:00:00:00:11' });
    b = await lab.addHost('b', { ipv4: `${B4}/24`, ipv6: `${B6}/64` });
  });

  afterAll(async () => {
    await lab.destroy();
  });

  it('names namespaces and ports from a short unique prefix and adds nothing to the root namespace', async () => {
    expect(lab.prefix).toMatch(/^lt[0-9a-z]{4}$/);
    expect(a.ns).toBe(`${lab.prefix}a`);
    expect(namespaces()).toContain(`${lab.prefix}sw`);
    expect(a.mac).toBe('02:00:00:00:00:11');
    expect(b.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect([a.ipv4, a.ipv6]).toEqual([A4, A6]);
    expect(rootLinks()).toBe(linksBefore);
    expect(bridgePorts(lab).sort()).toEqual([a.ns, b.ns].sort());
  });

  it('lets two hosts reach each other over IPv4 (ARP) and IPv6 (NDP)', async () => {
    expect(await ping(a, B4)).toBe(0);
    expect(await ping(b, A4)).toBe(0);
    expect(await ping(a, B6)).toBe(0);
    expect(await ping(b, A6)).toBe(0);
  });

  it('cuts and restores a link', async () => {
    await lab.cutLink(b);
    expect(await ping(a, B4)).not.toBe(0);
    expect(await ping(a, B6)).not.toBe(0);
    await lab.restoreLink(b);
    expect(await ping(a, B4)).toBe(0);
    expect(await ping(a, B6)).toBe(0);
  });

  it('drops every frame with 100% loss and none once the loss is removed', async () => {
    await lab.addLoss(b, 100);
    expect(await ping(a, B4)).not.toBe(0);
    await lab.addLoss(b, 0);
    expect(await ping(a, B4)).toBe(0);
    await expect(lab.addLoss(b, 101)).rejects.toBeInstanceOf(LabOptionError);
  });

  it('runs programs in the host namespace and lists their pids', async () => {
    const sleeper = a.spawn(['sleep', '30']);
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    expect(await a.pids()).toContain(sleeper.pid);
    const echoed = await a.exec(['cat'], { input: 'hello' });
    expect(echoed).toEqual({ code: 0, stdout: 'hello', stderr: '' });
    expect((await a.exec(['sleep', '10'], { timeoutMs: 50 })).code).toBe(137);
  });

  it('refuses host names that would not fit an interface name', async () => {
    await expect(lab.addHost('averyverylongname', {})).rejects.toBeInstanceOf(LabOptionError);
  });

  it('destroys everything: processes, namespaces, no link left in the root namespace; twice is fine', async () => {
    const sleeper = b.spawn(['sleep', '30']);
    const exited = new Promise((resolve) => sleeper.once('exit', (_code, signal) => resolve(signal)));
    await lab.destroy();
    await lab.destroy();
    expect(await exited).toBe('SIGKILL');
    expect(namespaces()).not.toContain(lab.prefix);
    expect(rootLinks()).toBe(linksBefore);
  });
});

describe('cleanupStaleLabs', () => {
  const repo = resolve(__dirname, '../..');
  const script = `import { createLab } from '${repo}/src/lab/index.ts';
const lab = await createLab({ prefix: 'lk' });
await lab.addHost('a', {});
console.log(lab.prefix);
setInterval(() => undefined, 1000);`;

  it('removes the lab of a process killed with SIGKILL and leaves live labs alone', async () => {
    const live = await createLab({ prefix: 'lk' });
    const owner = spawn(resolve(repo, 'node_modules/.bin/node'), ['--input-type=module', '-e', script]);
    const [line] = (await once(owner.stdout, 'data')) as [Buffer];
    const prefix = line.toString().trim();
    expect(namespaces()).toContain(`${prefix}a`);
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    const removed = await cleanupStaleLabs('lk');
    expect(removed.sort()).toEqual([`${prefix}a`, `${prefix}sw`]);
    expect(namespaces()).not.toContain(prefix);
    expect(namespaces()).toContain(live.switchNs);
    await live.destroy();
  });
});

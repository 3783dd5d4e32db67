/**
 * Three speakers gossiping with memberlist (encrypted with a MetalLB-style secret key): one owner per
 * service, /status lists every member, and a cut link or SIGTERM moves the VIP to the next member.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Host, type Lab } from '../../src/lab/index.ts';
import { httpGet, labConfig, spawnSpeaker, waitReady, type RunningSpeaker } from './speaker-harness.ts';

jest.setTimeout(90_000);

const PORT = 7472;
const VIP = '192.0.2.201';
const CONFIG = labConfig(['192.0.2.200/29'], { web: [VIP] });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The MACs that answered an arping burst for the VIP. */
async function answeringMacs(client: Host): Promise<string[]> {
  const result = await client.exec(['arping', '-c', '3', '-W', '0.05', '-I', 'eth0', VIP]);
  return [...new Set([...result.stdout.matchAll(/bytes from ([0-9a-f:]{17})/g)].map((m) => m[1] ?? ''))];
}

async function waitForSingleOwner(client: Host, among: Host[], timeoutMs: number): Promise<Host> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const macs = await answeringMacs(client);
    const owner = among.find((host) => macs.length === 1 && host.mac === macs[0]);
    if (owner) return owner;
    if (Date.now() > deadline) throw new Error(`no single owner among ${among.map((h) => h.name)}: ${macs}`);
    await sleep(100);
  }
}

describe('speakers with memberlist', () => {
  let lab: Lab;
  let nodes: Host[];
  let client: Host;
  const speakers = new Map<string, RunningSpeaker>();
  let dir: string;
  const speakerOf = (host: Host): RunningSpeaker => {
    const speaker = speakers.get(host.name);
    if (!speaker) throw new Error(`no speaker on ${host.name}`);
    return speaker;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'l2speaker-cluster-'));
    writeFileSync(join(dir, 'l2speaker.yaml'), CONFIG);
    mkdirSync(join(dir, 'secret'));
    writeFileSync(join(dir, 'secret', 'secretkey'), 'R2L6lTqlR8gbvLFcM9Oc7w');
    lab = await createLab({ prefix: 'l2c' });
    nodes = [];
    for (const [i, name] of ['na', 'nb', 'nc'].entries()) {
      nodes.push(await lab.addHost(name, { ipv4: `192.0.2.${11 + i}/24` }));
    }
    client = await lab.addHost('cli', { ipv4: '192.0.2.100/24' });
    for (const node of nodes) {
      const speaker = spawnSpeaker(node, [
        ...['--config', join(dir, 'l2speaker.yaml'), '--node-name', node.name],
        ...['--ml-bindaddr', node.ipv4 ?? '', '--ml-peers', '192.0.2.11:7946,192.0.2.12:7946'],
        ...['--ml-secret-key-path', join(dir, 'secret'), '--ml-join-timeout-ms', '3000'],
      ]);
      speakers.set(node.name, speaker);
    }
    for (const node of nodes) await waitReady(node, PORT, speakerOf(node));
  });

  afterAll(async () => {
    for (const speaker of speakers.values()) speaker.process.kill('SIGKILL');
    await lab?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every speaker lists all three members alive, and exactly one answers for the VIP', async () => {
    await sleep(1000);
    for (const node of nodes) {
      const status = JSON.parse(await httpGet(node, PORT, '/status')) as {
        members: { name: string; state: string }[];
      };
      expect(status.members.map((m) => `${m.name}:${m.state}`).sort()).toEqual([
        'na:alive',
        'nb:alive',
        'nc:alive',
      ]);
      const metrics = await httpGet(node, PORT, '/metrics');
      expect(metrics).toContain('l2speaker_members{state="alive"} 3');
      expect(metrics).toContain('l2speaker_election_mode{mode="ring"} 1');
    }
    await waitForSingleOwner(client, nodes, 5000);
  });

  test("cutting the owner's link moves the VIP to another member within a second", async () => {
    const owner = await waitForSingleOwner(client, nodes, 5000);
    await lab.cutLink(owner);
    const cutAt = Date.now();
    const next = await waitForSingleOwner(
      client,
      nodes.filter((n) => n !== owner),
      3000,
    );
    expect(next).not.toBe(owner);
    expect(Date.now() - cutAt).toBeLessThan(2000);
    // The new owner measured its takeover from the member's first suspicion or death.
    const metrics = await httpGet(next, PORT, '/metrics');
    expect(metrics).toMatch(/l2speaker_ownership_changes_total\{change="gained"\} [1-9]/);
    expect(metrics).toMatch(/l2speaker_takeover_seconds_count\{cause="(suspect|dead)"\} [1-9]/);
    await lab.restoreLink(owner);
  });

  test('SIGTERM on the owner hands the VIP over at once', async () => {
    await sleep(2000);
    const owner = await waitForSingleOwner(client, nodes, 5000);
    const speaker = speakerOf(owner);
    speaker.process.kill('SIGTERM');
    expect(await speaker.exited).toBe(0);
    const next = await waitForSingleOwner(
      client,
      nodes.filter((n) => n !== owner),
      2000,
    );
    expect(next).not.toBe(owner);
  });
});

/**
 * Memberlist partitions seen from a client that still reaches every node: three speakers, the owner of the
 * VIP cut off from the other two at the memberlist level only (nftables drops, in each half's namespaces,
 * every TCP/UDP packet arriving from the other half), so ARP still flows between all hosts and the client.
 * docs/partitions.md explains what is asserted and the figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Host, type Lab } from '../../src/lab/index.ts';
import {
  readCapture,
  spawnSpeaker,
  startCapture,
  waitReady,
  type RunningSpeaker,
} from './speaker-harness.ts';

jest.setTimeout(60_000);

const PORT = 7472;
const VIP = '192.0.2.201';
const SHORT_SPLIT_MS = 10_000;
const HEAL_BOUND_MS = 1500;
const CONFIG = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: lab, namespace: metallb-system }
spec: { addresses: ["${VIP}/32"] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: lab, namespace: metallb-system }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { type: LoadBalancer }
status: { loadBalancer: { ingress: [{ ip: ${VIP} }] } }
`;
const PARTITION_TABLE = 'l2partition';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function nft(host: Host, rules: string): Promise<void> {
  const result = await host.exec(['nft', '-f', '-'], { input: rules });
  if (result.code !== 0) throw new Error(`nft in ${host.name}: ${result.stderr}`);
}

/** Drops every TCP and UDP packet arriving from the other half, in each host of both halves. */
async function split(a: readonly Host[], b: readonly Host[]): Promise<void> {
  const drop = (others: readonly Host[]): string =>
    `table inet ${PARTITION_TABLE} {\n chain input { type filter hook input priority 0; ` +
    `ip saddr { ${others.map((h) => h.ipv4).join(', ')} } meta l4proto { tcp, udp } drop; }\n}\n`;
  for (const host of a) await nft(host, drop(b));
  for (const host of b) await nft(host, drop(a));
}

async function heal(hosts: readonly Host[]): Promise<void> {
  for (const host of hosts) await nft(host, `delete table inet ${PARTITION_TABLE}\n`);
}

/** The nodes whose /status says their data plane answers for the VIP. */
async function statusOwners(nodes: readonly Host[]): Promise<Host[]> {
  const views = await Promise.all(
    nodes.map((node) => node.exec(['curl', '-sf', '-m', '1', `http://127.0.0.1:${PORT}/status`])),
  );
  return nodes.filter((_, i) => {
    const view = views[i];
    if (!view || view.code !== 0) return false;
    const status = JSON.parse(view.stdout) as { services: { ips: string[]; interfaces: string[] }[] };
    return status.services.some((s) => s.ips.includes(VIP) && s.interfaces.length > 0);
  });
}

/** The MACs that answered three ARP requests for the VIP, 20 ms apart. */
async function answeringMacs(client: Host): Promise<string[]> {
  const result = await client.exec(['arping', '-c', '3', '-W', '0.02', '-I', 'eth0', VIP]);
  return [...new Set([...result.stdout.matchAll(/bytes from ([0-9a-f:]{17})/g)].map((m) => m[1] ?? ''))];
}

/** Polls until exactly one node answers the client's arping; returns it and when that was first seen. */
async function waitSingleAnswer(
  client: Host,
  nodes: readonly Host[],
  timeoutMs: number,
): Promise<{ owner: Host; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sentAt = Date.now();
    const macs = await answeringMacs(client);
    const owner = nodes.find((node) => macs.length === 1 && node.mac === macs[0]);
    if (owner) return { owner, at: sentAt };
    if (Date.now() > deadline) throw new Error(`no single answer within ${timeoutMs} ms: ${macs.join(' ')}`);
  }
}

async function neighbourMac(client: Host): Promise<string | undefined> {
  const result = await client.exec(['ip', '-j', 'neigh', 'show', VIP, 'dev', 'eth0']);
  const [entry] = JSON.parse(result.stdout || '[]') as { lladdr?: string }[];
  return entry?.lladdr;
}

describe('a memberlist partition between the owner and the other two speakers', () => {
  let lab: Lab;
  let nodes: Host[];
  let client: Host;
  let dir: string;
  const speakers: RunningSpeaker[] = [];
  const nameOf = (mac: string): string => nodes.find((n) => n.mac === mac)?.name ?? mac;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'l2speaker-partition-'));
    writeFileSync(join(dir, 'l2speaker.yaml'), CONFIG);
    mkdirSync(join(dir, 'secret'));
    writeFileSync(join(dir, 'secret', 'secretkey'), 'R2L6lTqlR8gbvLFcM9Oc7w');
    lab = await createLab({ prefix: 'l2p' });
    nodes = [];
    for (const [i, name] of ['pa', 'pb', 'pc'].entries()) {
      nodes.push(await lab.addHost(name, { ipv4: `192.0.2.${11 + i}/24` }));
    }
    client = await lab.addHost('cli', { ipv4: '192.0.2.100/24' });
    const seeds = nodes.map((n) => `${n.ipv4}:7946`).join(',');
    for (const node of nodes) {
      speakers.push(
        spawnSpeaker(node, [
          ...['--config', join(dir, 'l2speaker.yaml'), '--node-name', node.name, '--log-level', 'warn'],
          ...['--ml-bindaddr', node.ipv4 ?? '', '--ml-peers', seeds],
          ...['--ml-secret-key-path', join(dir, 'secret'), '--ml-join-timeout-ms', '3000'],
        ]),
      );
    }
    for (const [i, node] of nodes.entries()) await waitReady(node, PORT, speakers[i] as RunningSpeaker);
  });

  afterAll(async () => {
    for (const speaker of speakers) speaker.process.kill('SIGKILL');
    await lab?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test('while split the other half elects its own owner; after a 10 s split heals, one owner answers', async () => {
    const { owner } = await waitSingleAnswer(client, nodes, 10_000);
    const others = nodes.filter((n) => n !== owner);
    // A datagram makes the client's kernel resolve the VIP: it then holds an entry that announcements update.
    await client.exec(['bash', '-c', `echo > /dev/udp/${VIP}/9; sleep 0.2`]);
    expect(await neighbourMac(client)).toBe(owner.mac);
    const file = join(dir, 'client.pcap');
    const capture = await startCapture(client, file);

    await split([owner], others);
    const splitAt = Date.now();
    // The other half declares the owner dead and elects one of its own: both halves now answer.
    let duringSplit: string[] = [];
    while (!(duringSplit.length === 2 && duringSplit.includes(owner.mac))) {
      if (Date.now() - splitAt > 5000) throw new Error(`split: answers ${duringSplit.join(' ')}`);
      duringSplit = await answeringMacs(client);
    }
    const bothAnswerAfterMs = Date.now() - splitAt;
    const splitOwners = await statusOwners(nodes);
    expect(splitOwners).toContain(owner);
    expect(splitOwners).toHaveLength(2);
    await sleep(SHORT_SPLIT_MS - (Date.now() - splitAt));
    const neighbourBeforeHeal = await neighbourMac(client);

    await heal(nodes);
    const healedAt = Date.now();
    const single = await waitSingleAnswer(client, nodes, 10_000);
    const healMs = single.at - healedAt;
    // It stays single: nobody answers besides it once membership merged.
    await sleep(1000);
    expect(await answeringMacs(client)).toEqual([single.owner.mac]);
    expect(await statusOwners(nodes)).toEqual([single.owner]);
    await sleep(2500);
    await capture.stop();
    const announcements = await readCapture(
      client,
      file,
      `arp.src.proto_ipv4 == ${VIP} && (arp.isgratuitous || arp.opcode == 2 && eth.dst == ff:ff:ff:ff:ff:ff)`,
      ['frame.time_epoch', 'arp.src.hw_mac'],
    );
    const fromOwnerAfterHeal = announcements.filter((line) => {
      const [epoch = '0', mac = ''] = line.split('\t');
      return mac === single.owner.mac && Number(epoch) * 1000 >= healedAt;
    });
    const neighbourAtEnd = await neighbourMac(client);
    console.log(
      `partition: owner ${owner.name}; both halves answer ${bothAnswerAfterMs} ms after the split ` +
        `(${duringSplit.map(nameOf).join(', ')}); neighbour entry before heal ${nameOf(neighbourBeforeHeal ?? '')}; ` +
        `single owner ${single.owner.name} ${healMs} ms after the heal; announcements ` +
        `${announcements.map((l) => `${l.split('\t')[0]}:${nameOf(l.split('\t')[1] ?? '')}`).join(' ')}; ` +
        `from it after the heal ${fromOwnerAfterHeal.length}; neighbour entry at the end ${nameOf(neighbourAtEnd ?? '')}`,
    );
    expect(healMs).toBeLessThanOrEqual(HEAL_BOUND_MS);
    expect(neighbourAtEnd).toBe(single.owner.mac);
  });
});

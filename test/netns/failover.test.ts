/**
 * Failover as a client feels it, with the bench's rig (bench/lib/failover-*.ts): 5 speakers, a dual-stack
 * service on every node, a client probing the IPv4 VIP every 1 ms. A cut owner link is survived within a
 * second, a SIGTERM within 300 ms with the client moved to the new owner, and a restarted non-owner sends
 * no gratuitous ARP or unsolicited NA for the VIPs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import {
  addRigHosts,
  probeAround,
  prepareNode,
  type ProbeResult,
  type RigBinaries,
} from '../../bench/lib/failover-rig.ts';
import { startSpeakers, type SpeakerCluster } from '../../bench/lib/failover-speakers.ts';
import { createLab, type Host, type Lab } from '../../src/lab/index.ts';
import { node24, readCapture, repo, startCapture } from './speaker-harness.ts';

jest.setTimeout(60_000);

const VIP = '192.0.2.201';
const VIP6 = '2001:db8::201';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function build(dir: string, name: string): string {
  const binary = join(dir, name);
  const source = join(repo, 'bench/baseline', `${name}.c`);
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', binary, source]);
  return binary;
}

async function neighbourMac(client: Host): Promise<string> {
  const result = await client.exec(['ip', '-j', 'neigh', 'show', 'to', VIP, 'dev', 'eth0']);
  const [entry] = JSON.parse(result.stdout || '[]') as { lladdr?: string }[];
  return entry?.lladdr ?? '';
}

describe('failover seen from a client', () => {
  let lab: Lab;
  let dir: string;
  let bin: RigBinaries;
  let nodes: Host[];
  let client: Host;
  let cluster: SpeakerCluster;
  const services: ChildProcess[] = [];
  const probe = (event: () => Promise<void>): Promise<ProbeResult> =>
    probeAround(client, bin, { vip: VIP, timeoutMs: 5000, settleMs: 300 }, event);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'l2speaker-failover-test-'));
    bin = { echoService: build(dir, 'echo-service'), probeClient: build(dir, 'probe-client') };
    lab = await createLab({ prefix: 'fot' });
    ({ nodes, client } = await addRigHosts(lab, 5));
    for (const node of nodes) services.push(await prepareNode(node, [VIP], bin));
    cluster = await startSpeakers({ node24, repo, vip: VIP, vip6: VIP6, nodes });
  });

  afterAll(async () => {
    await cluster?.close();
    for (const service of services) service.kill('SIGKILL');
    await lab?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test("UDP probes resume within 1 s of the owner's link being cut", async () => {
    const owner = await cluster.waitStable(20_000);
    const result = await probe(() => lab.cutLink(owner));
    await lab.restoreLink(owner);
    expect(result.udpOutageMs).not.toBeNull();
    expect(result.udpOutageMs).toBeLessThan(1000);
    // The cut was felt: answers stopped for longer than the probe interval jitter.
    expect(result.udpOutageMs).toBeGreaterThan(20);
  });

  test('SIGTERM on the owner: outage under 300 ms and the client moved to the new owner', async () => {
    const owner = await cluster.waitStable(20_000);
    const result = await probe(() => cluster.stop(owner, 'SIGTERM'));
    expect(result.udpOutageMs).not.toBeNull();
    expect(result.udpOutageMs).toBeLessThan(300);
    const next = await cluster.waitStable(5000);
    expect(next).not.toBe(owner);
    expect(await neighbourMac(client)).toBe(next.mac);
    await cluster.start(owner);
  });

  test('a restarted speaker that does not own the VIPs sends no gratuitous ARP or unsolicited NA for them', async () => {
    const owner = await cluster.waitStable(20_000);
    // The owner answers for both VIPs (ndisc6 prints the target's link-layer address).
    const solicited = await client.exec(['ndisc6', '-1', '-r', '3', '-w', '500', VIP6, 'eth0']);
    expect(solicited.stdout.toLowerCase()).toContain(owner.mac);
    const other = nodes.find((node) => node !== owner) as Host;
    const file = join(dir, 'restart.pcap');
    const capture = await startCapture(client, file);
    await cluster.stop(other, 'SIGTERM');
    // Forgetting its neighbours makes the node ARP for its peers when it re-joins, which the capture must see.
    await other.exec(['ip', 'neigh', 'flush', 'dev', 'eth0']);
    await cluster.start(other);
    expect(await cluster.waitStable(10_000)).toBe(owner);
    await sleep(1000);
    await capture.stop();
    const fromOther = `eth.src == ${other.mac}`;
    // The capture does see the restarted node's frames: its broadcast ARP requests for its peers.
    expect((await readCapture(client, file, `${fromOther} && arp`, ['frame.number'])).length).toBeGreaterThan(
      0,
    );
    const gratuitous = `${fromOther} && arp.src.proto_ipv4 == arp.dst.proto_ipv4 && arp.dst.proto_ipv4 == ${VIP}`;
    expect(await readCapture(client, file, gratuitous, ['frame.number'])).toEqual([]);
    const advert = `${fromOther} && icmpv6.type == 136 && icmpv6.nd.na.target_address == ${VIP6}`;
    expect(await readCapture(client, file, advert, ['frame.number'])).toEqual([]);
  });
});

/**
 * A real speaker on a lab host, checked by clients nobody here wrote: arping, ndisc6, the kernel's
 * neighbour table, tcpdump/tshark, and scapy for hostile frames.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Host, type Lab } from '../../src/lab/index.ts';
import {
  httpGet,
  labConfig,
  node24,
  readCapture,
  repo,
  spawnSpeaker,
  startCapture,
  waitReady,
  type RunningSpeaker,
} from './speaker-harness.ts';

jest.setTimeout(60_000);

const PORT = 7472;
const VIP4 = '192.0.2.201';
const VIP6 = '2001:db8::201';

function config(ingress: string[]): string {
  return labConfig(['192.0.2.200/29', '2001:db8::200/125'], {
    web: ingress,
    'outside-pools': ['192.0.2.50'],
  });
}

/** Replaces the file the way an editor or a ConfigMap update does: write aside, rename over. */
function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.new`, text);
  renameSync(`${path}.new`, path);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function arpingReplies(client: Host, ip: string, count = 3): Promise<string[]> {
  const result = await client.exec(['arping', '-c', String(count), '-W', '0.05', '-I', 'eth0', ip]);
  return [...result.stdout.matchAll(/bytes from ([0-9a-f:]{17})/g)].map((m) => m[1] ?? '');
}

describe('speaker in a lab', () => {
  let lab: Lab;
  let node: Host;
  let client: Host;
  let speaker: RunningSpeaker;
  let dir: string;
  let configPath: string;
  const gainCapture = (): string => join(dir, 'gain.pcap');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'l2speaker-netns-'));
    lab = await createLab({ prefix: 'l2t' });
    node = await lab.addHost('node', { ipv4: '192.0.2.10/24', ipv6: '2001:db8::10/64' });
    client = await lab.addHost('cli', { ipv4: '192.0.2.100/24', ipv6: '2001:db8::100/64' });
    configPath = join(dir, 'l2speaker.yaml');
    writeFileSync(configPath, config([VIP4, VIP6]));
    const capture = await startCapture(client, gainCapture());
    speaker = spawnSpeaker(node, ['--config', configPath, '--node-name', 'node', '--log-level', 'info']);
    await waitReady(node, PORT, speaker);
    await sleep(2500);
    await capture.stop();
  });

  afterAll(async () => {
    speaker?.process.kill('SIGKILL');
    await lab?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test('arping gets the node MAC for the VIP, and nothing for an IP outside every pool', async () => {
    expect(await arpingReplies(client, VIP4)).toEqual([node.mac, node.mac, node.mac]);
    expect(await arpingReplies(client, '192.0.2.50', 2)).toEqual([]);
  });

  test("the client kernel's neighbour table resolves both VIPs to the node", async () => {
    for (const vip of [VIP4, VIP6]) {
      const family = vip.includes(':') ? 'udp6' : 'udp4';
      await client.exec([
        node24,
        '-e',
        `const s=require('dgram').createSocket('${family}');s.send('x',9,'${vip}',()=>s.close())`,
      ]);
      await sleep(300);
      const neigh = await client.exec(['ip', 'neigh', 'show', vip, 'dev', 'eth0']);
      expect(neigh.stdout).toContain(`lladdr ${node.mac}`);
    }
  });

  test('ndisc6 resolves the IPv6 VIP to the node MAC', async () => {
    const result = await client.exec(['ndisc6', '-1', '-r', '3', '-w', '500', VIP6, 'eth0']);
    expect(result.stdout.toLowerCase()).toContain(node.mac);
  });

  test('on gain: gratuitous ARP as request and reply, unsolicited NA, and an MLD report for the group', async () => {
    const garp = await readCapture(
      client,
      gainCapture(),
      `arp.src.proto_ipv4 == ${VIP4} && arp.dst.proto_ipv4 == ${VIP4}`,
      ['eth.src', 'arp.opcode', 'arp.dst.hw_mac'],
    );
    expect(garp.filter((l) => l === `${node.mac}\t1\t00:00:00:00:00:00`)).toHaveLength(4);
    expect(garp.filter((l) => l === `${node.mac}\t2\t${node.mac}`)).toHaveLength(4);
    const na = await readCapture(client, gainCapture(), `icmpv6.type == 136 && ipv6.dst == ff02::1`, [
      'icmpv6.nd.na.target_address',
      'icmpv6.nd.na.flag.o',
      'icmpv6.nd.na.flag.s',
    ]);
    expect(na.filter((l) => l.startsWith(`${VIP6}\t`))).toHaveLength(4);
    expect(na[0]).toMatch(/\t(1|True)\t(0|False)$/);
    const mld = await readCapture(client, gainCapture(), 'icmpv6.type == 143', [
      'icmpv6.mldr.mar.multicast_address',
    ]);
    expect(mld.join(',')).toContain('ff02::1:ff00:201');
  });

  test('hostile and malformed frames get no answer; valid controls do', async () => {
    const args = [
      '/usr/bin/python3',
      join(repo, 'test/netns/fixtures/hostile.py'),
      'eth0',
      node.mac,
      VIP4,
      VIP6,
      '192.0.2.202',
      '2001:db8::202',
    ];
    const result = await client.exec(args, { timeoutMs: 30_000 });
    expect(result.stderr).toBe('');
    const answered = JSON.parse(result.stdout) as Record<string, boolean>;
    const expected = Object.fromEntries(
      Object.keys(answered).map((name) => [name, name.startsWith('control')]),
    );
    expect(answered).toEqual(expected);
  });

  test('/status lists the owned service with its IPs and interface', async () => {
    const status = JSON.parse(await httpGet(node, PORT, '/status')) as { node: string; services: unknown[] };
    expect(status.node).toBe('node');
    expect(status.services).toEqual([
      { namespace: 'default', name: 'web', ips: [VIP4, VIP6], interfaces: ['eth0'] },
    ]);
  });

  test('a resync announces nothing; a new IP is announced; a bad file keeps the last good config', async () => {
    const file = join(dir, 'reload.pcap');
    const capture = await startCapture(client, file);
    replaceFile(configPath, `# same objects, new bytes\n${config([VIP4, VIP6])}`);
    await sleep(2500);
    replaceFile(configPath, config([VIP4, VIP6, '192.0.2.202']));
    await sleep(2500);
    replaceFile(configPath, 'kind: [not yaml');
    await sleep(2500);
    await capture.stop();
    const announced = await readCapture(client, file, 'arp.src.proto_ipv4 == arp.dst.proto_ipv4', [
      'arp.src.proto_ipv4',
    ]);
    expect(new Set(announced)).toEqual(new Set(['192.0.2.202']));
    expect(await arpingReplies(client, '192.0.2.202', 2)).toEqual([node.mac, node.mac]);
    const metrics = await httpGet(node, PORT, '/metrics');
    expect(metrics).toMatch(/l2speaker_config_reloads_total\{result="error"\} 1/);
    expect(metrics).toMatch(
      /l2speaker_frames_total\{interface="eth0",verdict="reply",reason="arp-request"\} [1-9]/,
    );
    expect(metrics).toContain('metallb_layer2_requests_received{ip="192.0.2.202"} 2');
    expect(metrics).toContain('metallb_layer2_responses_sent{ip="192.0.2.202"} 2');
    expect(metrics).toContain('metallb_layer2_gratuitous_sent{ip="192.0.2.202"} 4');
  });

  test('another MAC claiming the VIP is a conflict: counted, answered by one re-announcement per period', async () => {
    const file = join(dir, 'conflict.pcap');
    const capture = await startCapture(client, file);
    const claim = `from scapy.all import *; conf.verb=0; m=get_if_hwaddr('eth0'); sendp(Ether(dst='ff:ff:ff:ff:ff:ff')/ARP(op=2,hwsrc=m,psrc='${VIP4}',hwdst=m,pdst='${VIP4}'), iface='eth0', count=1)`;
    for (let i = 0; i < 3; i++) {
      expect((await client.exec(['/usr/bin/python3', '-c', claim])).code).toBe(0);
      await sleep(300);
    }
    await capture.stop();
    const fromNode = await readCapture(
      client,
      file,
      `eth.src == ${node.mac} && arp.src.proto_ipv4 == ${VIP4} && arp.dst.proto_ipv4 == ${VIP4}`,
      ['arp.opcode'],
    );
    expect(fromNode.sort()).toEqual(['1', '2']);
    const metrics = await httpGet(node, PORT, '/metrics');
    expect(metrics).toContain(`l2speaker_conflicts_total{ip="${VIP4}",interface="eth0"} 3`);
  });

  test('a MAC change on the interface is followed within 2 s and re-announced', async () => {
    const file = join(dir, 'mac.pcap');
    const capture = await startCapture(client, file);
    const newMac = '02:00:00:00:aa:01';
    expect((await node.exec(['ip', 'link', 'set', 'eth0', 'address', newMac])).code).toBe(0);
    await sleep(2000);
    expect(await arpingReplies(client, VIP4, 2)).toEqual([newMac, newMac]);
    await capture.stop();
    const garp = await readCapture(
      client,
      file,
      `arp.src.proto_ipv4 == ${VIP4} && arp.dst.proto_ipv4 == ${VIP4}`,
      ['eth.src'],
    );
    expect(garp[0]).toBe(newMac);
  });

  test('SIGTERM stops answering and exits 0', async () => {
    speaker.process.kill('SIGTERM');
    expect(await speaker.exited).toBe(0);
    expect(await arpingReplies(client, VIP4, 2)).toEqual([]);
  });
});

describe('speaker start-up errors', () => {
  test('a bad file at start exits 1 naming the document, field and value', async () => {
    const lab = await createLab({ prefix: 'l2e' });
    const dir = mkdtempSync(join(tmpdir(), 'l2speaker-bad-'));
    try {
      const node = await lab.addHost('node', { ipv4: '192.0.2.10/24' });
      const path = join(dir, 'bad.yaml');
      writeFileSync(path, config([VIP4]).replace('192.0.2.200/29', '192.0.2.300/29'));
      const speaker = spawnSpeaker(node, ['--config', path, '--node-name', 'node']);
      expect(await speaker.exited).toBe(1);
      expect(speaker.output()).toContain('spec.addresses[0]');
      expect(speaker.output()).toContain('192.0.2.300/29');
      expect(speaker.output()).toContain('IPAddressPool');
    } finally {
      await lab.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The demo (README's first command): a one-node lab in network namespaces. A speaker on "node" answers
 * for a LoadBalancer IPv4 and IPv6 address that no interface carries; a client resolves both through
 * the kernel's own neighbour table and must find the node's MAC. Everything is torn down at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLab, type Host } from '../src/lab/index.ts';

const repo = resolve(import.meta.dirname, '..');
const node24 = join(repo, 'node_modules/.bin/node');
const VIP4 = '192.0.2.201';
const VIP6 = '2001:db8::201';

const CONFIG = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: demo, namespace: metallb-system }
spec: { addresses: ["192.0.2.200/29", "2001:db8::200/125"] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: demo, namespace: metallb-system }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { type: LoadBalancer }
status: { loadBalancer: { ingress: [ { ip: ${VIP4} }, { ip: "${VIP6}" } ] } }
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitReady(host: Host, port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = await host.exec(['curl', '-sf', `http://127.0.0.1:${port}/readyz`]);
    if (probe.code === 0) return;
    await sleep(100);
  }
  throw new Error('speaker did not become ready within 10 s');
}

/** Sends one datagram to the VIP so the client's kernel resolves it, then reads its neighbour entry. */
async function resolveNeighbour(client: Host, vip: string): Promise<string | undefined> {
  const family = vip.includes(':') ? 'udp6' : 'udp4';
  const send = `const s=require('node:dgram').createSocket('${family}');s.send('x',9,'${vip}',()=>s.close())`;
  await client.exec([node24, '-e', send]);
  for (let attempt = 0; attempt < 20; attempt++) {
    await sleep(100);
    const neigh = await client.exec(['ip', 'neigh', 'show', vip, 'dev', 'eth0']);
    const mac = /lladdr ([0-9a-f:]{17})/.exec(neigh.stdout)?.[1];
    if (mac) return mac;
  }
  return undefined;
}

async function main(): Promise<number> {
  const lab = await createLab({ prefix: 'l2d' });
  const dir = mkdtempSync(join(tmpdir(), 'l2speaker-demo-'));
  try {
    const node = await lab.addHost('node', { ipv4: '192.0.2.10/24', ipv6: '2001:db8::10/64' });
    const client = await lab.addHost('cli', { ipv4: '192.0.2.100/24', ipv6: '2001:db8::100/64' });
    const config = join(dir, 'l2speaker.yaml');
    writeFileSync(config, CONFIG);
    console.log(`lab ${lab.prefix}: node ${node.mac} (192.0.2.10), client (192.0.2.100); config ${config}`);
    const speaker = node.spawn([
      node24,
      join(repo, 'bin/l2speaker.js'),
      '--config',
      config,
      '--node-name',
      'node',
      '--log-level',
      'warn',
    ]);
    speaker.stdout?.pipe(process.stdout);
    speaker.stderr?.pipe(process.stderr);
    await waitReady(node, 7472);
    let ok = true;
    for (const vip of [VIP4, VIP6]) {
      const mac = await resolveNeighbour(client, vip);
      const verdict = mac === node.mac ? 'OK' : 'FAIL';
      ok &&= mac === node.mac;
      console.log(`client resolved ${vip} -> ${mac ?? 'nothing'} (node is ${node.mac}): ${verdict}`);
    }
    const status = await node.exec(['curl', '-sf', 'http://127.0.0.1:7472/status']);
    console.log(`speaker /status: ${status.stdout}`);
    speaker.kill('SIGTERM');
    return ok ? 0 : 1;
  } finally {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();

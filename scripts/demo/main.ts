/**
 * The demo (README's first command): three nodes and a client in network namespaces, a speaker on each
 * node gossiping with memberlist (encrypted), three LoadBalancer services over IPv4 and IPv6. It shows
 * who owns what, resolves and reaches every VIP from the client, cuts the owner's link, prints the
 * outage the client saw, restores the link and tears everything down. Exit code 0 when all worked.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLab, type Host, type Lab } from '../../src/lab/index.ts';

const repo = resolve(import.meta.dirname, '../..');
const node24 = join(repo, 'node_modules/.bin/node');
const SERVICES: Record<string, string[]> = {
  web: ['192.0.2.201', '2001:db8::201'],
  api: ['192.0.2.202'],
  dns: ['192.0.2.203', '2001:db8::203'],
};
const ALL_VIPS = Object.values(SERVICES).flat();

const CONFIG = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: demo, namespace: metallb-system }
spec: { addresses: ["192.0.2.200/29", "2001:db8::200/125"] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: demo, namespace: metallb-system }
${Object.entries(SERVICES)
  .map(
    ([name, ips]) => `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec: { type: LoadBalancer }
status: { loadBalancer: { ingress: [${ips.map((ip) => `{ ip: "${ip}" }`).join(', ')}] } }
`,
  )
  .join('')}`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const say = (text: string): void => console.log(text);

async function check(host: Host, argv: string[]): Promise<string> {
  const result = await host.exec(argv);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} on ${host.name}: ${result.stderr}`);
  return result.stdout;
}

/** The node's kernel serves the VIPs (on lo) but never answers ARP/NDP for them: the speaker does. */
async function prepareNode(node: Host): Promise<void> {
  await check(node, ['sysctl', '-qw', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2']);
  for (const vip of ALL_VIPS)
    await check(node, ['ip', 'addr', 'add', vip.includes(':') ? `${vip}/128` : `${vip}/32`, 'dev', 'lo']);
  node.spawn([node24, join(repo, 'scripts/demo/echo.ts'), node.name]);
}

async function waitReady(node: Host): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if ((await node.exec(['curl', '-sf', 'http://127.0.0.1:7472/readyz'])).code === 0) return;
    await sleep(100);
  }
  throw new Error(`speaker on ${node.name} not ready after 15 s`);
}

async function owners(nodes: readonly Host[]): Promise<Map<string, string>> {
  const owned = new Map<string, string>();
  for (const node of nodes) {
    const status = await node.exec(['curl', '-sf', 'http://127.0.0.1:7472/status']);
    if (status.code !== 0) continue;
    for (const service of (JSON.parse(status.stdout) as { services: { name: string }[] }).services) {
      owned.set(service.name, node.name);
    }
  }
  return owned;
}

/** Resolves the VIP through the client's kernel and reaches the service behind it. */
async function reach(client: Host, vip: string): Promise<{ mac: string; node: string }> {
  const out = await check(client, [node24, join(repo, 'scripts/demo/probe.ts'), vip, '50', '10']);
  const answers = (JSON.parse(out) as { answers: [number, string][] }).answers;
  const neigh = await check(client, ['ip', 'neigh', 'show', vip, 'dev', 'eth0']);
  return { mac: /lladdr ([0-9a-f:]{17})/.exec(neigh)?.[1] ?? 'none', node: answers[0]?.[1] ?? 'no answer' };
}

function longestGap(answers: readonly [number, string][]): { gapMs: number; after: string } {
  let gap = { gapMs: 0, after: '' };
  for (let i = 1; i < answers.length; i++) {
    const [previous, current] = [answers[i - 1], answers[i]];
    if (previous && current && current[0] - previous[0] > gap.gapMs)
      gap = { gapMs: current[0] - previous[0], after: current[1] };
  }
  return gap;
}

async function run(lab: Lab, dir: string): Promise<boolean> {
  say('1. Building a lab: a bridge, three nodes and a client, each in its own network namespace.');
  const nodes: Host[] = [];
  for (const [i, name] of ['na', 'nb', 'nc'].entries()) {
    nodes.push(
      await lab.addHost(name, {
        ipv4: `192.0.2.${11 + i}/24`,
        ipv6: `2001:db8::${11 + i}/64`,
      }),
    );
  }
  const client = await lab.addHost('cli', { ipv4: '192.0.2.100/24', ipv6: '2001:db8::100/64' });
  for (const node of nodes) say(`   ${node.name}: ${node.ipv4}, ${node.ipv6}, MAC ${node.mac}`);
  say(`   client: ${client.ipv4}, ${client.ipv6}`);

  say('2. Starting a speaker on every node (memberlist on port 7946, encrypted with a shared key).');
  writeFileSync(join(dir, 'l2speaker.yaml'), CONFIG);
  mkdirSync(join(dir, 'secret'));
  writeFileSync(join(dir, 'secret', 'secretkey'), randomBytes(16).toString('base64url').slice(0, 22));
  for (const node of nodes) {
    await prepareNode(node);
    node.spawn([
      ...[
        node24,
        join(repo, 'bin/l2speaker.js'),
        '--config',
        join(dir, 'l2speaker.yaml'),
        '--node-name',
        node.name,
      ],
      ...['--ml-bindaddr', node.ipv4 ?? '', '--ml-peers', `${nodes[0]?.ipv4}:7946`],
      ...['--ml-secret-key-path', join(dir, 'secret'), '--ml-join-timeout-ms', '3000', '--log-level', 'warn'],
    ]);
  }
  for (const node of nodes) await waitReady(node);
  await sleep(1000);

  say('3. Who owns what (each service goes to one node, elected over the live members):');
  const before = await owners(nodes);
  for (const [service, ips] of Object.entries(SERVICES))
    say(`   ${service.padEnd(4)} ${ips.join(', ').padEnd(30)} -> ${before.get(service) ?? 'nobody'}`);

  say('4. The client resolves each VIP (its kernel neighbour table) and reaches the service behind it:');
  let ok = true;
  for (const [service, ips] of Object.entries(SERVICES)) {
    for (const vip of ips) {
      const { mac, node } = await reach(client, vip);
      const expected = nodes.find((n) => n.name === before.get(service));
      const good = mac === expected?.mac && node === expected.name;
      ok &&= good;
      say(`   ${vip.padEnd(15)} is at ${mac}, answered by ${node} ${good ? 'OK' : 'FAIL'}`);
    }
  }

  const owner = nodes.find((n) => n.name === before.get('web'));
  if (!owner) throw new Error('nobody owns web');
  say(`5. Cutting ${owner.name}'s link (the owner of web) while the client probes 192.0.2.201 every 5 ms.`);
  const probe = client.exec([node24, join(repo, 'scripts/demo/probe.ts'), '192.0.2.201', '3000', '5']);
  await sleep(1000);
  await lab.cutLink(owner);
  const answers = (JSON.parse((await probe).stdout) as { answers: [number, string][] }).answers;
  const { gapMs, after } = longestGap(answers);
  const moved = after !== '' && after !== owner.name;
  ok &&= moved;
  say(
    `   outage seen by the client: ${gapMs} ms; web is now answered by ${after || 'nobody'} ${moved ? 'OK' : 'FAIL'}`,
  );

  say(`6. Restoring ${owner.name}'s link.`);
  await lab.restoreLink(owner);
  await sleep(3000);
  const after2 = await owners(nodes);
  for (const service of Object.keys(SERVICES))
    say(`   ${service.padEnd(4)} -> ${after2.get(service) ?? 'nobody'}`);
  return ok;
}

async function main(): Promise<number> {
  const lab = await createLab({ prefix: 'l2d' });
  const dir = mkdtempSync(join(tmpdir(), 'l2speaker-demo-'));
  try {
    const ok = await run(lab, dir);
    say(
      ok
        ? '7. All worked. Tearing the lab down.'
        : '7. Something failed (see FAIL above). Tearing the lab down.',
    );
    return ok ? 0 : 1;
  } finally {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();

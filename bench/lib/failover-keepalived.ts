/**
 * keepalived as the failover baseline in the same rig: VRRPv3 (sub-second adverts need it), advert_int
 * 0.1 s, the VIP as virtual_ipaddress on eth0; node i has priority 150 - 10 i, so n0 is the master and
 * takes the VIP back (preempts) when its link returns. One keepalived per node, VRRP only, not forking.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../src/lab/index.ts';
import { waitUntil } from './failover-rig.ts';

export const ADVERT_INT_S = 0.1;

function config(node: Host, index: number, vip: string): string {
  return `global_defs {
  router_id ${node.name}
  vrrp_version 3
}
vrrp_instance VI {
  state ${index === 0 ? 'MASTER' : 'BACKUP'}
  interface eth0
  virtual_router_id 51
  priority ${150 - 10 * index}
  advert_int ${ADVERT_INT_S}
  virtual_ipaddress {
    ${vip}/32 dev eth0
  }
}
`;
}

export interface KeepalivedCluster {
  /** The nodes holding the VIP on eth0. */
  holders(): Promise<Host[]>;
  /** Waits until only the top-priority node holds the VIP; returns it. */
  waitStable(timeoutMs: number): Promise<Host>;
  close(): Promise<void>;
}

async function holdsVip(node: Host, vip: string): Promise<boolean> {
  const result = await node.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
  return result.stdout.includes(` ${vip}/32 `);
}

export async function startKeepalived(
  nodes: readonly Host[],
  vip: string,
  binary = '/usr/sbin/keepalived',
): Promise<KeepalivedCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'l2speaker-keepalived-'));
  const processes: ChildProcess[] = [];
  for (const [index, node] of nodes.entries()) {
    const file = (ext: string): string => join(dir, `${node.name}.${ext}`);
    writeFileSync(file('conf'), config(node, index, vip));
    const argv = [binary, '-n', '-P', '-l', '-f', file('conf'), '-p', file('pid'), '-r', file('vrrp.pid')];
    processes.push(node.spawn(argv, { stdio: ['ignore', 'ignore', 'ignore'] }));
  }
  const master = nodes[0] as Host;
  const cluster: KeepalivedCluster = {
    async holders() {
      const held = await Promise.all(nodes.map((node) => holdsVip(node, vip)));
      return nodes.filter((_, i) => held[i]);
    },
    async waitStable(timeoutMs) {
      await waitUntil('keepalived master alone with the VIP', timeoutMs, async () => {
        const holders = await cluster.holders();
        return holders.length === 1 && holders[0] === master;
      });
      return master;
    },
    async close() {
      await Promise.all(
        processes.map(
          (child) =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** A lab: a switch namespace with bridge br0, hosts plugged into it, link faults, and teardown. */
import { LabError, LabOptionError } from './errors.ts';
import { registerForExit, unregisterForExit } from './exit-cleanup.ts';
import { buildHost, type Host, type HostOptions } from './host.ts';
import { hostNamespace, randomPrefix, switchNamespace, DEFAULT_STEM } from './names.ts';
import { addNamespace, listNamespaces, removeNamespace, removeNamespaceSync } from './netns.ts';
import { forgetOwner, orphanedPrefixes, recordOwner } from './owners.ts';
import { runChecked } from './run.ts';

export interface LabOptions {
  /** Stem of the per-run prefix (1-6 characters, default 'l2'); 4 random characters are appended. */
  prefix?: string;
}

export interface Lab {
  /** This run's prefix, e.g. 'l2k3x9': namespaces are `${prefix}sw` and `${prefix}${hostName}`. */
  readonly prefix: string;
  /** The namespace holding bridge br0. */
  readonly switchNs: string;
  readonly hosts: readonly Host[];
  addHost(name: string, opts?: HostOptions): Promise<Host>;
  /** Sets the host's bridge port down: the host keeps running but hears and reaches nobody. */
  cutLink(host: Host): Promise<void>;
  restoreLink(host: Host): Promise<void>;
  /** Drops `percent`% of all frames arriving on the host's eth0 (nftables ingress); 0 removes the loss. */
  addLoss(host: Host, percent: number): Promise<void>;
  /** Kills every process of every namespace of the lab and deletes the namespaces; safe to call twice. */
  destroy(): Promise<void>;
}

const LOSS_TABLE = 'l2lab_loss';
const ATTEMPTS = 5;

function lossRules(percent: number): string {
  // Declaring the table before deleting it makes the delete succeed whether or not it existed.
  const reset = `table netdev ${LOSS_TABLE}\ndelete table netdev ${LOSS_TABLE}\n`;
  if (percent === 0) return reset;
  const hook = 'type filter hook ingress device eth0 priority 0;';
  const match = percent === 100 ? '' : `numgen random mod 100 < ${percent} `;
  return `${reset}table netdev ${LOSS_TABLE} {\n chain ingress { ${hook} ${match}drop; }\n}\n`;
}

async function createSwitch(stem: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const prefix = randomPrefix(stem);
    try {
      await addNamespace(switchNamespace(prefix));
      return prefix;
    } catch (err) {
      if (!(err instanceof LabError) || attempt >= ATTEMPTS) throw err;
    }
  }
}

/** Creates a lab: namespace `${prefix}sw` with bridge br0 up; nothing is added to the root namespace. */
export async function createLab(opts: LabOptions = {}): Promise<Lab> {
  const prefix = await createSwitch(opts.prefix ?? DEFAULT_STEM);
  const switchNs = switchNamespace(prefix);
  const hosts: Host[] = [];
  // Every namespace from the moment it exists, hosts first, so that teardown also finds half-built hosts.
  const created = [switchNs];
  const namespaces = (): string[] => [...created].reverse();
  const teardownSync = (): void => {
    for (const ns of namespaces()) removeNamespaceSync(ns);
    forgetOwner(prefix);
  };
  recordOwner(prefix);
  registerForExit(teardownSync);
  let destroyed = false;
  const sw = ['ip', '-n', switchNs];
  const port = (host: Host): string => {
    if (!hosts.includes(host)) throw new LabOptionError('host', host.name, `a host of lab ${prefix}`);
    return host.ns;
  };

  const lab: Lab = {
    prefix,
    switchNs,
    hosts,
    async addHost(name, hostOpts = {}) {
      const ns = hostNamespace(prefix, name);
      await addNamespace(ns);
      created.push(ns);
      try {
        const host = await buildHost({ name, ns, switchNs, port: ns }, hostOpts);
        hosts.push(host);
        return host;
      } catch (err) {
        await removeNamespace(ns);
        created.splice(created.indexOf(ns), 1);
        throw err;
      }
    },
    async cutLink(host) {
      await runChecked('cannot cut link', [...sw, 'link', 'set', port(host), 'down']);
    },
    async restoreLink(host) {
      await runChecked('cannot restore link', [...sw, 'link', 'set', port(host), 'up']);
    },
    async addLoss(host, percent) {
      if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
        throw new LabOptionError('loss percent', percent, 'an integer from 0 to 100');
      }
      port(host);
      await runChecked('cannot set loss', ['ip', 'netns', 'exec', host.ns, 'nft', '-f', '-'], {
        input: lossRules(percent),
      });
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const ns of namespaces()) await removeNamespace(ns);
      unregisterForExit(teardownSync);
      forgetOwner(prefix);
    },
  };
  try {
    await runChecked('cannot create bridge', [...sw, 'link', 'add', 'br0', 'type', 'bridge']);
    await runChecked('cannot bring bridge up', [...sw, 'link', 'set', 'br0', 'up']);
  } catch (err) {
    await lab.destroy();
    throw err;
  }
  return lab;
}

/**
 * Removes labs whose prefix starts with `stem` and whose owner process died without cleaning up
 * (SIGKILL, a crash); labs of live processes are left alone. Returns the namespaces removed.
 */
export async function cleanupStaleLabs(stem: string = DEFAULT_STEM): Promise<string[]> {
  const orphans = orphanedPrefixes(stem);
  const removed: string[] = [];
  const all = await listNamespaces();
  for (const prefix of orphans) {
    for (const ns of all.filter((name) => name.startsWith(prefix))) {
      await removeNamespace(ns);
      removed.push(ns);
    }
    forgetOwner(prefix);
  }
  return removed;
}

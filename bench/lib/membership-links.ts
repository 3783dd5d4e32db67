/**
 * Cuts and restores lab links through one long-lived `ip -batch -` in the switch namespace, so a cut costs a
 * line on a pipe instead of starting `ip` (which took up to 190 ms on a loaded machine and blurred the start
 * of the clock). Each command is followed by `link show`, whose line confirms the new state. A host's bridge
 * port carries the host's namespace name (as src/lab plugs it); `open` checks that for every host.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Host } from '../../src/lab/index.ts';

export class LinkSwitchError extends Error {
  readonly port: string;
  constructor(port: string, message: string) {
    super(`bridge port ${port}: ${message}`);
    this.name = 'LinkSwitchError';
    this.port = port;
  }
}

export interface LinkSwitch {
  /** Sets the host's bridge port down; resolves with when the command was written and when it was confirmed. */
  cut(host: Host): Promise<{ writtenAt: number; confirmedAt: number }>;
  restore(host: Host): Promise<void>;
  close(): void;
}

interface Waiter {
  port: string;
  state: 'UP' | 'DOWN';
  done: () => void;
  fail: (err: Error) => void;
}

const TIMEOUT_MS = 5000;

export async function openLinkSwitch(switchNs: string, hosts: readonly Host[]): Promise<LinkSwitch> {
  // stdbuf: ip's stdout is a pipe here, and each confirmation line is needed as soon as it is printed.
  const child = spawn('stdbuf', ['-oL', 'ip', '-n', switchNs, '-batch', '-'], { stdio: 'pipe' });
  const waiters = new Set<Waiter>();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    for (const w of waiters) {
      const named = line.includes(` ${w.port}@`) || line.includes(` ${w.port}:`);
      // Operational state, or the admin flag when the port is down (a down port shows no UP in its flags).
      const up = /<[^>]*\bUP\b[^>]*>/.test(line);
      if (named && up === (w.state === 'UP')) w.done();
    }
  });
  child.once('exit', (code) => {
    for (const w of waiters) w.fail(new LinkSwitchError(w.port, `ip -batch exited (${code}): ${stderr}`));
  });

  const command = (host: Host, state: 'UP' | 'DOWN'): Promise<number> =>
    new Promise((done, fail) => {
      const port = host.ns;
      const timer = setTimeout(() => {
        waiters.delete(w);
        fail(new LinkSwitchError(port, `not ${state} after ${TIMEOUT_MS} ms: ${stderr}`));
      }, TIMEOUT_MS);
      const w: Waiter = {
        port,
        state,
        done: () => (clearTimeout(timer), waiters.delete(w), done(Date.now())),
        fail: (err) => (clearTimeout(timer), waiters.delete(w), fail(err)),
      };
      waiters.add(w);
      child.stdin.write(`link set ${port} ${state === 'UP' ? 'up' : 'down'}\nlink show dev ${port}\n`);
    });

  const links: LinkSwitch = {
    async cut(host) {
      const writtenAt = Date.now();
      return { writtenAt, confirmedAt: await command(host, 'DOWN') };
    },
    async restore(host) {
      await command(host, 'UP');
    },
    close: () => child.stdin.end(),
  };
  try {
    for (const host of hosts) await links.restore(host);
  } catch (err) {
    links.close();
    throw err;
  }
  return links;
}

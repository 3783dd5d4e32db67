/**
 * What one matrix case started (Go peers and TS members), stopped together when the case ends: cases run
 * concurrently, so each cleans up after itself instead of relying on afterEach.
 *
 * @example
 * await withScope(async (scope) => {
 *   const go = scope.go(bins.v051, 'go', ['-keys', k1]);
 *   const ts = await scope.ts({ name: 'ts', seeds: [`127.0.0.1:${(await go.ready()).port}`], keys: [key1] });
 * });
 */
import { createInterface } from 'node:readline';
import { startPeer, type GoPeer } from '../peers.ts';
import { startTsMember, type TsMember, type TsMemberOptions } from './ts-member.ts';

/** A Go peer plus every [ERR] line of its log (GoPeer keeps only the last 16 KiB, 50 nodes log more). */
export interface MatrixPeer extends GoPeer {
  readonly errLines: readonly string[];
}

export class Scope {
  readonly #peers: GoPeer[] = [];
  readonly #members: TsMember[] = [];

  /** A Go peer on 127.0.0.1, any free port. */
  go(bin: string, name: string, args: readonly string[] = []): MatrixPeer {
    const peer = startPeer(bin, ['-name', name, '-bind', '127.0.0.1', '-port', '0', ...args]);
    this.#peers.push(peer);
    const errLines: string[] = [];
    if (peer.process.stderr) {
      createInterface({ input: peer.process.stderr }).on('line', (line) => {
        if (line.includes('[ERR]')) errLines.push(line);
      });
    }
    return { ...peer, errLines };
  }

  async ts(options: TsMemberOptions): Promise<TsMember> {
    const member = await startTsMember(options);
    this.#members.push(member);
    return member;
  }

  /** Kills the Go peers and stops the TS members (a member that already left or stopped is skipped). */
  async close(): Promise<void> {
    await Promise.all([
      ...this.#peers.map((peer) => peer.kill()),
      ...this.#members.map((member) => member.close()),
    ]);
  }
}

/** Runs `run` with a fresh scope, closes the scope however `run` ends, and returns what `run` returned. */
export async function withScope<T>(run: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope();
  try {
    return await run(scope);
  } finally {
    await scope.close();
  }
}

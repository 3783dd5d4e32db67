/**
 * How late an idle Node.js thread wakes up on this machine during a soak: a separate process arms a 10 ms
 * timer again and again and records how late each one fired. A member that stalls longer than the
 * detection budget is declared dead by design, so these stalls explain (or rule out) false deaths.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './results.ts';

export interface LagSummary {
  ticks: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  over50Ms: number;
  over100Ms: number;
  over200Ms: number;
}

const SCRIPT = `
const lates = [];
let last = performance.now();
const tick = () => { const now = performance.now(); lates.push(now - last - 10); last = now; setTimeout(tick, 10); };
setTimeout(tick, 10);
process.stdin.on('end', () => {
  lates.sort((a, b) => a - b);
  const q = (p) => Math.round(lates[Math.floor(p * (lates.length - 1))] * 10) / 10;
  const over = (ms) => lates.filter((x) => x > ms).length;
  process.stdout.write(JSON.stringify({ ticks: lates.length, p50Ms: q(0.5), p99Ms: q(0.99), p999Ms: q(0.999),
    maxMs: q(1), over50Ms: over(50), over100Ms: over(100), over200Ms: over(200) }));
  process.exit(0);
});
process.stdin.resume();
`;

export interface LagProbe {
  /** Stops the probe and returns what it saw. */
  stop(): Promise<LagSummary>;
}

export function startLagProbe(): LagProbe {
  const child: ChildProcess = spawn(join(REPO, 'node_modules/.bin/node'), ['-e', SCRIPT], { stdio: 'pipe' });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  return {
    async stop() {
      child.stdin?.end();
      await exited;
      return JSON.parse(out) as LagSummary;
    },
  };
}

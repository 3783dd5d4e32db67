/**
 * ARP reply latency: one client (arping, pinned with taskset) asks the kernel, the C baseline and
 * l2speaker in turn, hundreds of times each, in the same lab and the same run. Prints median, p90, p99
 * and max in µs and each responder's median over the kernel's; writes bench/results/arp-latency.json.
 *
 *   node_modules/.bin/node bench/arp-latency.ts [--only kernel,c,l2speaker] [--count 500]
 *     [--interval 0.01] [--warmup 20] [--client-cpu 0] [--responder-cpu 0,1]
 */
import { arping } from './lib/arping.ts';
import { createBenchLab } from './lib/bench-lab.ts';
import { parseOptions } from './lib/options.ts';
import { makeResponders, type Responder } from './lib/responders.ts';
import { writeResults } from './lib/results.ts';
import { summarize, type Summary } from './lib/stats.ts';
import { renderTable } from './lib/table.ts';
import type { Host } from '../src/lab/index.ts';

interface LatencyResult {
  responder: string;
  ip: string;
  responderCpu: string;
  sent: number;
  answered: number;
  micros: Summary;
  /** This responder's median over the kernel's (NaN when the kernel was not measured). */
  medianVsKernel: number;
  samplesMicros: number[];
}

const options = parseOptions(process.argv.slice(2), { count: 500, interval: 0.01, warmup: 20 });

async function measure(client: Host, responder: Responder): Promise<Omit<LatencyResult, 'medianVsKernel'>> {
  const arpingOptions = { intervalSeconds: options.interval, cpu: options.clientCpu };
  await responder.start();
  try {
    await arping(client, responder.ip, { ...arpingOptions, count: options.warmup });
    const run = await arping(client, responder.ip, { ...arpingOptions, count: options.count });
    const { name, ip, cpu } = responder;
    const base = { responder: name, ip, responderCpu: cpu, sent: run.sent, answered: run.replyMicros.length };
    return { ...base, micros: summarize(run.replyMicros), samplesMicros: run.replyMicros };
  } finally {
    await responder.stop();
  }
}

function report(results: readonly LatencyResult[]): void {
  const header = ['responder', 'cpu', 'answered', 'median µs', 'p90 µs', 'p99 µs', 'max µs', 'median/kernel'];
  const rows = results.map((r) => [
    r.responder,
    r.responderCpu,
    `${r.answered}/${r.sent}`,
    r.micros.median,
    r.micros.p90,
    r.micros.p99,
    r.micros.max,
    r.medianVsKernel,
  ]);
  console.log(`\nARP reply latency, arping on CPU ${options.clientCpu}, ${options.count} requests each\n`);
  console.log(renderTable(header, rows));
}

async function main(): Promise<void> {
  const { lab, client, responder } = await createBenchLab();
  try {
    const responders = makeResponders(options.only, { client, responder }, options.responderCpus);
    const measured = [];
    for (const r of responders) measured.push(await measure(client, r));
    const kernelMedian = measured.find((r) => r.responder === 'kernel')?.micros.median ?? Number.NaN;
    const results = measured.map((r) => ({ ...r, medianVsKernel: r.micros.median / kernelMedian }));
    report(results);
    const file = writeResults('arp-latency', {
      client: { tool: 'arping (Thomas Habets)', cpu: options.clientCpu, intervalSeconds: options.interval },
      results,
    });
    console.log(`\nwrote ${file}`);
  } finally {
    await lab.destroy();
  }
}

await main();

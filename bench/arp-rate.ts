/**
 * Answered ARP requests per second: the arp-flood generator (C, AF_PACKET, pinned with taskset) offers
 * requests at several rates to the kernel, the C baseline and l2speaker in the same lab and run, and
 * counts the replies. Prints the answered rate and its ratio to the kernel's at the same offered rate;
 * writes bench/results/arp-rate.json.
 *
 *   node_modules/.bin/node bench/arp-rate.ts [--only kernel,c,l2speaker] [--seconds 2]
 *     [--max-count 200000] [--repeat 3] [--client-cpu 0] [--responder-cpu 0,1]
 */
import { CLIENT_IP, createBenchLab } from './lib/bench-lab.ts';
import { buildBaseline } from './lib/build.ts';
import { BenchError } from './lib/errors.ts';
import { flood, type FloodRun } from './lib/flood.ts';
import { parseOptions } from './lib/options.ts';
import { makeResponders, type Responder } from './lib/responders.ts';
import { writeResults } from './lib/results.ts';
import { renderTable } from './lib/table.ts';
import type { Host } from '../src/lab/index.ts';

/** Offered rates in frames/s; 0 is "as fast as the generator goes". */
const OFFERED_RATES = [10_000, 50_000, 100_000, 0];
const DRAIN_MS = 300;

interface RateResult extends FloodRun {
  responder: string;
  responderCpu: string;
  requestedRate: number | 'max';
  answeredPerSecond: number;
  answeredFraction: number;
  /** answeredPerSecond of every repetition; the row's figures are those of the median one. */
  repetitions: number[];
  /** answeredPerSecond over the kernel's at the same requested rate (NaN without a kernel run). */
  vsKernel: number;
}

const options = parseOptions(process.argv.slice(2), { seconds: 2, 'max-count': 200_000, repeat: 3 });
const floodBinary = buildBaseline('arp-flood');

type Measured = Omit<RateResult, 'vsKernel'>;

async function measureOnce(
  client: Host,
  responder: Responder,
  rate: number,
): Promise<Omit<Measured, 'repetitions'>> {
  const count = rate === 0 ? options['max-count'] : Math.round(rate * options.seconds);
  const common = { binary: floodBinary, senderIp: CLIENT_IP, targetIp: responder.ip, cpu: options.clientCpu };
  const run = await flood(client, { ...common, count, rate, drainMs: DRAIN_MS });
  return {
    responder: responder.name,
    responderCpu: responder.cpu,
    requestedRate: rate === 0 ? 'max' : rate,
    ...run,
    answeredPerSecond: run.answered / run.send_seconds,
    answeredFraction: run.answered / run.sent,
  };
}

/** Repeats a measurement `--repeat` times and keeps the run with the median answered rate. */
async function measure(client: Host, responder: Responder, rate: number): Promise<Measured> {
  const runs = [];
  for (let i = 0; i < options.repeat; i++) runs.push(await measureOnce(client, responder, rate));
  runs.sort((a, b) => a.answeredPerSecond - b.answeredPerSecond);
  const middle = runs[Math.floor((runs.length - 1) / 2)] ?? runs[0];
  if (!middle) throw new BenchError('arp-rate', 'no run');
  return { ...middle, repetitions: runs.map((run) => run.answeredPerSecond) };
}

async function measureAll(client: Host, responder: Responder): Promise<Measured[]> {
  await responder.start();
  try {
    const results = [];
    for (const rate of OFFERED_RATES) results.push(await measure(client, responder, rate));
    return results;
  } finally {
    await responder.stop();
  }
}

function compareToKernel(measured: readonly Measured[]): RateResult[] {
  return measured.map((r) => {
    const kernel = measured.find((k) => k.responder === 'kernel' && k.requestedRate === r.requestedRate);
    return { ...r, vsKernel: r.answeredPerSecond / (kernel?.answeredPerSecond ?? Number.NaN) };
  });
}

function report(results: readonly RateResult[]): void {
  const header = [
    'responder',
    'cpu',
    'requested/s',
    'offered/s',
    'sent',
    'answered',
    'answered/s',
    'vs kernel',
  ];
  const rows = results.map((r) => [
    r.responder,
    r.responderCpu,
    String(r.requestedRate),
    Math.round(r.offered_rate),
    r.sent,
    r.answered,
    Math.round(r.answeredPerSecond),
    r.vsKernel,
  ]);
  const what = `arp-flood on CPU ${options.clientCpu}, median of ${options.repeat} runs`;
  console.log(`\nARP requests answered per second, ${what}\n`);
  console.log(renderTable(header, rows));
  const drops = results.filter((r) => r.receiver_drops > 0);
  for (const r of drops)
    console.log(`warning: generator's receive socket dropped ${r.receiver_drops} replies`);
}

async function main(): Promise<void> {
  const { lab, client, responder } = await createBenchLab();
  try {
    const responders = makeResponders(options.only, { client, responder }, options.responderCpus);
    const measured = [];
    for (const r of responders) measured.push(...(await measureAll(client, r)));
    const results = compareToKernel(measured);
    report(results);
    const generator = { tool: 'bench/baseline/arp-flood.c', cpu: options.clientCpu, drainMs: DRAIN_MS };
    console.log(`\nwrote ${writeResults('arp-rate', { generator, results })}`);
  } finally {
    await lab.destroy();
  }
}

await main();

/**
 * Announcement bursts: one speaker gains 1,000 IPs at once (a config reload: 250 IPv4, 750 IPv6) and a
 * packet socket on a client counts the gratuitous ARP and unsolicited NA (bench/lib/burst-rig.ts), for
 * each --announce-rate. Needs root; from the repo:
 *
 *   node_modules/.bin/node bench/burst.ts [--rates 1000,2000,5000] [--ipv4 250] [--ipv6 750] [--repeat 3]
 *
 * Prints per rate (median run): the time from the first announcement to the first announcement of the
 * last IP, the first round's achieved rate, frames received of those sent, lost, the capture's own drops,
 * and whether every first announcement preceded every repeat. Writes bench/results/burst.json.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBurst, type BurstResult } from './lib/burst-rig.ts';
import { BenchError } from './lib/errors.ts';
import { countOption } from './lib/options.ts';
import { REPO, writeResults } from './lib/results.ts';
import { median } from './lib/stats.ts';
import { renderTable } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,2000,5000' },
    ipv4: { type: 'string', default: '250' },
    ipv6: { type: 'string', default: '750' },
    repeat: { type: 'string', default: '3' },
  },
});

const count = (flag: string, text: string | undefined): number => countOption(flag, text, 0);

const rates = (values.rates ?? '').split(',').map((rate) => count('--rates', rate));
const ipv4 = count('--ipv4', values.ipv4);
const ipv6 = count('--ipv6', values.ipv6);
const repeat = Math.max(1, count('--repeat', values.repeat));
if (ipv4 > 254) throw new BenchError('--ipv4', 'at most 254 (198.51.100.0/24)');

const runs: { rate: number; results: BurstResult[] }[] = [];
for (const rate of rates) {
  const results: BurstResult[] = [];
  for (let i = 0; i < repeat; i++) {
    const result = await runBurst({
      repo: REPO,
      node24: join(REPO, 'node_modules/.bin/node'),
      ipv4,
      ipv6,
      announceRate: rate,
    });
    console.error(
      `rate ${rate} run ${i + 1}: last IP first announced after ${result.lastIpFirstMs.toFixed(0)} ms, ${result.lostFrames} lost`,
    );
    results.push(result);
  }
  runs.push({ rate, results });
}

const medianRun = (results: readonly BurstResult[]): BurstResult => {
  const middle = median(results.map((r) => r.lastIpFirstMs));
  return results.find((r) => r.lastIpFirstMs === middle) ?? (results[0] as BurstResult);
};

console.log(
  `\n${ipv4 + ipv6} IPs gained at once (${ipv4} IPv4, ${ipv6} IPv6), ${repeat} run(s) per rate, median run:\n`,
);
console.log(
  renderTable(
    [
      '--announce-rate',
      'last IP first (ms)',
      'ideal (ms)',
      'round-1 rate (/s)',
      'received',
      'sent',
      'lost',
      'capture drops',
      'firsts first',
    ],
    runs.map(({ rate, results }) => {
      const run = medianRun(results);
      const firstRound = 2 * ipv4 + ipv6;
      return [
        rate,
        run.lastIpFirstMs,
        ((firstRound - 1) * 1000) / rate,
        run.firstRoundRate,
        run.receivedFrames,
        run.expectedFrames,
        Math.max(...results.map((r) => r.lostFrames)),
        Math.max(...results.map((r) => r.captureDrops)),
        results.every((r) => r.firstsBeforeRepeats) ? 'yes' : 'no',
      ];
    }),
  ),
);
const file = writeResults('burst', { ipv4, ipv6, repeat, runs });
console.log(`\nwrote ${file}`);

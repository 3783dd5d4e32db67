/**
 * A burst of gains: a standalone speaker's config reload gives it 1,000 IPs at once (250 IPv4, 750
 * IPv6); a packet socket on a client sees every announcement of the gain schedule (none dropped by
 * the socket or lost on the way), every IP's first announcement before any repeat, at the rate set.
 */
import { join, resolve } from 'node:path';
import { runBurst } from '../../bench/lib/burst-rig.ts';

const repo = resolve(__dirname, '../..');

test('1,000 IPs gained at once are all announced, paced, first announcements first, none lost', async () => {
  const result = await runBurst({
    repo,
    node24: join(repo, 'node_modules/.bin/node'),
    ipv4: 250,
    ipv6: 750,
    announceRate: 2000,
  });
  expect(result.captureDrops).toBe(0);
  expect(result.shortIps).toEqual([]);
  expect(result.lostFrames).toBe(0);
  expect(result.receivedFrames).toBe(5000);
  expect(result.firstsBeforeRepeats).toBe(true);
  // 1,250 first-round frames at 2,000/s take 625 ms: never faster than the rate (plus a 10 ms burst).
  expect(result.firstRoundRate).toBeLessThanOrEqual(2000 * 1.05);
  expect(result.lastIpFirstMs).toBeGreaterThanOrEqual(600);
}, 90_000);

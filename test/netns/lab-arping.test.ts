import { createLab, type Host, type Lab } from '../../src/lab/index.ts';
import { arping, parseArping } from '../../bench/lib/arping.ts';
import { percentile, summarize } from '../../bench/lib/stats.ts';

describe('bench helpers on real arping output', () => {
  let lab: Lab;
  let client: Host;

  beforeAll(async () => {
    lab = await createLab({ prefix: 'la' });
    client = await lab.addHost('cli', { ipv4: '192.0.2.10/24' });
    await lab.addHost('rsp', { ipv4: '192.0.2.20/24' });
  });

  afterAll(async () => {
    await lab.destroy();
  });

  it('reads one reply time per answered request from the kernel', async () => {
    const run = await arping(client, '192.0.2.20', { count: 20, intervalSeconds: 0.01, cpu: 0 });
    expect(run.sent).toBe(20);
    expect(run.replyMicros).toHaveLength(20);
    for (const micros of run.replyMicros) expect(micros).toBeGreaterThan(0);
    expect(summarize(run.replyMicros).samples).toBe(20);
  });

  it('reads no reply and the count sent when nobody answers', async () => {
    const run = await arping(client, '192.0.2.99', { count: 3, intervalSeconds: 0.01, cpu: 0 });
    expect(run).toEqual({ sent: 3, replyMicros: [] });
  });
});

describe('parseArping', () => {
  it('converts every unit arping prints to µs', () => {
    const out = [
      '42 bytes from 02:00:00:00:00:01 (192.0.2.20): index=0 time=12.5 usec',
      '42 bytes from 02:00:00:00:00:01 (192.0.2.20): index=1 time=1.25 msec',
      '42 bytes from 02:00:00:00:00:01 (192.0.2.20): index=2 time=2 sec',
      'Timeout',
      '4 packets transmitted, 3 packets received,  25% unanswered (0 extra)',
    ].join('\n');
    expect(parseArping(out)).toEqual({ sent: 4, replyMicros: [12.5, 1250, 2_000_000] });
  });
});

describe('percentile', () => {
  it('takes the nearest rank, so every figure is a sample', () => {
    const sorted = Array.from({ length: 200 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100)]).toEqual([
      100, 198, 200,
    ]);
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

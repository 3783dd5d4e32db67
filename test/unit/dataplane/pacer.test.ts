import { constants } from 'node:os';
import { AnnouncementPacer, type PacerOptions, type PacerPort } from '../../../src/dataplane/index.ts';
import { NativeError } from '../../../src/native/index.ts';
import { ManualClock } from './manual-clock.ts';

interface SentFrame {
  at: number;
  ip: string;
  round: number;
}

interface TestItem {
  readonly round: number;
  done: boolean;
  error: unknown;
  frames(): readonly Buffer[] | undefined;
  send(frame: Buffer): void;
  sent(): void;
  failed(error: unknown): void;
}

const port: PacerPort<TestItem> = {
  frames: (item) => item.frames(),
  send: (item, frame) => item.send(frame),
  sent: (item) => item.sent(),
  failed: (item, error) => item.failed(error),
};

function pacerOn(
  clock: ManualClock,
  options: PacerOptions,
): AnnouncementPacer<TestItem> & { add(item: TestItem): void } {
  const pacer = new AnnouncementPacer(clock, port, options);
  return Object.assign(pacer, { add: (item: TestItem) => pacer.enqueue(item, item.round) });
}

function announcement(
  clock: ManualClock,
  log: SentFrame[],
  ip: string,
  round: number,
  frames = 2,
  send: (frame: Buffer) => void = () => undefined,
): TestItem {
  const state: TestItem = {
    round,
    done: false,
    error: undefined as unknown,
    frames: () => Array.from({ length: frames }, () => Buffer.from(ip)),
    send: (frame: Buffer) => {
      send(frame);
      log.push({ at: clock.now(), ip, round });
    },
    sent: () => (state.done = true),
    failed: (error: unknown) => (state.error = error),
  };
  return state;
}

const ips = Array.from({ length: 1000 }, (_, i) => `2001:db8::${(i + 1).toString(16)}`);

describe('AnnouncementPacer', () => {
  test('1,000 IPs gained at once: every first announcement before any repeat, at the rate set', () => {
    const clock = new ManualClock();
    const log: SentFrame[] = [];
    const pacer = pacerOn(clock, { framesPerSecond: 2000 });
    const items = ips.map((ip) => announcement(clock, log, ip, 0));
    items.forEach((item) => pacer.add(item));
    // Repeats come due (the gain schedule) while the first round is still going out.
    clock.advance(500);
    const repeats = ips.map((ip) => announcement(clock, log, ip, 1));
    repeats.forEach((item) => pacer.add(item));
    clock.advance(5000);
    expect(log).toHaveLength(4000);
    const lastFirst = log.findLastIndex((frame) => frame.round === 0);
    const firstRepeat = log.findIndex((frame) => frame.round === 1);
    expect(lastFirst).toBeLessThan(firstRepeat);
    // First round in the order gained (round-robin over IPs, not one IP's repeats back to back).
    expect([...new Set(log.filter((f) => f.round === 0).map((f) => f.ip))]).toEqual(ips);
    // 2,000 first-round frames at 2,000/s: the last of them about 1 s after the gain.
    expect(log[lastFirst]?.at).toBeGreaterThanOrEqual(985);
    expect(log[lastFirst]?.at).toBeLessThanOrEqual(1000);
    // No window of 100 ms carries more than 10 ms of burst over the rate.
    for (let start = 0; start < 2000; start += 10) {
      const inWindow = log.filter((f) => f.at >= start && f.at < start + 100).length;
      expect(inWindow).toBeLessThanOrEqual(200 + 20);
    }
    expect(items.every((item) => item.done) && repeats.every((item) => item.done)).toBe(true);
    expect(pacer.counters()).toEqual({ queued: 0, framesSent: 4000, retries: 0, framesDropped: 0 });
  });

  test('ENOBUFS leaves the frame at the head and retries it: nothing lost, nothing reordered', () => {
    const clock = new ManualClock();
    const log: SentFrame[] = [];
    const pacer = pacerOn(clock, { framesPerSecond: 100_000, retryMs: 1 });
    let refusals = 0;
    const full = (): void => {
      // The socket is full for three attempts in every ten.
      if (refusals++ % 10 < 3) throw new NativeError('sendto', constants.errno.ENOBUFS, 'eth0', 'no buffer');
    };
    const items = ips.slice(0, 100).map((ip) => announcement(clock, log, ip, 0, 2, full));
    items.forEach((item) => pacer.add(item));
    clock.advance(1000);
    expect(log.map((f) => f.ip)).toEqual(ips.slice(0, 100).flatMap((ip) => [ip, ip]));
    const counters = pacer.counters();
    expect(counters.framesSent).toBe(200);
    expect(counters.framesDropped).toBe(0);
    expect(counters.retries).toBeGreaterThan(50);
  });

  test('a frame the socket keeps refusing is dropped and counted after maxAttempts; others go on', () => {
    const clock = new ManualClock();
    const log: SentFrame[] = [];
    const pacer = pacerOn(clock, { framesPerSecond: 1000, maxAttempts: 3, retryMs: 1 });
    const down = new NativeError('sendto', constants.errno.ENETDOWN, 'eth0', 'down');
    const stuck = announcement(clock, log, '192.0.2.1', 0, 2, () => {
      throw new NativeError('sendto', constants.errno.ENOBUFS, 'eth0', 'no buffer');
    });
    const broken = announcement(clock, log, '192.0.2.2', 0, 1, () => {
      throw down;
    });
    const fine = announcement(clock, log, '192.0.2.3', 0);
    [stuck, broken, fine].forEach((item) => pacer.add(item));
    clock.advance(100);
    expect(stuck.error).toBeInstanceOf(NativeError);
    expect(broken.error).toBe(down);
    expect(fine.done).toBe(true);
    expect(pacer.counters()).toEqual({ queued: 0, framesSent: 2, retries: 2, framesDropped: 3 });
  });

  test('an announcement no longer wanted when its turn comes sends nothing', () => {
    const clock = new ManualClock();
    const log: SentFrame[] = [];
    const pacer = pacerOn(clock, { framesPerSecond: 10 });
    const released = { ...announcement(clock, log, '192.0.2.9', 0), frames: () => undefined };
    pacer.add(announcement(clock, log, '192.0.2.1', 0));
    pacer.add(released);
    clock.advance(1000);
    expect(log.map((f) => f.ip)).toEqual(['192.0.2.1', '192.0.2.1']);
    expect(pacer.counters().queued).toBe(0);
  });

  test('close drops what waits', () => {
    const clock = new ManualClock();
    const log: SentFrame[] = [];
    const pacer = pacerOn(clock, { framesPerSecond: 10, burst: 1 });
    ips.slice(0, 5).forEach((ip) => pacer.add(announcement(clock, log, ip, 0)));
    clock.advance(150);
    pacer.close();
    clock.advance(10_000);
    expect(log.length).toBe(2);
    expect(pacer.counters().queued).toBe(0);
  });

  test('repeats queued ahead wait for their time; a due later round goes before a round not yet due', () => {
    const clock = new ManualClock();
    const log: SentFrame[] = [];
    const pacer = pacerOn(clock, { framesPerSecond: 1000, burst: 1 });
    const early = announcement(clock, log, '192.0.2.1', 0, 1);
    pacer.enqueue(early, 0);
    pacer.enqueue(announcement(clock, log, '192.0.2.1', 1, 1), 1, 500);
    clock.advance(400);
    pacer.enqueue(announcement(clock, log, '192.0.2.2', 0, 1), 0, 900);
    clock.advance(1000);
    expect(log).toEqual([
      { at: 0, ip: '192.0.2.1', round: 0 },
      { at: 500, ip: '192.0.2.1', round: 1 },
      { at: 900, ip: '192.0.2.2', round: 0 },
    ]);
    expect(pacer.counters().queued).toBe(0);
  });
});

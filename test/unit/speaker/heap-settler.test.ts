import { HeapSettler, type GcFunction } from '../../../src/speaker/heap-settler.ts';
import { ManualClock } from '../dataplane/manual-clock.ts';

const quiet = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

function setup(busy: () => boolean = () => false) {
  const clock = new ManualClock();
  const calls: Parameters<GcFunction>[0][] = [];
  const settler = new HeapSettler(
    (options) => calls.push(options),
    { clock, busy, logger: quiet },
    { minChanges: 1000, quietMs: 10_000 },
  );
  return { clock, calls, settler };
}

describe('HeapSettler', () => {
  test('one memory-reducing collection once a burst has been quiet for quietMs', () => {
    const { clock, calls, settler } = setup();
    settler.noteChanges(10_000);
    clock.advance(9_999);
    expect(calls).toHaveLength(0);
    clock.advance(1);
    expect(calls).toEqual([{ type: 'major', execution: 'sync', flavor: 'last-resort' }]);
    clock.advance(60_000);
    expect(calls).toHaveLength(1);
  });

  test('small changes never collect; another burst restarts the wait', () => {
    const { clock, calls, settler } = setup();
    settler.noteChanges(999);
    clock.advance(20_000);
    expect(calls).toHaveLength(0);
    settler.noteChanges(1000);
    clock.advance(8_000);
    settler.noteChanges(5000);
    clock.advance(8_000);
    expect(calls).toHaveLength(0);
    clock.advance(2_000);
    expect(calls).toHaveLength(1);
  });

  test('waits while the burst is still being announced', () => {
    let queued = 3;
    const { clock, calls, settler } = setup(() => queued > 0);
    settler.noteChanges(2000);
    clock.advance(25_000);
    expect(calls).toHaveLength(0);
    queued = 0;
    clock.advance(1_000);
    expect(calls).toHaveLength(1);
  });

  test('close cancels; without an exposed gc nothing is armed', () => {
    const { clock, calls, settler } = setup();
    settler.noteChanges(2000);
    settler.close();
    clock.advance(20_000);
    expect(calls).toHaveLength(0);
    const bare = new HeapSettler(undefined, { clock, busy: () => false, logger: quiet });
    bare.noteChanges(50_000);
    expect(clock.pending).toBe(0);
  });

  test('settleNow collects at once (start-up, before the first plan)', () => {
    const { calls, settler } = setup();
    settler.settleNow();
    expect(calls).toHaveLength(1);
  });
});

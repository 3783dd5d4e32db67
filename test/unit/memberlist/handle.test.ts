/** The main-thread handle: listener errors are contained and reported, stop and leave are idempotent. */
import {
  MembershipListenerError,
  MembershipOptionError,
  startMembership,
  type Membership,
  type MembershipEvent,
} from '../../../src/memberlist/index.ts';

const start = (name: string, extra: Partial<Parameters<typeof startMembership>[0]> = {}) =>
  startMembership({ name, bindAddr: '127.0.0.1', bindPort: 0, inProcess: true, ...extra });

describe('membership handle', () => {
  const running: Membership[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((membership) => membership.stop()));
  });

  it('keeps calling the other listeners when one throws, and reports the error', async () => {
    const errors: MembershipListenerError[] = [];
    const a = await start('a', { onListenerError: (err) => errors.push(err), compress: false });
    running.push(a);
    const seen: MembershipEvent[] = [];
    a.onChange(() => {
      throw new Error('listener bug');
    });
    a.onChange((event) => seen.push(event));
    const b = await start('b', { seeds: [`127.0.0.1:${a.port}`] });
    running.push(b);
    expect(await b.synced).toBe(true);
    for (let waited = 0; seen.length === 0 && waited < 5000; waited += 20) {
      await new Promise((done) => setTimeout(done, 20));
    }
    expect(seen.map((event) => [event.type, event.member.name])).toContainEqual(['join', 'b']);
    expect(errors[0]).toBeInstanceOf(MembershipListenerError);
    expect(errors[0]?.event.member.name).toBe('b');
    expect(errors[0]?.message).toMatch(/listener bug/);
  });

  it('resolves stop and leave after a leave or a stop', async () => {
    const a = await start('a');
    await a.leave(100);
    await expect(a.stop()).resolves.toBeUndefined();
    await expect(a.leave(100)).resolves.toBeUndefined();
    const b = await start('b');
    await b.stop();
    await expect(b.stop()).resolves.toBeUndefined();
  });

  it('refuses a bad compress flag or thread priority, and runs in-process at normal priority', async () => {
    await expect(start('a', { compress: 'yes' as unknown as boolean })).rejects.toThrow(
      MembershipOptionError,
    );
    await expect(start('a', { threadPriority: 'urgent' as 'high' })).rejects.toThrow(/threadPriority/);
    const a = await start('a');
    running.push(a);
    expect((await a.stats()).threadPriority).toMatchObject({ requested: 'normal', applied: 'normal' });
  });
});

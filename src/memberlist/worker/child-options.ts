/**
 * How the membership child process starts: a V8 flag and an allocator setting of its own, not the speaker's
 * (fork would pass on the parent's execArgv: --expose-gc, a 2 MB semi-space, an inspector port). The child
 * holds a few members and handles small packets. Measured on it (docs/membership.md "Memory of the
 * membership process"), five members for 60 s: 70.7 MB resident before, 66.3 MB with both:
 * - a 1 MB semi-space (the smallest): twice as many scavenges, as short (median 0.2 ms, longest 1.5 ms);
 * - MALLOC_ARENA_MAX=1: V8's compiler threads allocate from the one arena instead of keeping arenas of their
 *   own (about 3 MB resident in a child with traffic).
 * Not taken: --jitless and --lite-mode (a 100-member push/pull 4.6 times slower, and no WebAssembly, which
 * running the .ts sources needs), no TurboFan and no Maglev (3 times slower), no Maglev alone (4 MB more at
 * rest, no less with traffic), --max-old-space-size (no change; only a way for the child to crash).
 */

/** V8 flags of the membership child process, and only these (the parent's are not passed on). */
export const CHILD_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=1'];

/** The child's environment: the parent's, with glibc's malloc held to one arena unless the parent says. */
export function childEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: '1', ...parent };
}

/**
 * The membership child process: started with its own V8 flags and MALLOC_ARENA_MAX (not the parent's
 * execArgv), and its entry loads memberlist code and a few Node built-ins only, never the speaker's modules.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { preProcessFile } from 'typescript';
import { startMembership, type Membership } from '../../../src/memberlist/index.ts';
import { CHILD_EXEC_ARGV, childEnv } from '../../../src/memberlist/worker/child-options.ts';

const SRC = resolve(__dirname, '../../../src');
const ENTRY = join(SRC, 'memberlist/worker/entry.ts');

/** Every module the entry can load (static, dynamic and type imports): src-relative paths, specifiers. */
function importGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    const key = relative(SRC, file);
    if (seen.has(key)) return;
    seen.add(key);
    const { importedFiles } = preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.')) visit(resolve(dirname(file), fileName));
      else seen.add(fileName);
    }
  };
  visit(entry);
  return seen;
}

describe('membership child process', () => {
  let membership: Membership | undefined;
  afterEach(async () => {
    await membership?.stop();
    membership = undefined;
  });

  it('runs with its own V8 flags and one malloc arena, not the parent execArgv', async () => {
    membership = await startMembership({
      ...{ name: 'a', bindAddr: '127.0.0.1', bindPort: 0 },
      ...{ isolation: 'process', threadPriority: 'normal' },
    });
    const pid = membership.runtimePid;
    expect(pid).not.toBe(process.pid);
    const [, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    expect(args).toEqual([...CHILD_EXEC_ARGV, ENTRY]);
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(env).toContain(`MALLOC_ARENA_MAX=${process.env['MALLOC_ARENA_MAX'] ?? '1'}`);
  });

  it("keeps the parent's MALLOC_ARENA_MAX and the rest of its environment", () => {
    expect(childEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '1' });
    expect(childEnv({ MALLOC_ARENA_MAX: '4' })).toEqual({ MALLOC_ARENA_MAX: '4' });
  });

  it('loads only memberlist modules and a few Node built-ins', () => {
    const graph = [...importGraph(ENTRY)];
    const files = graph.filter((name) => name.endsWith('.ts'));
    const others = graph.filter((name) => !name.endsWith('.ts'));
    expect(files).toContain(join('memberlist', 'swim', 'memberlist.ts'));
    expect(files.filter((file) => !/^memberlist\/(worker|net|swim|wire)\//.test(file))).toEqual([]);
    expect(others.filter((name) => !name.startsWith('node:'))).toEqual([]);
    expect(others.every((name) => builtinModules.includes(name.slice('node:'.length)))).toBe(true);
    expect(others.sort()).toEqual([
      'node:child_process',
      'node:crypto',
      'node:dgram',
      'node:dns/promises',
      'node:fs',
      'node:net',
      'node:os',
      'node:worker_threads',
      'node:zlib',
    ]);
  });
});

/**
 * A process's memory as Linux sees it: VmRSS and VmHWM from /proc/PID/status, PSS and USS from
 * /proc/PID/smaps_rollup, its child processes, and where its resident pages are (/proc/PID/smaps grouped
 * by what maps them).
 *
 * @example
 *   processMemory(pid); // { rssMb: 112.3, peakMb: 140.1, anonMb: 80.2, fileMb: 32.1 }
 *   proportionalMemory(pid); // { pssMb: 92.4, ussMb: 88.0 }: shared pages counted in part, or not at all
 *   childPids(pid); // [4242]: the membership process
 *   residentBy(pid); // [{ kind: 'anon 256 kB (V8 pages)', mappings: 90, sizeMb: 22.5, rssMb: 21.9 }, …]
 */
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';

const MB = 1024;

export interface ProcessMemory {
  /** VmRSS, VmHWM (the peak), RssAnon and RssFile, in MB. */
  readonly rssMb: number;
  readonly peakMb: number;
  readonly anonMb: number;
  readonly fileMb: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string): number =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / MB;
  return { rssMb: mb('VmRSS'), peakMb: mb('VmHWM'), anonMb: mb('RssAnon'), fileMb: mb('RssFile') };
}

export interface ProportionalMemory {
  /** PSS: each resident page divided by the number of processes that map it. */
  readonly pssMb: number;
  /** USS: the pages no other process maps (Private_Clean + Private_Dirty). */
  readonly ussMb: number;
}

/**
 * PSS and USS from /proc/PID/smaps_rollup, MB. The speaker and its membership process run the same node
 * executable, whose resident pages each one's RSS counts in full; PSS also shares them with any other node
 * process on the machine, so speaker RSS + membership USS is about what the pair holds alone (a Pod).
 */
export function proportionalMemory(pid: number): ProportionalMemory {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN);
  return { pssMb: kb('Pss') / MB, ussMb: (kb('Private_Clean') + kb('Private_Dirty')) / MB };
}

export interface Footprint extends ProportionalMemory {
  readonly process: 'speaker' | 'membership' | 'sum';
  readonly rssMb: number;
}

type Reading = Omit<Footprint, 'process'>;

/** The speaker's row, its children's added up (the membership process), and the sum of both. */
export function footprintOf(speaker: Reading, children: readonly Reading[]): Footprint[] {
  const add = (rows: readonly Reading[]): Reading => ({
    rssMb: rows.reduce((sum, row) => sum + row.rssMb, 0),
    pssMb: rows.reduce((sum, row) => sum + row.pssMb, 0),
    ussMb: rows.reduce((sum, row) => sum + row.ussMb, 0),
  });
  const membership = add(children);
  const own = { rssMb: speaker.rssMb, pssMb: speaker.pssMb, ussMb: speaker.ussMb };
  return [
    { process: 'speaker', ...own },
    { process: 'membership', ...membership },
    { process: 'sum', ...add([own, membership]) },
  ];
}

/** The direct children of `pid` (every thread's children file), empty once it is gone. */
export function childPids(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  const pids = new Set<number>();
  for (const task of readdirSync(tasks)) {
    try {
      const text = readFileSync(`${tasks}/${task}/children`, 'utf8');
      for (const child of text.split(/\s+/).filter((word) => word !== '')) pids.add(Number(child));
    } catch {
      // The thread ended between the listing and the read: it has no children to report.
    }
  }
  return [...pids].sort((a, b) => a - b);
}

/** The command line of `pid`, arguments joined by spaces. */
export function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
}

/** One variable of the environment `pid` was started with, if set. */
export function startEnv(pid: number, name: string): string | undefined {
  const entry = readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .find((line) => line.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

export interface ResidentKind {
  readonly kind: string;
  readonly mappings: number;
  readonly sizeMb: number;
  readonly rssMb: number;
}

export interface AnonMapping {
  readonly perms: string;
  readonly sizeMb: number;
  readonly rssMb: number;
}

/** What maps a region: the executable, addons, libraries, brk heap, stacks, and anonymous ones by size. */
function kindOf(path: string, exe: string, sizeKb: number): string {
  if (path === exe) return 'node executable';
  if (path.endsWith('.node')) return 'native addons (.node)';
  if (/\.so(\.|$)/.test(path)) return 'shared libraries';
  if (path === '[heap]') return '[heap] (brk: malloc)';
  if (path.startsWith('[stack')) return '[stack]';
  if (path.startsWith('[')) return 'kernel ([vdso], [vvar]...)';
  if (path !== '') return 'other files';
  if (sizeKb === 256) return 'anon 256 kB (V8 pages)';
  if (sizeKb < 1024) return 'anon < 1 MB';
  if (sizeKb < 65_536) return 'anon 1-64 MB';
  return 'anon >= 64 MB (malloc arenas, V8 reservations)';
}

/** Resident memory of `pid` by kind of mapping (largest first), and its largest anonymous mappings. */
export function residentBy(pid: number): { kinds: ResidentKind[]; largestAnon: AnonMapping[] } {
  const exe = readlinkSync(`/proc/${pid}/exe`);
  const totals = new Map<string, { mappings: number; sizeKb: number; rssKb: number }>();
  const anon: { perms: string; sizeKb: number; rssKb: number }[] = [];
  let current: { kind: string; perms: string; sizeKb: number; anon: boolean } | undefined;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header !== null) {
      const sizeKb = (parseInt(header[2] ?? '0', 16) - parseInt(header[1] ?? '0', 16)) / 1024;
      const path = (header[4] ?? '').trim();
      current = { kind: kindOf(path, exe, sizeKb), perms: header[3] ?? '', sizeKb, anon: path === '' };
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss === null || current === undefined) continue;
    const rssKb = Number(rss[1]);
    const total = totals.get(current.kind) ?? { mappings: 0, sizeKb: 0, rssKb: 0 };
    totals.set(current.kind, {
      mappings: total.mappings + 1,
      sizeKb: total.sizeKb + current.sizeKb,
      rssKb: total.rssKb + rssKb,
    });
    if (current.anon) anon.push({ perms: current.perms, sizeKb: current.sizeKb, rssKb });
  }
  const kinds = [...totals]
    .map(([kind, t]) => ({ kind, mappings: t.mappings, sizeMb: t.sizeKb / MB, rssMb: t.rssKb / MB }))
    .sort((a, b) => b.rssMb - a.rssMb);
  const largestAnon = anon
    .sort((a, b) => b.rssKb - a.rssKb)
    .slice(0, 8)
    .map((m) => ({ perms: m.perms, sizeMb: m.sizeKb / MB, rssMb: m.rssKb / MB }));
  return { kinds, largestAnon };
}

/** Command-line options shared by the benchmarks: which responders, which CPUs, counts. */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { BenchError } from './errors.ts';

export const RESPONDER_NAMES = ['kernel', 'c', 'l2speaker'] as const;
export type ResponderName = (typeof RESPONDER_NAMES)[number];

export interface CommonOptions {
  only: ResponderName[];
  clientCpu: number;
  /** Each responder process is measured pinned to each of these in turn: a CPU, or 'all' of them. */
  responderCpus: string[];
}

function parseOnly(text: string): ResponderName[] {
  const names = text.split(',').filter((name) => name !== '');
  for (const name of names) {
    if (!(RESPONDER_NAMES as readonly string[]).includes(name)) {
      throw new BenchError('--only', `unknown responder '${name}' (known: ${RESPONDER_NAMES.join(', ')})`);
    }
  }
  return names as ResponderName[];
}

function parseCpu(flag: string, text: string): number {
  const cpu = Number(text);
  if (!Number.isInteger(cpu) || cpu < 0 || cpu >= availableParallelism()) {
    throw new BenchError(flag, `not a CPU of this machine: ${text}`);
  }
  return cpu;
}

function parseCount(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new BenchError(flag, `not a positive number: ${text}`);
  return value;
}

/**
 * Parses `--only kernel,c,l2speaker --client-cpu 0 --responder-cpu 0,1,all` plus the script's own numeric
 * flags, given with their defaults. Responders default to the client's CPU and to another one, because
 * waking a process on the CPU that received the frame or on another costs very differently.
 */
export function parseOptions<K extends string>(
  argv: readonly string[],
  numeric: Record<K, number>,
): CommonOptions & Record<K, number> {
  const numericFlags = Object.fromEntries(
    Object.keys(numeric).map((key) => [key, { type: 'string' as const }]),
  );
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: 'string', default: RESPONDER_NAMES.join(',') },
      'client-cpu': { type: 'string', default: '0' },
      'responder-cpu': { type: 'string', default: availableParallelism() > 1 ? '0,1,all' : '0' },
      ...numericFlags,
    },
  });
  const text = values as Record<string, string | undefined>;
  const parsed = Object.fromEntries(
    Object.entries<number>(numeric).map(([key, fallback]) => {
      const given = text[key];
      return [key, given === undefined ? fallback : parseCount(`--${key}`, given)];
    }),
  ) as Record<K, number>;
  return {
    only: parseOnly(text.only ?? ''),
    clientCpu: parseCpu('--client-cpu', text['client-cpu'] ?? '0'),
    responderCpus: (text['responder-cpu'] ?? '0')
      .split(',')
      .map((cpu) => (cpu === 'all' ? cpu : String(parseCpu('--responder-cpu', cpu)))),
    ...parsed,
  };
}

/** An integer flag value of at least `min`. @throws BenchError naming the flag. */
export function countOption(flag: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new BenchError(flag, `not a count of at least ${min}: ${text}`);
  return value;
}

/** Runs commands as child processes and collects their exit code and output; no shell involved. */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { LabError } from './errors.ts';

export interface RunOptions {
  /** Kill the command (SIGKILL) after this long; its result then carries the signal's code. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string;
}

export interface RunResult {
  /** The exit status, or 128 + the signal number when a signal ended it (as a shell reports it). */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `argv` and resolves with its result whatever the exit code; rejects only if it cannot start. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new LabError('empty command', argv, -1, ''));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer =
      opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new LabError(`cannot start (${err.message})`, argv, -1, ''));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const code = status ?? (signal ? 128 + constants.signals[signal] : -1);
      resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
    // EPIPE when the command exits without reading its input; its exit code already tells what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs `argv` and throws LabError unless it exits 0; `what` says what the command was for. */
export async function runChecked(
  what: string,
  argv: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const result = await run(argv, opts);
  if (result.code !== 0) throw new LabError(what, argv, result.code, result.stderr);
  return result;
}

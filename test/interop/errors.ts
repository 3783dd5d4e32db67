/** Errors of the Go peer harness, each carrying what the peer or the build printed. */

/** build.sh failed or printed no binary paths. */
export class PeerBuildError extends Error {
  readonly code: number | null;
  readonly stderr: string;

  constructor(message: string, code: number | null, stderr: string) {
    super(`build.sh: ${message} (exit ${code})${stderr ? `: ${stderr.trim().slice(-2000)}` : ''}`);
    this.name = 'PeerBuildError';
    this.code = code;
    this.stderr = stderr;
  }
}

/** A peer did not print the awaited event in time, exited first, or printed a line that is not JSON. */
export class PeerError extends Error {
  readonly argv: readonly string[];
  readonly stderrTail: string;

  constructor(message: string, argv: readonly string[], stderrTail: string) {
    super(`peer ${argv.join(' ')}: ${message}${stderrTail ? `\n--- stderr tail ---\n${stderrTail}` : ''}`);
    this.name = 'PeerError';
    this.argv = argv;
    this.stderrTail = stderrTail;
  }
}

/** Errors of the lab: a command that failed, or a name or option the lab cannot use. */

/** A command run by the lab exited non-zero (or could not start); carries what the kernel tools said. */
export class LabError extends Error {
  readonly command: readonly string[];
  readonly code: number;
  readonly stderr: string;

  constructor(message: string, command: readonly string[], code: number, stderr: string) {
    super(`${message}: \`${command.join(' ')}\` exited ${code}${stderr ? `: ${stderr.trim()}` : ''}`);
    this.name = 'LabError';
    this.command = command;
    this.code = code;
    this.stderr = stderr;
  }
}

/** A host name, prefix or option the lab refuses before touching the kernel. */
export class LabOptionError extends Error {
  readonly field: string;
  readonly value: unknown;

  constructor(field: string, value: unknown, expected: string) {
    super(`lab: ${field} must be ${expected}, got ${JSON.stringify(value)}`);
    this.name = 'LabOptionError';
    this.field = field;
    this.value = value;
  }
}

/** A benchmark step that failed, with what it was waiting for or running. */
export class BenchError extends Error {
  readonly step: string;
  readonly detail: string;

  constructor(step: string, detail: string) {
    super(`${step}: ${detail}`);
    this.name = 'BenchError';
    this.step = step;
    this.detail = detail;
  }
}

import {
  CircuitBreaker,
  StatusApiError,
  TokenBucket,
  backoffMs,
  parseRetryAfter,
  resolveTunables,
  StatusOptionError,
  toStatusApiError,
} from '../../../src/status/index.ts';
import { KubeApiError } from '../../../src/kubehttp/index.ts';

describe('toStatusApiError: every client failure by kind', () => {
  const answer = (status: number, message = '', retryAfter?: string) =>
    new KubeApiError('PATCH', '/apis/x', status, message, undefined, retryAfter);

  test('HTTP answers by status, with the Status message and Retry-After', () => {
    const invalid = toStatusApiError(
      answer(422, 'status.node: Invalid value: "string": Value is immutable'),
      'patchStatus',
      'l2-x',
    );
    expect(invalid).toMatchObject({
      kind: 'invalid',
      httpStatus: 422,
      operation: 'patchStatus',
      target: 'l2-x',
    });
    expect(invalid.message).toContain('Value is immutable');
    expect(toStatusApiError(answer(409), 'create', 'n').kind).toBe('alreadyExists');
    expect(toStatusApiError(answer(409), 'delete', 'n').kind).toBe('conflict');
    expect(toStatusApiError(answer(404), 'delete', 'n').kind).toBe('notFound');
    expect(toStatusApiError(answer(403), 'create', 'n').kind).toBe('forbidden');
    expect(toStatusApiError(answer(503), 'create', 'n').kind).toBe('serverError');
    expect(toStatusApiError(answer(410), 'watch', '').kind).toBe('other');
    const throttled = toStatusApiError(answer(429, 'slow down', '7'), 'create', 'n');
    expect(throttled).toMatchObject({ kind: 'throttled', retryAfterMs: 7_000 });
  });

  test('no answer (refused, timed out) is unavailable; a bug is not a down server', () => {
    const refused = new KubeApiError('POST', '/apis/x', undefined, 'ECONNREFUSED');
    const error = toStatusApiError(refused, 'create', 'n');
    expect(error).toMatchObject({ kind: 'unavailable', httpStatus: undefined });
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.cause).toBe(refused);
    expect(toStatusApiError(new TypeError('x.toPromise is not a function'), 'watch', '').kind).toBe('other');
    const typed = new StatusApiError('conflict', 'delete', 'n', 'x');
    expect(toStatusApiError(typed, 'create', 'm')).toBe(typed);
  });

  test('Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('2', 0)).toBe(2_000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('limits', () => {
  test('backoff doubles to its cap, jittered within [d/2, d]', () => {
    expect([1, 2, 3, 10].map((n) => backoffMs(n, 200, 1_000, () => 1))).toEqual([200, 400, 800, 1_000]);
    expect(backoffMs(3, 200, 1_000, () => 0)).toBe(400);
  });

  test('token bucket: burst, then one token per 1/rate', () => {
    const bucket = new TokenBucket(10, 2, 0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.waitMs(0)).toBe(100);
    expect(bucket.waitMs(100)).toBe(0);
  });

  test('breaker: opens after the threshold, probes spaced start to start, closes on any answer', () => {
    const breaker = new CircuitBreaker({ threshold: 2, probeBaseMs: 2_000, probeMaxMs: 8_000 }, () => 0);
    expect(breaker.down(0)).toBe(false);
    expect(breaker.down(0)).toBe(true);
    expect(breaker.probeDueAtMs()).toBe(2_000);
    const starts: number[] = [];
    let now = 2_000;
    for (let i = 0; i < 5; i++) {
      starts.push(now);
      breaker.beginProbe(now);
      expect(breaker.probeDueAtMs()).toBeUndefined();
      breaker.probeFailed();
      now = breaker.probeDueAtMs() ?? Infinity;
    }
    expect(starts).toEqual([2_000, 6_000, 14_000, 22_000, 30_000]);
    expect(breaker.answered()).toBe(true);
    expect(breaker.isOpen).toBe(false);
  });

  test('tunables: defaults filled in, nonsense refused with the field named', () => {
    expect(resolveTunables({ resyncMs: 1_000 })).toMatchObject({ resyncMs: 1_000, ratePerSecond: 20 });
    expect(() => resolveTunables({ concurrency: 0 })).toThrow(StatusOptionError);
    expect(() => resolveTunables({ peerGraceMs: -1 })).toThrow(/peerGraceMs/);
  });
});

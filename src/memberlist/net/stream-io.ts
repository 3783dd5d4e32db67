/**
 * One stream message read from a socket as its bytes arrive, under a size limit. Decoding is retried when
 * the buffered bytes have doubled or the sender paused, so a slow 20 MiB stream costs O(n log n) parsing
 * rather than a full re-parse per chunk. Deadlines belong to the caller: it destroys the socket with a
 * StreamTimeoutError, which this reader passes on.
 */
import type { Socket } from 'node:net';
import { decodeStream, WireError, type StreamDecodeOptions, type StreamMessage } from '../wire/index.ts';
import type { Address } from '../swim/index.ts';
import { StreamError, StreamTimeoutError } from './errors.ts';

/** Decode again after the sender paused this long (a complete message is never left waiting longer). */
const PAUSE_MS = 2;

export interface ReadOptions {
  readonly decode: StreamDecodeOptions;
  /** Most bytes buffered before the stream is refused. */
  readonly maxBytes: number;
  readonly peer: Address;
}

/** Reads one message; rejects with WireError (bad bytes), StreamError (closed, reset) or StreamTimeoutError. */
export function readStreamMessage(socket: Socket, opts: ReadOptions): Promise<StreamMessage> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let triedAt = 0;
    let settled = false;
    let pause: NodeJS.Timeout | undefined;
    const finish = (outcome: Error | StreamMessage): void => {
      if (settled) return;
      settled = true;
      clearTimeout(pause);
      socket.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const tryDecode = (): void => {
      triedAt = length;
      try {
        const result = decodeStream(Buffer.concat(chunks, length), opts.decode);
        if (result.status === 'done') finish(result.message);
      } catch (err) {
        finish(err instanceof WireError ? err : new StreamError(opts.peer, 'decode', err as Error));
      }
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      clearTimeout(pause);
      if (length > opts.maxBytes) {
        const detail = `more than ${opts.maxBytes} bytes`;
        finish(new WireError('limit-exceeded', { layer: 'stream', value: length }, detail));
      } else if (length >= 2 * triedAt) tryDecode();
      else pause = setTimeout(tryDecode, PAUSE_MS);
    };
    const onEnd = (): void => {
      if (length > triedAt) tryDecode();
      finish(new StreamError(opts.peer, 'read', new Error(`closed after ${length} bytes`)));
    };
    const onClose = (): void => finish(new StreamError(opts.peer, 'read', new Error('connection closed')));
    const onError = (err: Error): void =>
      finish(err instanceof StreamTimeoutError ? err : new StreamError(opts.peer, 'read', err));
    socket.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

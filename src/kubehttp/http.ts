/**
 * HTTP(S) to the API server over one keep-alive connection pool: every list page, watch and status write
 * of a process reuses its connections (a handshake per request, or a pool per request as client-node 2.0
 * made, kept ~100 TLS connections open at 20 writes/s). Bodies are plain JSON text: no typed models.
 */
import type * as Http from 'node:http';
import type { IncomingMessage } from 'node:http';
import { KubeApiError } from './errors.ts';
import type { KubeTarget } from './target.ts';

// The CommonJS modules: an ESM import reads every export, and node:http's lazy WebSocket exports would
// load all of undici (~3 MB resident), unused here.
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

export type KubeMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface KubeRequest {
  readonly method: KubeMethod;
  /** Path and query, e.g. /api/v1/nodes?limit=100. */
  readonly path: string;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Default application/json. */
  readonly contentType?: string;
  /** The whole exchange, answer read included, must end within this time. */
  readonly timeoutMs: number;
}

/** An answer of any status. */
export interface KubeAnswer {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | undefined;
}

export interface KubeHttp {
  readonly server: string;
  /**
   * Sends one request and reads its answer, whatever the status.
   * @throws KubeApiError without a status when no answer came (refused, reset, TLS, timeout).
   */
  send(request: KubeRequest): Promise<KubeAnswer>;
  /** A GET whose answer the caller streams (watches). Returns what aborts it. */
  stream(path: string, onResponse: (res: IncomingMessage) => void, onError: (err: Error) => void): () => void;
  /** Closes idle connections; requests in flight end on their own. */
  close(): void;
}

interface StatusBody {
  readonly message?: unknown;
  readonly reason?: unknown;
}

/** The error for a non-success answer: the Kubernetes Status body's message and reason when it sent one. */
export function answerError(method: string, path: string, answer: KubeAnswer): KubeApiError {
  let body: StatusBody = {};
  try {
    body = (JSON.parse(answer.text) ?? {}) as StatusBody;
  } catch {
    // Not a Status object (a proxy's HTML page, a truncated body): the text itself is the detail.
  }
  const message = typeof body.message === 'string' ? body.message : answer.text.slice(0, 300);
  const reason = typeof body.reason === 'string' ? body.reason : undefined;
  return new KubeApiError(method, path, answer.status, message, reason, answer.retryAfter);
}

/** The JSON of a 2xx answer. @throws KubeApiError for any other status or a body that is not JSON. */
export function jsonOf(method: string, path: string, answer: KubeAnswer): unknown {
  if (answer.status < 200 || answer.status > 299) throw answerError(method, path, answer);
  try {
    return JSON.parse(answer.text);
  } catch (err) {
    throw new KubeApiError(method, path, answer.status, `invalid JSON: ${(err as Error).message}`);
  }
}

export function kubeHttp(target: KubeTarget): KubeHttp {
  const secure = target.server.startsWith('https:');
  const { ca, cert, key, insecure, serverName } = target.tls;
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        ca,
        cert,
        key,
        rejectUnauthorized: !insecure,
        servername: serverName,
      })
    : new http.Agent({ keepAlive: true });
  const requestOf = secure ? https.request : http.request;

  const open = (
    method: KubeMethod,
    path: string,
    headers: Record<string, string>,
    onResponse: (res: IncomingMessage) => void,
  ): Http.ClientRequest => {
    const authorization = target.authorization();
    if (authorization !== undefined) headers['Authorization'] = authorization;
    return requestOf(new URL(target.server + path), { method, agent, headers }, onResponse);
  };

  return {
    server: target.server,
    send(request) {
      const { method, path, timeoutMs } = request;
      return new Promise<KubeAnswer>((resolve, reject) => {
        let req: Http.ClientRequest | undefined;
        const timer = setTimeout(() => {
          req?.destroy();
          failed(`timed out after ${timeoutMs} ms`);
        }, timeoutMs);
        const failed = (detail: string, cause?: unknown): void => {
          clearTimeout(timer);
          const error = new KubeApiError(method, path, undefined, detail);
          if (cause !== undefined) error.cause = cause;
          reject(error);
        };
        const body = request.body === undefined ? undefined : JSON.stringify(request.body);
        const headers: Record<string, string> = { Accept: 'application/json' };
        if (body !== undefined) {
          headers['Content-Type'] = request.contentType ?? 'application/json';
          // Explicit: Node sends a DELETE body without a length, and the server then reads it as the
          // next request on the connection.
          headers['Content-Length'] = String(Buffer.byteLength(body));
        }
        try {
          req = open(method, path, headers, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', (err) => failed(err.message, err));
            res.on('end', () => {
              clearTimeout(timer);
              const retryAfter = res.headers['retry-after'];
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
                retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
              });
            });
          });
        } catch (err) {
          return failed((err as Error).message, err);
        }
        req.on('error', (err: NodeJS.ErrnoException) => failed(err.code ?? err.message, err));
        req.end(body);
      });
    },
    stream(path, onResponse, onError) {
      let req: Http.ClientRequest;
      try {
        req = open('GET', path, { Accept: 'application/json' }, onResponse);
      } catch (err) {
        queueMicrotask(() => onError(err as Error));
        return () => undefined;
      }
      req.on('error', onError);
      req.end();
      return () => req.destroy();
    },
    close() {
      agent.destroy();
    },
  };
}

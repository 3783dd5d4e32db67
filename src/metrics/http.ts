/** The HTTP endpoints: Prometheus metrics, health probes and a JSON status page. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * node:http as the CommonJS module: an ESM import of it reads every export, and its lazy WebSocket
 * exports load all of undici (~3 MB resident) that the speaker never uses.
 */
const { createServer } = process.getBuiltinModule('node:http');

/** The subset of a winston logger this module uses. */
export interface HttpLogger {
  warn(message: string, meta?: unknown): void;
}

export interface HttpServerOptions {
  readonly host: string;
  /** 0 picks a free port; the actual one is returned. */
  readonly port: number;
  readonly registry: Registry;
  /** /readyz: true once the speaker serves (config loaded, membership synced). */
  ready(): boolean;
  /** /livez: false when the process should be restarted (default: always live). */
  live?(): boolean;
  /** /status: any JSON-serialisable snapshot. */
  status(): unknown;
  /** Called before each scrape, to copy counters kept elsewhere (the native responders) into the registry. */
  beforeScrape?(): void;
  readonly logger?: HttpLogger;
}

export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The server could not listen, e.g. EADDRINUSE; names the address. */
export class HttpListenError extends Error {
  override readonly name = 'HttpListenError';
  readonly host: string;
  readonly port: number;
  readonly code: string | undefined;

  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    super(`cannot listen on ${address}: ${cause.code ?? cause.message}`, { cause });
    this.host = host;
    this.port = port;
    this.code = cause.code;
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

const text = 'text/plain; charset=utf-8';

async function route(req: IncomingMessage, res: ServerResponse, opts: HttpServerOptions): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const known = ['/metrics', '/livez', '/readyz', '/status'];
  if (!known.includes(path)) return send(res, 404, text, 'not found\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, text, 'method not allowed\n');
  }
  switch (path) {
    case '/metrics':
      opts.beforeScrape?.();
      return send(res, 200, opts.registry.contentType, await opts.registry.metrics());
    case '/livez':
      return (opts.live?.() ?? true) ? send(res, 200, text, 'ok\n') : send(res, 503, text, 'not live\n');
    case '/readyz':
      return opts.ready() ? send(res, 200, text, 'ok\n') : send(res, 503, text, 'not ready\n');
    default:
      return send(res, 200, 'application/json', `${JSON.stringify(opts.status(), null, 2)}\n`);
  }
}

/**
 * Serves GET /metrics, /livez, /readyz and /status (HEAD too, as HTTP requires); 404 for other
 * paths, 405 for other methods. A handler that throws answers 500 and is logged.
 * @throws HttpListenError when the address cannot be bound.
 */
export function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const server = createServer((req, res) => {
    route(req, res, opts).catch((err: unknown) => {
      opts.logger?.warn(`HTTP ${req.method ?? '?'} ${req.url ?? '?'} failed`, err);
      if (!res.headersSent) send(res, 500, text, 'internal error\n');
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new HttpListenError(opts.host, opts.port, err)),
    );
    server.listen(opts.port, opts.host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            // Idle keep-alive connections (Prometheus keeps them) would hold close() open.
            server.closeIdleConnections();
          }),
      });
    });
  });
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpListenError, createMetrics, startHttpServer } from '../../src/metrics/index.ts';
import type { HttpServer, HttpServerOptions } from '../../src/metrics/index.ts';

let server: HttpServer | undefined;
let ready: boolean;
let live: boolean;
const warnings: unknown[] = [];

async function start(overrides: Partial<HttpServerOptions> = {}): Promise<string> {
  const metrics = createMetrics();
  metrics.configReloadsTotal.inc({ result: 'ok' });
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    registry: metrics.registry,
    ready: () => ready,
    live: () => live,
    status: () => ({ node: 'node-a', announcing: ['192.0.2.1'] }),
    logger: { warn: (message, meta) => warnings.push([message, meta]) },
    ...overrides,
  });
  return `http://127.0.0.1:${server.port}`;
}

beforeEach(() => {
  ready = false;
  live = true;
  warnings.length = 0;
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startHttpServer', () => {
  it('listens on an ephemeral port and serves Prometheus text on /metrics', async () => {
    const base = await start();
    expect(server?.port).toBeGreaterThan(0);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('l2speaker_config_reloads_total{result="ok"} 1');
  });

  it('calls beforeScrape on every scrape, so copied counters are current', async () => {
    let scrapes = 0;
    const base = await start({ beforeScrape: () => (scrapes += 1) });
    await fetch(`${base}/metrics`);
    await fetch(`${base}/status`);
    await fetch(`${base}/metrics`);
    expect(scrapes).toBe(2);
  });

  it('answers /livez and /readyz from the callbacks', async () => {
    const base = await start();
    expect(await (await fetch(`${base}/livez`)).text()).toBe('ok\n');
    const notReady = await fetch(`${base}/readyz`);
    expect([notReady.status, await notReady.text()]).toEqual([503, 'not ready\n']);
    ready = true;
    const isReady = await fetch(`${base}/readyz`);
    expect([isReady.status, await isReady.text()]).toEqual([200, 'ok\n']);
    live = false;
    expect((await fetch(`${base}/livez`)).status).toBe(503);
  });

  it('is live by default', async () => {
    const base = await start({ live: undefined });
    expect((await fetch(`${base}/livez`)).status).toBe(200);
  });

  it('serves /status as JSON', async () => {
    const base = await start();
    const res = await fetch(`${base}/status?verbose=1`);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ node: 'node-a', announcing: ['192.0.2.1'] });
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    const base = await start();
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metricsx`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${base}/readyz`, { method: 'HEAD' })).status).toBe(503);
  });

  it('answers 500 and logs when a callback throws', async () => {
    const base = await start({
      status: () => {
        throw new Error('boom');
      },
    });
    const res = await fetch(`${base}/status`);
    expect(res.status).toBe(500);
    expect(warnings).toHaveLength(1);
  });

  it('rejects with a typed error naming host:port when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const attempt = startHttpServer({
        host: '127.0.0.1',
        port,
        registry: createMetrics().registry,
        ready: () => true,
        status: () => ({}),
      });
      await expect(attempt).rejects.toThrow(HttpListenError);
      await expect(attempt).rejects.toThrow(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
      await expect(attempt).rejects.toMatchObject({ host: '127.0.0.1', port, code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('closes even with an idle keep-alive connection open', async () => {
    const base = await start();
    await (await fetch(`${base}/livez`, { keepalive: true })).text();
    await server?.close();
    server = undefined;
    await expect(fetch(`${base}/livez`)).rejects.toThrow();
  });
});

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerError, jsonOf, KubeApiError, kubeHttp, type KubeHttp } from '../../../src/kubehttp/index.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let client: KubeHttp;
const seen: Seen[] = [];
let reply: (seen: Seen) => { status: number; body: string; headers?: Record<string, string> } | 'hang';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      const answer = reply(entry);
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = kubeHttp({
    source: 'test',
    server: `http://127.0.0.1:${port}`,
    tls: { ca: undefined, cert: undefined, key: undefined, insecure: false, serverName: undefined },
    authorization: () => 'Bearer t0ken',
  });
});

afterAll(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

test('a DELETE with a body keeps the connection usable: the body carries its length', async () => {
  reply = () => ({ status: 200, body: '{"kind":"Status"}' });
  await client.send({ method: 'DELETE', path: '/x', body: { preconditions: { uid: 'u' } }, timeoutMs: 2000 });
  const next = await client.send({ method: 'GET', path: '/y', timeoutMs: 2000 });
  expect(next.status).toBe(200);
  expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
    ['DELETE', '/x', '{"preconditions":{"uid":"u"}}'],
    ['GET', '/y', ''],
  ]);
  expect(seen[0]?.headers['content-length']).toBe('29');
  expect(seen[0]?.headers['authorization']).toBe('Bearer t0ken');
});

test('answers of any status come back with Retry-After; errors carry the Status message and reason', async () => {
  reply = () => ({
    status: 429,
    body: JSON.stringify({ kind: 'Status', message: 'too many requests', reason: 'TooManyRequests' }),
    headers: { 'Retry-After': '3' },
  });
  const answer = await client.send({
    method: 'PATCH',
    path: '/z',
    body: {},
    contentType: 'application/merge-patch+json',
    timeoutMs: 2000,
  });
  expect(seen[0]?.headers['content-type']).toBe('application/merge-patch+json');
  const error = answerError('PATCH', '/z', answer);
  expect(error).toMatchObject({ status: 429, reason: 'TooManyRequests', retryAfter: '3' });
  expect(error.message).toBe('PATCH /z: HTTP 429: too many requests');
  expect(() => jsonOf('PATCH', '/z', answer)).toThrow(KubeApiError);
  expect(jsonOf('GET', '/ok', { status: 201, text: '{"a":1}', retryAfter: undefined })).toEqual({ a: 1 });
  expect(() => jsonOf('GET', '/ok', { status: 200, text: '<html>', retryAfter: undefined })).toThrow(
    /invalid JSON/,
  );
});

test('no answer in time: a KubeApiError without a status', async () => {
  reply = () => 'hang';
  const error = await client
    .send({ method: 'GET', path: '/slow', timeoutMs: 100 })
    .catch((err: unknown) => err);
  expect(error).toBeInstanceOf(KubeApiError);
  expect(error).toMatchObject({ status: undefined, method: 'GET', path: '/slow' });
  expect((error as Error).message).toContain('timed out after 100 ms');
});

test('a credential that cannot be read fails the request, naming why', async () => {
  const broken = kubeHttp({
    source: 'test',
    server: client.server,
    tls: { ca: undefined, cert: undefined, key: undefined, insecure: false, serverName: undefined },
    authorization: () => {
      throw new Error('token file gone');
    },
  });
  await expect(broken.send({ method: 'GET', path: '/', timeoutMs: 1000 })).rejects.toMatchObject({
    status: undefined,
    message: 'GET /: no answer: token file gone',
  });
  const streamError = await new Promise<Error>((resolve) => broken.stream('/w', () => undefined, resolve));
  expect(streamError.message).toBe('token file gone');
  broken.close();
  expect(seen).toEqual([]);
});

/**
 * Plain HTTPS requests to the test API server with an admin kubeconfig (CA inline, bearer token), so
 * that the test setup needs no Kubernetes client library.
 */
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { parse } from 'yaml';

export interface KubeAccess {
  readonly server: string;
  readonly ca: string;
  readonly token: string;
  /** Connect through this Unix socket instead of the server's address (TLS for the server is unchanged). */
  readonly socketPath?: string;
}

export interface KubeResponse {
  readonly status: number;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly body: unknown;
  readonly text: string;
}

export class KubeconfigError extends Error {
  readonly path: string;
  readonly field: string;
  constructor(path: string, field: string) {
    super(`kubeconfig ${path}: ${field} missing`);
    this.name = 'KubeconfigError';
    this.path = path;
    this.field = field;
  }
}

export class KubeRequestError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly text: string;
  constructor(method: string, path: string, status: number | undefined, text: string) {
    super(`${method} ${path}: ${status === undefined ? 'no answer' : `HTTP ${status}`}: ${text}`);
    this.name = 'KubeRequestError';
    this.method = method;
    this.path = path;
    this.status = status;
    this.text = text;
  }
}

interface KubeconfigShape {
  clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
  users?: { user?: { token?: string } }[];
}

/** Reads the first cluster and user of a kubeconfig written by the test API server. */
export async function readKubeconfig(path: string): Promise<KubeAccess> {
  const config = parse(await readFile(path, 'utf8')) as KubeconfigShape;
  const cluster = config.clusters?.[0]?.cluster;
  const server = cluster?.server;
  const caData = cluster?.['certificate-authority-data'];
  const token = config.users?.[0]?.user?.token;
  if (server === undefined) throw new KubeconfigError(path, 'clusters[0].cluster.server');
  if (caData === undefined) throw new KubeconfigError(path, 'certificate-authority-data');
  if (token === undefined) throw new KubeconfigError(path, 'users[0].user.token');
  return { server, ca: Buffer.from(caData, 'base64').toString('utf8'), token };
}

/** One request; resolves with any HTTP status, rejects only when no answer came. */
export function kubeRequest(
  access: KubeAccess,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<KubeResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {
    Authorization: `Bearer ${access.token}`,
    Accept: 'application/json',
  };
  if (payload !== undefined) headers['Content-Type'] = contentType;
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, access.server),
      { method, ca: access.ca, headers, timeout: 10_000, socketPath: access.socketPath },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => reject(new KubeRequestError(method, path, res.statusCode, err.message)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: parseJson(text), text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', (err) => reject(new KubeRequestError(method, path, undefined, err.message)));
    req.end(payload);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (e.g. /readyz answers "ok"): the caller reads `text`.
    return undefined;
  }
}

/** kubeRequest that rejects unless the status is one of `expected`. */
export async function kubeExpect(
  access: KubeAccess,
  expected: readonly number[],
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
): Promise<KubeResponse> {
  const res = await kubeRequest(access, method, path, body, contentType);
  if (!expected.includes(res.status)) throw new KubeRequestError(method, path, res.status, res.text);
  return res;
}

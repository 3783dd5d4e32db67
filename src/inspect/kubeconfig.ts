/**
 * Reads a kubeconfig (its current context) and makes plain HTTPS GETs with it: enough for the CLI's
 * read-only look at the cluster, without a client library.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

export interface KubeTarget {
  readonly server: string;
  readonly ca: string | undefined;
  readonly token: string | undefined;
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly insecure: boolean;
}

export class KubeconfigReadError extends Error {
  override readonly name = 'KubeconfigReadError';
  readonly path: string;
  readonly field: string;
  constructor(path: string, field: string, detail = 'missing') {
    super(`kubeconfig ${path}: ${field} ${detail}`);
    this.path = path;
    this.field = field;
  }
}

export class KubeGetError extends Error {
  override readonly name = 'KubeGetError';
  readonly url: string;
  readonly status: number | undefined;
  constructor(url: string, status: number | undefined, detail: string) {
    super(`GET ${url}: ${status === undefined ? detail : `HTTP ${status}: ${detail}`}`);
    this.url = url;
    this.status = status;
  }
}

interface Named<T> {
  readonly name?: string;
  readonly [key: string]: T | string | undefined;
}

interface KubeconfigShape {
  'current-context'?: string;
  contexts?: Named<{ cluster?: string; user?: string }>[];
  clusters?: Named<Record<string, string | boolean | undefined>>[];
  users?: Named<Record<string, string | undefined>>[];
}

function pick<T>(
  list: readonly Named<T>[] | undefined,
  kind: string,
  name: string | undefined,
): T | undefined {
  const entry = name === undefined ? list?.[0] : list?.find((e) => e.name === name);
  return entry?.[kind] as T | undefined;
}

/** Inline data (base64) or a file path relative to the kubeconfig. */
function material(base: string, data: unknown, file: unknown): string | undefined {
  if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
  if (typeof file === 'string') return readFileSync(resolve(base, file), 'utf8');
  return undefined;
}

/** The current context's server and credentials. @throws KubeconfigReadError */
export function readKubeTarget(path: string): KubeTarget {
  const config = parse(readFileSync(path, 'utf8')) as KubeconfigShape;
  const base = dirname(path);
  const context = pick(config.contexts, 'context', config['current-context']);
  const cluster = pick(config.clusters, 'cluster', context?.cluster);
  const user = pick(config.users, 'user', context?.user) ?? {};
  const server = cluster?.['server'];
  if (typeof server !== 'string') throw new KubeconfigReadError(path, 'cluster.server');
  const token = user['token'] ?? material(base, undefined, user['tokenFile'])?.trim();
  return {
    server,
    ca: material(base, cluster?.['certificate-authority-data'], cluster?.['certificate-authority']),
    token,
    cert: material(base, user['client-certificate-data'], user['client-certificate']),
    key: material(base, user['client-key-data'], user['client-key']),
    insecure: cluster?.['insecure-skip-tls-verify'] === true,
  };
}

/** GET `path` on the API server, parsed as JSON. @throws KubeGetError on any status but 200. */
export function kubeGet(target: KubeTarget, path: string): Promise<unknown> {
  const url = new URL(path, target.server);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (target.token !== undefined) headers['Authorization'] = `Bearer ${target.token}`;
  return new Promise((resolvePromise, reject) => {
    const req = request(
      url,
      {
        headers,
        ca: target.ca,
        cert: target.cert,
        key: target.key,
        rejectUnauthorized: !target.insecure,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => reject(new KubeGetError(url.href, res.statusCode, err.message)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200)
            return reject(new KubeGetError(url.href, res.statusCode, text.slice(0, 500)));
          try {
            resolvePromise(JSON.parse(text));
          } catch (err) {
            reject(new KubeGetError(url.href, 200, `not JSON: ${(err as Error).message}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', (err) => reject(new KubeGetError(url.href, undefined, err.message)));
    req.end();
  });
}

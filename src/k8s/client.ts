/**
 * The KubeApi over @kubernetes/client-node's KubeConfig (kubeconfig file, KUBECONFIG or in-cluster
 * service account: credentials, CA, token refresh) with plain node:https requests, so objects stay plain
 * JSON (no typed deserialisation) and lists and watches are streamed the way the informers need.
 * The library is ESM-only: it is imported when a config is loaded, never when this module is.
 */
import { existsSync } from 'node:fs';
import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeApi, ListPage, RawObject, WatchEventType, WatchHandle } from './api.ts';
import { KubeApiError, KubeConfigError } from './errors.ts';
import { loopTurns, type TurnQueue } from './turns.ts';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * A kubeconfig: `path` when given; else $KUBECONFIG; else in-cluster (service account) when running in a
 * Pod; else ~/.kube/config.
 * @throws KubeConfigError when none can be loaded.
 */
export async function loadKubeConfig(path?: string): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const source = path ?? process.env['KUBECONFIG'] ?? 'in-cluster';
  try {
    if (path !== undefined) kc.loadFromFile(path);
    else if (
      !process.env['KUBECONFIG'] &&
      process.env['KUBERNETES_SERVICE_HOST'] &&
      existsSync(SERVICE_ACCOUNT_TOKEN)
    )
      kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (err) {
    throw new KubeConfigError(source, (err as Error).message, err);
  }
  if (kc.getCurrentCluster() === null) throw new KubeConfigError(source, 'no current cluster');
  return kc;
}

export interface KubeApiOptions {
  /** Per-request timeout of lists and gets, ms (default 30 000). */
  readonly requestTimeoutMs?: number;
  /** Where a list page waits for a turn of its own to be parsed (default: the process's queue). */
  readonly turns?: TurnQueue;
}

interface StatusBody {
  readonly kind?: string;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
}

function statusError(method: string, path: string, status: number | undefined, text: string): KubeApiError {
  let body: StatusBody = {};
  try {
    body = JSON.parse(text) as StatusBody;
  } catch {
    // Not a Status object (a proxy's HTML page, a truncated body): the text is the detail.
  }
  return new KubeApiError(method, path, status, body.message ?? text.slice(0, 200), body.reason);
}

function withQuery(path: string, query: Readonly<Record<string, string>>): string {
  const search = new URLSearchParams(query).toString();
  return search === '' ? path : `${path}?${search}`;
}

type TlsMaterial = Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;

function sameMaterial(a: TlsMaterial, b: TlsMaterial): boolean {
  const same = (x: unknown, y: unknown): boolean =>
    Buffer.isBuffer(x) && Buffer.isBuffer(y) ? x.equals(y) : x === y;
  return (
    same(a.ca, b.ca) &&
    same(a.cert, b.cert) &&
    same(a.key, b.key) &&
    a.rejectUnauthorized === b.rejectUnauthorized &&
    a.servername === b.servername
  );
}

/** A KubeApi for the config's current cluster and user. */
export function kubeApi(kc: KubeConfig, options: KubeApiOptions = {}): KubeApi {
  const server = kc.getCurrentCluster()?.server ?? '';
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const turns = options.turns ?? loopTurns;
  // client-node makes a new agent per request: every list page would pay a TLS handshake. One
  // keep-alive agent serves while the TLS material stays the same (a rotated client cert gets a new one).
  let shared: { material: TlsMaterial; agent: Agent } | undefined;
  const agentFor = (opts: RequestOptions): Agent => {
    const material: TlsMaterial = {
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      rejectUnauthorized: opts.rejectUnauthorized,
      servername: opts.servername,
    };
    if (shared === undefined || !sameMaterial(shared.material, material)) {
      shared?.agent.destroy();
      shared = { material, agent: new Agent({ ...material, keepAlive: true }) };
    }
    return shared.agent;
  };

  async function open(
    pathAndQuery: string,
    onResponse: (res: IncomingMessage) => void,
    onError: (err: Error) => void,
  ): Promise<() => void> {
    const opts: RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    opts.agent = agentFor(opts);
    const req = request(new URL(pathAndQuery, server), opts, onResponse);
    req.on('error', onError);
    req.end();
    return () => req.destroy();
  }

  /** The body of a 200 answer; undefined for a 404 when `allow404`. */
  function getText(path: string, allow404: boolean): Promise<string | undefined> {
    return new Promise<string | undefined>((resolve, reject) => {
      let abort: () => void = () => undefined;
      const timer = setTimeout(() => {
        abort();
        reject(new KubeApiError('GET', path, undefined, `timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      open(
        path,
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (err) => reject(new KubeApiError('GET', path, res.statusCode, err.message)));
          res.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode === 404 && allow404) return resolve(undefined);
            if (res.statusCode !== 200) return reject(statusError('GET', path, res.statusCode, text));
            resolve(text);
          });
        },
        (err) => {
          clearTimeout(timer);
          reject(new KubeApiError('GET', path, undefined, err.message));
        },
      ).then(
        (destroy) => (abort = destroy),
        (err: unknown) => {
          clearTimeout(timer);
          reject(new KubeApiError('GET', path, undefined, (err as Error).message));
        },
      );
    });
  }

  function parseJson(path: string, text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new KubeApiError('GET', path, 200, `invalid JSON: ${(err as Error).message}`);
    }
  }

  return {
    async list(path, query): Promise<ListPage> {
      const target = withQuery(path, query);
      const text = (await getText(target, false)) ?? '';
      // A page of 100 Services is ~130 kB: its parse gets a turn of the event loop to itself.
      await turns.next();
      const body = parseJson(target, text) as {
        items?: RawObject[];
        metadata?: { resourceVersion?: string; continue?: string };
      };
      const token = body.metadata?.continue;
      return {
        items: body.items ?? [],
        resourceVersion: body.metadata?.resourceVersion ?? '',
        continueToken: token === undefined || token === '' ? undefined : token,
      };
    },

    async get(path) {
      const text = await getText(path, true);
      return text === undefined ? undefined : (parseJson(path, text) as RawObject);
    },

    async watch(path, query, onEvent, onDone): Promise<WatchHandle> {
      let finished = false;
      const finish = (err: Error | undefined): void => {
        if (finished) return;
        finished = true;
        onDone(err);
      };
      const target = withQuery(path, { ...query, watch: 'true' });
      // The server ends the watch at timeoutSeconds; silence well past it means the connection is dead.
      const idleMs = (Number(query['timeoutSeconds'] ?? 300) + 30) * 1000;
      let destroy: () => void = () => undefined;
      try {
        destroy = await open(
          target,
          (res) => {
            res.setTimeout(idleMs, () => {
              res.destroy();
              finish(new KubeApiError('WATCH', path, res.statusCode, `no data for ${idleMs} ms`));
            });
            if (res.statusCode !== 200) {
              const chunks: Buffer[] = [];
              res.on('data', (chunk: Buffer) => chunks.push(chunk));
              res.on('end', () =>
                finish(statusError('WATCH', path, res.statusCode, Buffer.concat(chunks).toString('utf8'))),
              );
              return;
            }
            const lines = createInterface({ input: res, crlfDelay: Infinity });
            lines.on('line', (line) => {
              if (finished || line === '') return;
              let event: { type: WatchEventType; object: RawObject };
              try {
                event = JSON.parse(line) as { type: WatchEventType; object: RawObject };
              } catch (err) {
                res.destroy();
                finish(new KubeApiError('WATCH', path, 200, `invalid event: ${(err as Error).message}`));
                return;
              }
              onEvent(event.type, event.object);
            });
            const failed = (err: Error): void => finish(new KubeApiError('WATCH', path, 200, err.message));
            res.on('error', failed);
            lines.on('error', failed);
            res.on('close', () => finish(undefined));
          },
          (err) => finish(new KubeApiError('WATCH', path, undefined, err.message)),
        );
      } catch (err) {
        finish(new KubeApiError('WATCH', path, undefined, (err as Error).message));
      }
      return {
        abort(): void {
          finished = true;
          destroy();
        },
      };
    },
  };
}

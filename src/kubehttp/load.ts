/**
 * Which kubeconfig a process uses, in client-go's order: the path given; else $KUBECONFIG (a
 * colon-separated list); else the in-cluster service account when running in a Pod; else ~/.kube/config.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { tokenFile } from './credentials.ts';
import { KubeConfigError } from './errors.ts';
import { kubeHttp, type KubeHttp } from './http.ts';
import { checkedServer, kubeconfigTarget } from './kubeconfig.ts';
import type { KubeTarget } from './target.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface LoadKubeTargetOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the service account's token and ca.crt are mounted (default: the standard mount). */
  readonly serviceAccountDir?: string;
  readonly home?: string;
}

/**
 * The API server of a Pod's service account: KUBERNETES_SERVICE_HOST and _PORT, the mounted CA and token
 * (the token re-read once a minute).
 * @throws KubeConfigError naming the missing variable or file.
 */
export function inClusterTarget(
  env: Readonly<Record<string, string | undefined>>,
  dir: string = SERVICE_ACCOUNT_DIR,
  now: () => number = Date.now,
): KubeTarget {
  const source = 'in-cluster';
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host) throw new KubeConfigError(source, 'not set', { field: 'KUBERNETES_SERVICE_HOST' });
  if (!port) throw new KubeConfigError(source, 'not set', { field: 'KUBERNETES_SERVICE_PORT' });
  const caPath = join(dir, 'ca.crt');
  let ca: Buffer;
  try {
    ca = readFileSync(caPath);
  } catch (err) {
    throw new KubeConfigError(source, `cannot read: ${(err as Error).message}`, {
      field: caPath,
      cause: err,
    });
  }
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  return {
    source,
    server: checkedServer(server, source, 'KUBERNETES_SERVICE_HOST'),
    tls: { ca, cert: undefined, key: undefined, insecure: false, serverName: undefined },
    authorization: tokenFile(join(dir, 'token'), source, join(dir, 'token'), now),
  };
}

/** @throws KubeConfigError when no configuration can be used; it names the file and field at fault. */
export function loadKubeTarget(path?: string, options: LoadKubeTargetOptions = {}): KubeTarget {
  if (path !== undefined) return kubeconfigTarget([path]);
  const env = options.env ?? process.env;
  const list = (env['KUBECONFIG'] ?? '').split(':').filter((entry) => entry !== '');
  if (list.length > 0) return kubeconfigTarget(list);
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (env['KUBERNETES_SERVICE_HOST'] && existsSync(join(dir, 'token'))) return inClusterTarget(env, dir);
  return kubeconfigTarget([join(options.home ?? homedir(), '.kube', 'config')]);
}

/**
 * Runs `use` with a client for `path`'s kubeconfig (see loadKubeTarget) and closes its connections after,
 * for one-shot commands.
 */
export async function withKubeHttp<T>(
  path: string | undefined,
  use: (http: KubeHttp) => Promise<T>,
): Promise<T> {
  const http = kubeHttp(loadKubeTarget(path));
  try {
    return await use(http);
  } finally {
    http.close();
  }
}

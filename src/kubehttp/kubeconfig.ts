/**
 * Reads kubeconfig files: the current context's cluster (server, CA, TLS options) and user (token,
 * token file, client certificate, basic auth). Several files (KUBECONFIG=a:b) merge as kubectl merges
 * them: the first file that names a cluster, context or user, or sets current-context, wins. Written
 * here rather than loaded from @kubernetes/client-node: importing that library costs a speaker ~43 MB
 * (its generated API sources), and reading a kubeconfig is all the speaker needed from it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { basicAuth, bearerToken, noAuthorization, tokenFile, type Authorization } from './credentials.ts';
import { KubeConfigError } from './errors.ts';
import type { KubeTarget, KubeTls } from './target.ts';

type Fields = Readonly<Record<string, unknown>>;

/** A named entry and the directory of the file it came from (relative paths resolve there). */
interface Entry {
  readonly fields: Fields;
  readonly base: string;
}

interface Merged {
  readonly clusters: Map<string, Entry>;
  readonly contexts: Map<string, Entry>;
  readonly users: Map<string, Entry>;
  currentContext: string | undefined;
}

const SECTIONS = [
  ['clusters', 'cluster'],
  ['contexts', 'context'],
  ['users', 'user'],
] as const;

function readFile(path: string, merged: Merged): void {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KubeConfigError(path, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  if (document === null || document === undefined) return;
  if (typeof document !== 'object') throw new KubeConfigError(path, 'not a mapping');
  const config = document as Fields;
  const base = dirname(resolve(path));
  for (const [section, inner] of SECTIONS) {
    const list = config[section] ?? [];
    if (!Array.isArray(list)) throw new KubeConfigError(path, 'not a list', { field: section });
    list.forEach((item: unknown, index) => {
      const named = (item ?? {}) as Fields;
      const name = named['name'];
      if (typeof name !== 'string' || name === '')
        throw new KubeConfigError(path, 'missing', { field: `${section}[${index}].name` });
      const fields = named[inner];
      if (typeof fields !== 'object' || fields === null)
        throw new KubeConfigError(path, 'missing', { field: `${section}[${name}].${inner}` });
      if (!merged[section].has(name)) merged[section].set(name, { fields: fields as Fields, base });
    });
  }
  const current = config['current-context'];
  if (merged.currentContext === undefined && typeof current === 'string' && current !== '')
    merged.currentContext = current;
}

function text(entry: Entry, key: string, source: string, field: string): string | undefined {
  const value = entry.fields[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new KubeConfigError(source, 'not a string', { field: `${field}.${key}` });
  return value;
}

/** Inline base64 data or a file (relative to its kubeconfig). */
function material(entry: Entry, key: string, source: string, field: string): Buffer | undefined {
  const data = text(entry, `${key}-data`, source, field);
  if (data !== undefined) return Buffer.from(data, 'base64');
  const file = text(entry, key, source, field);
  if (file === undefined) return undefined;
  try {
    return readFileSync(resolve(entry.base, file));
  } catch (err) {
    throw new KubeConfigError(source, `cannot read ${file}: ${(err as Error).message}`, {
      field: `${field}.${key}`,
      cause: err,
    });
  }
}

function authorization(user: Entry, source: string, field: string): Authorization {
  for (const unsupported of ['exec', 'auth-provider'])
    if (user.fields[unsupported] !== undefined)
      throw new KubeConfigError(
        source,
        'credential plugins are not supported; use a token, a token file, a client certificate or the in-cluster service account',
        { field: `${field}.${unsupported}` },
      );
  const token = text(user, 'token', source, field);
  if (token !== undefined) return bearerToken(token);
  const file = text(user, 'tokenFile', source, field);
  if (file !== undefined) return tokenFile(resolve(user.base, file), source, `${field}.tokenFile`);
  const username = text(user, 'username', source, field);
  if (username !== undefined) return basicAuth(username, text(user, 'password', source, field) ?? '');
  return noAuthorization;
}

/**
 * The current context of `paths` merged (files that do not exist are skipped, as kubectl does).
 * @throws KubeConfigError naming the file and field at fault.
 */
export function kubeconfigTarget(paths: readonly string[]): KubeTarget {
  const source = paths.join(':');
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length === 0) throw new KubeConfigError(source, 'no such file');
  const merged: Merged = {
    clusters: new Map(),
    contexts: new Map(),
    users: new Map(),
    currentContext: undefined,
  };
  for (const path of existing) readFile(path, merged);
  const contextName = merged.currentContext;
  if (contextName === undefined) throw new KubeConfigError(source, 'not set', { field: 'current-context' });
  const context = merged.contexts.get(contextName);
  if (context === undefined)
    throw new KubeConfigError(source, `no context named ${contextName}`, { field: 'current-context' });
  const clusterName = text(context, 'cluster', source, `contexts[${contextName}].context`);
  const cluster = clusterName === undefined ? undefined : merged.clusters.get(clusterName);
  if (cluster === undefined)
    throw new KubeConfigError(source, `no cluster named ${clusterName ?? '(none)'}`, {
      field: `contexts[${contextName}].context.cluster`,
    });
  const clusterField = `clusters[${clusterName}].cluster`;
  const server = text(cluster, 'server', source, clusterField);
  if (server === undefined) throw new KubeConfigError(source, 'missing', { field: `${clusterField}.server` });
  if (text(cluster, 'proxy-url', source, clusterField) !== undefined)
    throw new KubeConfigError(source, 'proxies are not supported', { field: `${clusterField}.proxy-url` });
  const userName = text(context, 'user', source, `contexts[${contextName}].context`);
  const user = userName === undefined ? undefined : merged.users.get(userName);
  const userField = `users[${userName}].user`;
  const tls: KubeTls = {
    ca: material(cluster, 'certificate-authority', source, clusterField),
    cert: user === undefined ? undefined : material(user, 'client-certificate', source, userField),
    key: user === undefined ? undefined : material(user, 'client-key', source, userField),
    insecure: cluster.fields['insecure-skip-tls-verify'] === true,
    serverName: text(cluster, 'tls-server-name', source, clusterField),
  };
  return {
    source,
    server: checkedServer(server, source, `${clusterField}.server`),
    tls,
    authorization: user === undefined ? noAuthorization : authorization(user, source, userField),
  };
}

/** The server URL, which must be http(s). */
export function checkedServer(server: string, source: string, field: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new KubeConfigError(source, `not a URL: ${server}`, { field });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new KubeConfigError(source, `not an http(s) URL: ${server}`, { field });
  return url.href.replace(/\/$/, '');
}

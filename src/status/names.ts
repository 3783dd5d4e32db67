/**
 * Deterministic object names and MetalLB's labels. One name per (service, node): a second create of the
 * same pair is answered 409 AlreadyExists, so a duplicate cannot exist.
 */
import { createHash } from 'node:crypto';

export const LABEL_NODE = 'metallb.io/node';
export const LABEL_SERVICE_NAME = 'metallb.io/service-name';
export const LABEL_SERVICE_NAMESPACE = 'metallb.io/service-namespace';

/** Names stay within 63 characters (a DNS-1123 label's length), so they read well in kubectl. */
export const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 16;

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
}

/** "namespace/name" -> its parts; a key without "/" is a service in namespace "" (never written). */
export function parseServiceKey(key: string): ServiceRef {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * `l2-<namespace>.<service>.<node>`: namespaces and services hold no dots (DNS labels), so the parts
 * cannot run into each other. Longer than 63 characters, not a valid DNS-1123 subdomain as is, or a
 * dot in namespace or service: a cleaned prefix and 16 hex digits of sha256 over the three parts.
 */
export function objectName(namespace: string, service: string, node: string): string {
  const plain = `l2-${namespace}.${service}.${node}`;
  const separable = !namespace.includes('.') && !service.includes('.');
  if (separable && plain.length <= MAX_NAME_LENGTH && SUBDOMAIN.test(plain)) return plain;
  const hash = createHash('sha256')
    .update(`${namespace}\0${service}\0${node}`)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const prefix = plain
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/[-.]*\.[-.]*/g, '.')
    .slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1)
    .replace(/[-.]+$/, '');
  return `${prefix}-${hash}`;
}

export function statusLabels(namespace: string, service: string, node: string): Record<string, string> {
  return { [LABEL_NODE]: node, [LABEL_SERVICE_NAME]: service, [LABEL_SERVICE_NAMESPACE]: namespace };
}

/** The service key an object belongs to, from its labels; undefined when they are incomplete. */
export function serviceOf(labels: Readonly<Record<string, string>>): string | undefined {
  const name = labels[LABEL_SERVICE_NAME];
  const namespace = labels[LABEL_SERVICE_NAMESPACE];
  return name === undefined || namespace === undefined ? undefined : serviceKey(namespace, name);
}

export function isValidObjectName(name: string): boolean {
  return name.length <= 253 && SUBDOMAIN.test(name);
}

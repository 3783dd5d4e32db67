/** Names of a lab's namespaces and ports: a short per-run prefix so that labs never collide. */
import { randomBytes } from 'node:crypto';
import { LabOptionError } from './errors.ts';

/** Linux interface names hold at most 15 characters (IFNAMSIZ - 1). */
export const IFNAME_MAX = 15;
export const DEFAULT_STEM = 'l2';
const RANDOM_CHARS = 4;
const SWITCH_SUFFIX = 'sw';

/** `stem` followed by 4 random base36 characters, e.g. 'l2k3x9'. */
export function randomPrefix(stem: string = DEFAULT_STEM): string {
  if (!/^[a-z][a-z0-9]{0,5}$/.test(stem)) {
    throw new LabOptionError('prefix', stem, '1 to 6 lower-case letters or digits, starting with a letter');
  }
  const suffix = [...randomBytes(RANDOM_CHARS)].map((byte) => (byte % 36).toString(36)).join('');
  return stem + suffix;
}

/** The namespace holding the bridge. */
export function switchNamespace(prefix: string): string {
  return prefix + SWITCH_SUFFIX;
}

/** A host's namespace, which is also the name of its bridge port in the switch namespace. */
export function hostNamespace(prefix: string, name: string): string {
  if (!/^[a-z0-9]+$/.test(name)) throw new LabOptionError('host name', name, 'lower-case letters or digits');
  if (name === SWITCH_SUFFIX) throw new LabOptionError('host name', name, `other than '${SWITCH_SUFFIX}'`);
  const ns = prefix + name;
  if (ns.length > IFNAME_MAX) {
    throw new LabOptionError(
      'host name',
      name,
      `at most ${IFNAME_MAX - prefix.length} characters with prefix '${prefix}'`,
    );
  }
  return ns;
}

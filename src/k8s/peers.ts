/**
 * Speaker pods to memberlist seeds, and MetalLB's `metallb-excludel2` ConfigMap to the interfaces never
 * announced on (pure).
 */
import { isIPv6 } from 'node:net';
import { parse } from 'yaml';
import type { RawObject } from './api.ts';

/** A speaker pod as peer discovery sees it. */
export interface SpeakerPod {
  readonly name: string;
  readonly nodeName: string | undefined;
  /** status.podIP: with hostNetwork, the node's address, where its memberlist listens. */
  readonly ip: string | undefined;
  readonly terminating: boolean;
}

export function speakerPod(object: RawObject): SpeakerPod {
  const spec = (object['spec'] ?? {}) as { nodeName?: unknown };
  const status = (object['status'] ?? {}) as { podIP?: unknown };
  return {
    name: object.metadata?.name ?? '',
    nodeName: typeof spec.nodeName === 'string' ? spec.nodeName : undefined,
    ip: typeof status.podIP === 'string' && status.podIP !== '' ? status.podIP : undefined,
    terminating: object.metadata?.deletionTimestamp !== undefined,
  };
}

/**
 * The memberlist seeds ("ip:port", sorted, unique) of the speaker pods: every pod with an IP that is
 * not being deleted, as MetalLB joins its speakers' pod IPs on its own memberlist port.
 */
export function peersFromPods(pods: readonly SpeakerPod[], port: number): string[] {
  const seeds = new Set<string>();
  for (const pod of pods) {
    if (pod.ip === undefined || pod.terminating) continue;
    seeds.add(isIPv6(pod.ip) ? `[${pod.ip}]:${port}` : `${pod.ip}:${port}`);
  }
  return [...seeds].sort();
}

/** The ConfigMap MetalLB mounts as /etc/metallb/excludel2.yaml, and its key. */
export const EXCLUDE_L2_CONFIGMAP = 'metallb-excludel2';
export const EXCLUDE_L2_KEY = 'excludel2.yaml';

export class ExcludeL2Error extends Error {
  override readonly name = 'ExcludeL2Error';
  readonly value: unknown;
  constructor(problem: string, value: unknown, cause?: unknown) {
    super(
      `ConfigMap ${EXCLUDE_L2_CONFIGMAP} ${EXCLUDE_L2_KEY}: ${problem}`,
      cause === undefined ? undefined : { cause },
    );
    this.value = value;
  }
}

/**
 * The interface patterns of `excludel2.yaml` (`announcedInterfacesToExclude: [regexp, ...]`), as MetalLB
 * reads them: a name is excluded when any pattern matches anywhere in it (Go's MatchString is not
 * anchored; MetalLB's defaults anchor with ^ themselves). No ConfigMap or no key: nothing excluded.
 * @throws ExcludeL2Error on bad YAML, a wrong shape or a pattern that does not compile.
 */
export function parseExcludeL2(configMap: RawObject | undefined): readonly RegExp[] {
  const data = (configMap?.['data'] ?? {}) as Record<string, unknown>;
  const text = data[EXCLUDE_L2_KEY];
  if (text === undefined) return [];
  if (typeof text !== 'string') throw new ExcludeL2Error('is not a string', text);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ExcludeL2Error('is not valid YAML', text, err);
  }
  if (doc === null || doc === undefined) return [];
  const list = (doc as { announcedInterfacesToExclude?: unknown }).announcedInterfacesToExclude;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ExcludeL2Error('announcedInterfacesToExclude is not a list', list);
  return list.map((pattern: unknown) => {
    if (typeof pattern !== 'string') throw new ExcludeL2Error('a pattern is not a string', pattern);
    try {
      return new RegExp(pattern, 'u');
    } catch (err) {
      throw new ExcludeL2Error(`pattern ${JSON.stringify(pattern)} does not compile`, pattern, err);
    }
  });
}

/** Whether an interface name is excluded by the patterns. */
export function interfaceExcluded(patterns: readonly RegExp[], name: string): boolean {
  return patterns.some((pattern) => pattern.test(name));
}

/**
 * Kubernetes mode: the model from the cluster's informers, memberlist peers from the speaker pods
 * (--ml-labels, re-joined every minute and whenever the pods change), the memberlist key from the
 * mounted path or the `memberlist` Secret, interfaces excluded by the `metallb-excludel2` ConfigMap,
 * and after each plan the ServiceL2Status objects (src/status).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  interfaceExcluded,
  kubeApi,
  memberlistSecret,
  ownPodUid,
  peersFromPods,
  speakerPod,
  startClusterSources,
  type ClusterSources,
  type KubeApi,
} from '../k8s/index.ts';
import { kubeHttp, loadKubeTarget, type KubeHttp } from '../kubehttp/index.ts';
import { startStatusPublisher, type StatusPublisher } from '../status/index.ts';
import { memberlistCluster, nodesCluster, type ClusterView } from './cluster.ts';
import { ownElection, type SpeakerInputs } from './inputs.ts';
import type { MemberlistFlags, SpeakerOptions } from './options.ts';
import type winston from 'winston';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
/** As MetalLB: speakers not yet members are joined every minute (and at once when the pods change). */
export const REJOIN_INTERVAL_MS = 60_000;

export class NamespaceUnknownError extends Error {
  override readonly name = 'NamespaceUnknownError';
  constructor(cause: unknown) {
    super(`no --namespace or METALLB_NAMESPACE, and ${SERVICE_ACCOUNT_NAMESPACE} unreadable`, { cause });
  }
}

function speakerNamespace(flag: string | undefined): string {
  if (flag !== undefined) return flag;
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim();
  } catch (err) {
    throw new NamespaceUnknownError(err);
  }
}

/** The seeds of the speaker pods listed once, for the first join (errors: logged, none). */
async function initialSeeds(
  api: KubeApi,
  namespace: string,
  flags: MemberlistFlags,
  logger: winston.Logger,
): Promise<string[]> {
  if (flags.labels === undefined) return [];
  try {
    const page = await api.list(`/api/v1/namespaces/${flags.namespace ?? namespace}/pods`, {
      labelSelector: flags.labels,
    });
    return peersFromPods(page.items.map(speakerPod), flags.bindPort);
  } catch (err) {
    logger.warn('cannot list the speaker pods; joining later', err as Error);
    return [];
  }
}

/**
 * memberlist's key: the mounted file (--ml-secret-key-path), else the Secret's bytes handed to the
 * memberlist's reader through a private temporary directory, removed once read.
 */
async function withSecretKey<T>(
  api: KubeApi,
  namespace: string,
  flags: MemberlistFlags,
  logger: winston.Logger,
  start: (flags: MemberlistFlags) => Promise<T>,
): Promise<T> {
  if (flags.secretKeyPath !== undefined) return start(flags);
  const secret = await memberlistSecret(api, namespace);
  if (secret === undefined) {
    logger.warn('no memberlist Secret (key secretkey): memberlist traffic is not encrypted', { namespace });
    return start(flags);
  }
  const dir = mkdtempSync(join(tmpdir(), 'l2speaker-ml-'));
  try {
    writeFileSync(join(dir, 'secretkey'), secret, { mode: 0o600 });
    return await start({ ...flags, secretKeyPath: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Joins the speaker pods that are not live members; logs only when the set of missing peers changes. */
function peerJoiner(cluster: ClusterView, sources: ClusterSources, port: number, logger: winston.Logger) {
  let lastMissing = '';
  return (): void => {
    const live = new Set(
      cluster
        .members()
        .filter((m) => m.state === 'alive' || m.state === 'suspect')
        .map((m) => m.addr),
    );
    const missing = peersFromPods(
      sources.speakerPods().filter((pod) => pod.ip !== undefined && !live.has(pod.ip)),
      port,
    );
    const key = missing.join(',');
    if (key !== lastMissing && missing.length > 0) logger.info('joining speaker pods', { peers: missing });
    lastMissing = key;
    if (missing.length === 0) return;
    cluster.join(missing).catch((err: unknown) => {
      logger.debug('speaker pods did not answer the join', { peers: missing, error: (err as Error).message });
    });
  };
}

/**
 * The ServiceL2Status publisher, its objects owned by this speaker's Pod when --pod-name names one that
 * can be read (its uid is read once).
 */
async function statusPublisher(
  api: KubeApi,
  http: KubeHttp,
  namespace: string,
  podName: string | undefined,
  nodeName: string,
  logger: winston.Logger,
): Promise<StatusPublisher> {
  let pod: { name: string; uid: string } | undefined;
  if (podName === undefined) logger.warn('no --pod-name: ServiceL2Status objects get no owner reference');
  else {
    try {
      const uid = await ownPodUid(api, namespace, podName);
      if (uid === undefined) logger.warn('speaker Pod not found: no owner reference', { pod: podName });
      else pod = { name: podName, uid };
    } catch (err) {
      logger.warn('cannot read the speaker Pod: no owner reference', err as Error);
    }
  }
  return startStatusPublisher({
    http,
    namespace,
    nodeName,
    pod,
    logger: logger.child({ component: 'status' }),
  });
}

export async function kubernetesInputs(
  options: SpeakerOptions,
  logger: winston.Logger,
): Promise<SpeakerInputs> {
  const flags = options.kubernetes ?? { namespace: undefined, podName: undefined, kubeconfig: undefined };
  const namespace = speakerNamespace(flags.namespace);
  const http = kubeHttp(loadKubeTarget(flags.kubeconfig));
  const api = kubeApi(http);
  const ml = options.memberlist;
  const sources = startClusterSources(api, {
    namespace,
    speakerLabels: ml?.labels,
    speakerNamespace: ml?.namespace,
    logger: logger.child({ component: 'k8s' }),
  });
  const election = ownElection(options);
  let cluster: ClusterView;
  let rejoinTimer: NodeJS.Timeout | undefined;
  if (ml === undefined) {
    logger.info('memberlist off (no --ml-bindaddr or --ml-labels): every Node is a candidate');
    cluster = nodesCluster(options.nodeName, election, () =>
      sources.model().nodes.map((n) => n.metadata.name),
    );
  } else {
    const seeds = await initialSeeds(api, namespace, ml, logger);
    const mlLogger = logger.child({ component: 'memberlist' });
    cluster = await withSecretKey(api, namespace, ml, logger, (withKey) =>
      memberlistCluster(
        options.nodeName,
        { ...withKey, peers: [...withKey.peers, ...seeds] },
        election,
        mlLogger,
      ),
    );
    const joinMissing = peerJoiner(cluster, sources, ml.bindPort, mlLogger);
    sources.onSpeakerPods(joinMissing);
    rejoinTimer = setInterval(joinMissing, REJOIN_INTERVAL_MS);
    rejoinTimer.unref();
  }
  const publisher = await statusPublisher(api, http, namespace, flags.podName, options.nodeName, logger);
  return {
    model: () => sources.model(),
    onModel: (listener) => sources.onModel(() => listener()),
    cluster,
    ready: sources.synced,
    excludesInterface: (name) => interfaceExcluded(sources.excludedInterfaces(), name),
    afterApply: ({ result, interfaces, liveMembers }) =>
      publisher.update({
        owners: result.owners,
        interfaces,
        liveNodes: liveMembers,
        refusals: new Map(result.refused.map(({ service, reason }) => [service, reason])),
      }),
    statusStats: () => publisher.stats(),
    describe: () => ({ namespace, sources: sources.stats(), statusWrites: publisher.stats() }),
    close: async () => {
      clearInterval(rejoinTimer);
      await cluster.leave();
      await Promise.all([sources.close(), publisher.close()]);
      http.close();
    },
  };
}

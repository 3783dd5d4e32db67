/**
 * The status publisher on a real API server through @kubernetes/client-node (ESM-only). This is the
 * second door of src/status: the speaker and driver scripts import it; code that Jest loads imports
 * only index.ts.
 *
 * @example
 *   import { startStatusPublisher } from '../status/kube.ts';
 *   const publisher = startStatusPublisher({ kubeConfig, namespace: 'metallb-system', nodeName, pod, logger });
 *   publisher.update({ owners, interfaces, liveNodes }); // returns at once; writes follow in the background
 *   await publisher.close();
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type winston from 'winston';
import { systemClock } from './clock.ts';
import { kubeStatusApi } from './kube-api.ts';
import { createStatusPublisher, type StatusPublisher } from './publisher.ts';
import type { StatusTunables } from './options.ts';
import type { Clock } from './types.ts';

export interface StartStatusPublisherOptions extends StatusTunables {
  readonly kubeConfig: KubeConfig;
  /** The speaker's namespace, where its ServiceL2Status objects live. */
  readonly namespace: string;
  readonly nodeName: string;
  /** The speaker Pod (downward API): objects get an owner reference to it. */
  readonly pod?: { readonly name: string; readonly uid: string };
  readonly logger: winston.Logger;
  /** Per-request timeout (default 5 s); the breaker's probe waits longer (default 20 s). */
  readonly requestTimeoutMs?: number;
  readonly probeTimeoutMs?: number;
  readonly clock?: Clock;
  readonly random?: () => number;
}

export function startStatusPublisher(options: StartStatusPublisherOptions): StatusPublisher {
  const { kubeConfig, namespace, logger, requestTimeoutMs, probeTimeoutMs, clock, random, ...rest } = options;
  const api = kubeStatusApi({ kubeConfig, namespace, requestTimeoutMs, probeTimeoutMs });
  return createStatusPublisher(rest, { api, clock: clock ?? systemClock, logger, random });
}

export { kubeStatusApi, type KubeStatusApiOptions } from './kube-api.ts';
export type { StatusDesired, StatusPublisher, StatusStats, StatusTunables } from './index.ts';

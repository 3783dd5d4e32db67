/** The status publisher on a real API server: the StatusApi over src/kubehttp, with the system clock. */
import type winston from 'winston';
import type { KubeHttp } from '../kubehttp/index.ts';
import { systemClock } from './clock.ts';
import { kubeStatusApi } from './kube-api.ts';
import { createStatusPublisher, type StatusPublisher } from './publisher.ts';
import type { StatusTunables } from './options.ts';
import type { Clock } from './types.ts';

export interface StartStatusPublisherOptions extends StatusTunables {
  /** The process's API client (its connection pool is shared with the informers). */
  readonly http: KubeHttp;
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
  const { http, namespace, logger, requestTimeoutMs, probeTimeoutMs, clock, random, ...rest } = options;
  const api = kubeStatusApi({ http, namespace, requestTimeoutMs, probeTimeoutMs });
  return createStatusPublisher(rest, { api, clock: clock ?? systemClock, logger, random });
}

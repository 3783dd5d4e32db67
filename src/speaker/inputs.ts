/**
 * What the speaker plans from, whatever the mode: the model, the members, the interfaces to leave alone,
 * and what to do after each plan. Standalone mode is built here; Kubernetes mode in kubernetes.ts.
 */
import { loadConfigFile, watchConfig, type Model } from '../config/index.ts';
import type { createMetrics, StatusStatsLike } from '../metrics/index.ts';
import { memberlistCluster, soloCluster, type ClusterView } from './cluster.ts';
import type { SpeakerOptions } from './options.ts';
import type { Plan } from './plan.ts';
import type winston from 'winston';

/** One applied plan, for status writers. */
export interface AppliedPlan {
  readonly result: Plan;
  /** Per owned service ("namespace/name"), the interfaces answering for it. */
  readonly interfaces: ReadonlyMap<string, readonly string[]>;
  readonly liveMembers: readonly string[];
}

export interface SpeakerInputs {
  model(): Model;
  onModel(listener: () => void): void;
  readonly cluster: ClusterView;
  /** Settles when the first model is in (Kubernetes: every informer listed once). */
  readonly ready: Promise<void>;
  /** An interface the speaker must never answer on (MetalLB's excludel2). */
  excludesInterface(name: string): boolean;
  afterApply(applied: AppliedPlan): void;
  /** The ServiceL2Status writer's counters (Kubernetes mode), for /metrics. */
  statusStats(): StatusStatsLike | undefined;
  /** For /status and logs. */
  describe(): Record<string, unknown>;
  close(): Promise<void>;
}

/** What this node asks of the others (node meta): auto and ring both mean ring while all agree. */
export function ownElection(options: SpeakerOptions): 'ring' | 'metallb' {
  return options.election === 'metallb' ? 'metallb' : 'ring';
}

export async function standaloneInputs(
  file: string,
  options: SpeakerOptions,
  logger: winston.Logger,
  metrics: ReturnType<typeof createMetrics>,
): Promise<SpeakerInputs> {
  let model = loadConfigFile(file);
  const listeners: (() => void)[] = [];
  const cluster = options.memberlist
    ? await memberlistCluster(
        options.nodeName,
        options.memberlist,
        ownElection(options),
        logger.child({ component: 'memberlist' }),
      )
    : soloCluster(options.nodeName, ownElection(options));
  const watcher = watchConfig(file, {
    onChange: (next) => {
      logger.info('configuration reloaded', { file });
      metrics.configReloadsTotal.inc({ result: 'ok' });
      model = next;
      for (const listener of listeners) listener();
    },
    onError: (err) => {
      logger.error('configuration rejected, keeping the last good one', err);
      metrics.configReloadsTotal.inc({ result: 'error' });
    },
  });
  return {
    model: () => model,
    onModel: (listener) => void listeners.push(listener),
    cluster,
    ready: Promise.resolve(),
    excludesInterface: () => false,
    afterApply: () => undefined,
    statusStats: () => undefined,
    describe: () => ({ config: file }),
    close: async () => {
      watcher.close();
      await cluster.leave();
    },
  };
}

/** Per system and event: the outage distributions of the failover bench, from the probe's per-trial results. */
import type { ProbeResult } from './failover-rig.ts';
import { summarize, type Summary } from './stats.ts';

export type EventName = 'link-cut' | 'sigterm' | 'sigkill';

export interface Trial {
  /** The node that owned the VIP (l2speaker) or was the master (keepalived) when the event hit it. */
  owner: string;
  /** The client's neighbour entry for the VIP was flushed under 1 s before the event. */
  freshNeighbour: boolean;
  probe: ProbeResult;
}

export interface Run {
  system: 'l2speaker' | 'keepalived';
  event: EventName;
  trials: Trial[];
}

export interface RunSummary {
  system: Run['system'];
  event: EventName;
  /** UDP outage (ms) over all trials; a trial without answers within the timeout counts as the timeout. */
  udp: Summary;
  udpFreshNeighbour: Summary;
  udpOldNeighbour: Summary;
  tcp: Summary;
  /** Trials where UDP or TCP did not answer again before the timeout. */
  timeouts: number;
  /** Trials with more than one UDP gap over 10 ms (answers stopped more than once: a VIP bouncing). */
  bounced: number;
  udpMs: number[];
  raw: Trial[];
}

export function summarizeRuns(runs: readonly Run[], timeoutMs: number): RunSummary[] {
  return runs.map((run) => {
    const udp = (t: Trial): number => t.probe.udpOutageMs ?? timeoutMs;
    const udpMs = run.trials.map(udp);
    return {
      system: run.system,
      event: run.event,
      udp: summarize(udpMs),
      udpFreshNeighbour: summarize(run.trials.filter((t) => t.freshNeighbour).map(udp)),
      udpOldNeighbour: summarize(run.trials.filter((t) => !t.freshNeighbour).map(udp)),
      tcp: summarize(run.trials.map((t) => t.probe.tcpOutageMs ?? timeoutMs)),
      timeouts: run.trials.filter((t) => t.probe.udpOutageMs === null || t.probe.tcpOutageMs === null).length,
      bounced: run.trials.filter((t) => t.probe.udpGapsOver > 1).length,
      udpMs,
      raw: run.trials,
    };
  });
}

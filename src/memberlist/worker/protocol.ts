/** Plain data crossing between the main thread and the membership runtime (structured clone: no Buffers). */
import type { MemberlistStats, MemberState } from '../swim/index.ts';
import type { TransportStats } from '../net/index.ts';
import type { PriorityOutcome, ThreadPriority } from './priority.ts';

/** 'process': a child process of its own (default); 'worker': a worker thread; 'in-process': tests. */
export type Isolation = 'process' | 'worker' | 'in-process';

/** One member as the main thread sees it. */
export interface MemberSnapshot {
  readonly name: string;
  /** IP address text (a.b.c.d, or IPv6). */
  readonly addr: string;
  readonly port: number;
  /** Node meta, base64 ('' for none: a MetalLB or other Go member). */
  readonly meta: string;
  readonly state: MemberState;
}

export interface MembershipEvent {
  readonly type: 'join' | 'leave' | 'update';
  readonly member: MemberSnapshot;
  /** Date.now() in the runtime when the state machine emitted it. */
  readonly at: number;
}

export interface MembershipStats {
  readonly transport: TransportStats;
  readonly memberlist: MemberlistStats;
  /** Lifeguard health score: 0 is healthy. */
  readonly healthScore: number;
  /** The membership thread's scheduling priority, as requested and as applied. */
  readonly threadPriority: PriorityOutcome;
}

/** Start options as they cross the thread boundary (Buffers arrive as Uint8Arrays). */
export interface RuntimeOptions {
  readonly name: string;
  readonly bindAddr: string;
  readonly bindPort: number;
  readonly advertiseAddr?: string;
  readonly seeds: readonly string[];
  readonly keys: readonly Uint8Array[];
  readonly label?: string;
  readonly meta: Uint8Array;
  readonly profile: 'fast' | 'lan';
  readonly joinTimeoutMs: number;
  readonly compress: boolean;
  readonly threadPriority: ThreadPriority;
  /** Where the runtime runs: its priority then covers the whole process or only its thread. */
  readonly isolation: Isolation;
  /** Forward the transport's debug log lines. */
  readonly debug: boolean;
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
}

export type Request =
  | { readonly kind: 'start'; readonly options: RuntimeOptions }
  | { readonly kind: 'join'; readonly id: number; readonly seeds: readonly string[] }
  | { readonly kind: 'leave'; readonly id: number; readonly timeoutMs: number }
  | { readonly kind: 'stop'; readonly id: number }
  | { readonly kind: 'stats'; readonly id: number };

export type Report =
  | {
      readonly kind: 'started';
      readonly port: number;
      readonly members: MemberSnapshot[];
      /** process.pid of the runtime (the child process when isolated in one). */
      readonly pid: number;
    }
  | { readonly kind: 'failed'; readonly error: SerializedError }
  | { readonly kind: 'event'; readonly event: MembershipEvent; readonly members: MemberSnapshot[] }
  | { readonly kind: 'synced'; readonly synced: boolean }
  | { readonly kind: 'log'; readonly message: string; readonly fields: Record<string, unknown> }
  | {
      readonly kind: 'reply';
      readonly id: number;
      readonly value?: unknown;
      readonly error?: SerializedError;
    };

export const serializeError = (err: unknown): SerializedError =>
  err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };

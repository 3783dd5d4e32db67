/**
 * Command-line flags and environment, parsed into one typed, documented options object.
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';

export interface SpeakerOptions {
  /** Standalone mode: YAML file of IPAddressPool, L2Advertisement and Service objects; undefined: Kubernetes mode. */
  readonly config: string | undefined;
  /** Kubernetes mode (no --config): where to read the cluster; undefined in standalone mode. */
  readonly kubernetes: KubernetesFlags | undefined;
  /** Serve only Services of this spec.loadBalancerClass (--lb-class); undefined: those naming no class. */
  readonly loadBalancerClass: string | undefined;
  /** This node's name (as Kubernetes knows it). */
  readonly nodeName: string;
  /** Labels of this node, matched against L2Advertisement nodeSelectors. */
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly metricsBindAddress: string;
  readonly metricsPort: number;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Owner selection: 'auto' (ring while every member is an l2speaker asking for it), 'ring' or 'metallb'. */
  readonly election: 'auto' | 'ring' | 'metallb';
  /** Let nodes labelled node.kubernetes.io/exclude-from-external-load-balancers announce. */
  readonly ignoreExcludeLb: boolean;
  /** Gratuitous ARP / unsolicited NA frames per second at most, over a burst of gains (default 2000). */
  readonly announceRate: number;
  /** memberlist; undefined bind address = no memberlist (this node is the only member). */
  readonly memberlist: MemberlistFlags | undefined;
}

export interface KubernetesFlags {
  /** The speaker's namespace (pools, advertisements, Secret, pods); undefined: the service account's. */
  readonly namespace: string | undefined;
  /** This speaker's Pod, the owner of its ServiceL2Status objects. */
  readonly podName: string | undefined;
  /** A kubeconfig file; undefined: $KUBECONFIG, else in-cluster. */
  readonly kubeconfig: string | undefined;
}

export interface MemberlistFlags {
  readonly bindAddr: string;
  readonly bindPort: number;
  /** Seeds to join, 'host:port'. */
  readonly peers: readonly string[];
  /** Kubernetes mode: label selector of the speaker pods, whose IPs are joined (--ml-labels). */
  readonly labels: string | undefined;
  /** Kubernetes mode: namespace of the speaker pods (--ml-namespace, older MetalLB); default --namespace. */
  readonly namespace: string | undefined;
  /** Directory holding `secretkey` (the memberlist Secret); undefined = plaintext gossip. */
  readonly secretKeyPath: string | undefined;
  readonly keyDerivation: 'metallb' | 'sha256';
  readonly joinTimeoutMs: number;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly flag: string | undefined;
  constructor(message: string, flag?: string) {
    super(message);
    this.flag = flag;
  }
}

export const USAGE = `Usage: l2speaker --node-name NAME [options]                 (Kubernetes mode)
       l2speaker --config FILE --node-name NAME [options]   (standalone mode)

Answers ARP and NDP for the LoadBalancer IPs this node owns.

Options:
  --config FILE                 standalone mode: YAML with IPAddressPool, L2Advertisement and
                                Service objects (reloaded when it changes); without it the speaker
                                reads the cluster (Kubernetes mode)
  --node-name NAME              this node's name (env METALLB_NODE_NAME)
  --lb-class CLASS              serve only Services whose spec.loadBalancerClass is CLASS (default:
                                only those naming no class)
  --node-labels K=V,...         this node's labels, for L2Advertisement nodeSelectors
  --metrics-bind-address ADDR   address of the HTTP endpoints (default 0.0.0.0)
  --metrics-port PORT           port of /metrics, /livez, /readyz, /status (default 7472)
  --log-level LEVEL             error, warn, info or debug (default info)
  --election MODE               auto (default), ring or metallb: auto uses consistent hashing while
                                every member is an l2speaker, MetalLB's rule once a MetalLB speaker
                                (or an l2speaker asking for it) is a member
  --ignore-exclude-lb           let nodes labelled node.kubernetes.io/exclude-from-external-load-balancers
                                announce
  --announce-rate N             announcement frames per second at most (default 2000): when many IPs
                                move here at once, every IP's first announcement goes out before any
                                repeat, paced so switches' control planes keep up

Kubernetes mode:
  --namespace NS                the speaker's namespace: IPAddressPools, L2Advertisements, the
                                memberlist Secret, speaker pods, ServiceL2Statuses (env
                                METALLB_NAMESPACE; default: the service account's namespace)
  --pod-name NAME               this speaker's Pod, owner of its ServiceL2Statuses (env METALLB_POD_NAME)
  --kubeconfig FILE             kubeconfig to use (default: $KUBECONFIG, else in-cluster)

Membership (HashiCorp memberlist, wire-compatible with MetalLB's speakers):
  --ml-bindaddr ADDR            bind memberlist here; without it this node is the only member in
                                standalone mode and every Node a candidate in Kubernetes mode
                                (env METALLB_ML_BIND_ADDR)
  --ml-labels SELECTOR          Kubernetes mode: label selector of the speaker pods to join, e.g.
                                app=metallb,component=speaker; with neither it nor --ml-peers,
                                memberlist is off (env METALLB_ML_LABELS)
  --ml-namespace NS             namespace of the speaker pods (env METALLB_ML_NAMESPACE, as older
                                MetalLB releases; default: --namespace)
  --ml-bindport PORT            UDP and TCP port (default 7946; env METALLB_ML_BIND_PORT)
  --ml-peers HOST:PORT,...      seeds to join (standalone mode)
  --ml-secret-key-path DIR      read DIR/secretkey, the memberlist Secret; gossip is then encrypted
                                and plaintext refused (env METALLB_ML_SECRET_KEY_PATH); Kubernetes
                                mode without it reads the Secret "memberlist" (key secretkey)
  --ml-key-derivation KIND      metallb (default: as MetalLB derives its key) or sha256
  --ml-join-timeout-ms MS       announce nothing until synced with a seed or this passed (default 10000)
  -h, --help                    show this help
`;

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

function parseInteger(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`${flag}: "${value}" is not an integer from ${min} to ${max}`, flag);
  }
  return number;
}

function parseMemberlist(
  values: Record<string, string | boolean | undefined>,
  env: Readonly<Record<string, string | undefined>>,
  kubernetesMode: boolean,
): MemberlistFlags | undefined {
  const text = (flag: string, envName?: string): string | undefined => {
    const value = values[flag];
    return typeof value === 'string' ? value : envName === undefined ? undefined : env[envName];
  };
  const bindAddr = text('ml-bindaddr', 'METALLB_ML_BIND_ADDR');
  if (bindAddr === undefined || bindAddr === '') return undefined;
  if (isIP(bindAddr) === 0)
    throw new UsageError(`--ml-bindaddr: "${bindAddr}" is not an IP address`, '--ml-bindaddr');
  const derivation = text('ml-key-derivation') ?? 'metallb';
  if (derivation !== 'metallb' && derivation !== 'sha256') {
    throw new UsageError(
      `--ml-key-derivation: "${derivation}" is not metallb or sha256`,
      '--ml-key-derivation',
    );
  }
  const peers = (text('ml-peers') ?? '').split(',').filter((peer) => peer !== '');
  const labels = text('ml-labels', 'METALLB_ML_LABELS') || undefined;
  // As MetalLB: in a cluster, memberlist needs the speaker pods' labels to find its peers.
  if (kubernetesMode && labels === undefined && peers.length === 0) return undefined;
  for (const peer of peers) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/.test(peer)) {
      throw new UsageError(`--ml-peers: "${peer}" is not HOST:PORT`, '--ml-peers');
    }
  }
  return {
    bindAddr,
    bindPort: parseInteger('--ml-bindport', text('ml-bindport', 'METALLB_ML_BIND_PORT') ?? '7946', 0, 65535),
    peers,
    labels,
    namespace: text('ml-namespace', 'METALLB_ML_NAMESPACE') || undefined,
    secretKeyPath: text('ml-secret-key-path', 'METALLB_ML_SECRET_KEY_PATH') || undefined,
    keyDerivation: derivation,
    joinTimeoutMs: parseInteger('--ml-join-timeout-ms', text('ml-join-timeout-ms') ?? '10000', 0, 600_000),
  };
}

function parseLabels(value: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of value.split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--node-labels: "${pair}" is not KEY=VALUE`, '--node-labels');
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

function parseElection(value: string): SpeakerOptions['election'] {
  if (value === 'auto' || value === 'ring' || value === 'metallb') return value;
  throw new UsageError(`--election: "${value}" is not auto, ring or metallb`, '--election');
}

function parseLogLevel(value: string): SpeakerOptions['logLevel'] {
  const level = LOG_LEVELS.find((l) => l === value);
  if (!level)
    throw new UsageError(`--log-level: "${value}" is not one of ${LOG_LEVELS.join(', ')}`, '--log-level');
  return level;
}

/** Parses argv (without node and script); returns undefined when help was asked for. */
export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SpeakerOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        'node-name': { type: 'string' },
        'node-labels': { type: 'string', default: '' },
        'metrics-bind-address': { type: 'string', default: '0.0.0.0' },
        'metrics-port': { type: 'string', default: '7472' },
        'log-level': { type: 'string', default: 'info' },
        'ml-bindaddr': { type: 'string' },
        'ml-bindport': { type: 'string' },
        'ml-peers': { type: 'string' },
        'ml-labels': { type: 'string' },
        'ml-namespace': { type: 'string' },
        namespace: { type: 'string' },
        'pod-name': { type: 'string' },
        kubeconfig: { type: 'string' },
        'lb-class': { type: 'string' },
        'ml-secret-key-path': { type: 'string' },
        'ml-key-derivation': { type: 'string' },
        'ml-join-timeout-ms': { type: 'string' },
        election: { type: 'string', default: 'auto' },
        'ignore-exclude-lb': { type: 'boolean', default: false },
        'announce-rate': { type: 'string', default: '2000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values } = parsed;
  if (values.help) return undefined;
  const nodeName = values['node-name'] ?? env.METALLB_NODE_NAME;
  if (!nodeName) throw new UsageError('--node-name (or METALLB_NODE_NAME) is required', '--node-name');
  if (values.config === '') throw new UsageError('--config: a file name is required', '--config');
  const kubernetesMode = values.config === undefined;
  return {
    config: values.config,
    kubernetes: kubernetesMode
      ? {
          namespace: values.namespace || env.METALLB_NAMESPACE || undefined,
          podName: values['pod-name'] || env.METALLB_POD_NAME || undefined,
          kubeconfig: values.kubeconfig || undefined,
        }
      : undefined,
    loadBalancerClass: values['lb-class'] || undefined,
    nodeName,
    nodeLabels: parseLabels(values['node-labels']),
    metricsBindAddress: values['metrics-bind-address'],
    metricsPort: parseInteger('--metrics-port', values['metrics-port'], 0, 65535),
    logLevel: parseLogLevel(values['log-level']),
    election: parseElection(values.election),
    ignoreExcludeLb: values['ignore-exclude-lb'],
    announceRate: parseInteger('--announce-rate', values['announce-rate'], 1, 1_000_000),
    memberlist: parseMemberlist(values, env, kubernetesMode),
  };
}

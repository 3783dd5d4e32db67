/**
 * Command-line flags and environment, parsed into one typed, documented options object.
 */
import { parseArgs } from 'node:util';

export interface SpeakerOptions {
  /** Standalone mode: YAML file of IPAddressPool, L2Advertisement and Service objects. */
  readonly config: string;
  /** This node's name (as Kubernetes knows it). */
  readonly nodeName: string;
  /** Labels of this node, matched against L2Advertisement nodeSelectors. */
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly metricsBindAddress: string;
  readonly metricsPort: number;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly flag: string | undefined;
  constructor(message: string, flag?: string) {
    super(message);
    this.flag = flag;
  }
}

export const USAGE = `Usage: l2speaker --config FILE --node-name NAME [options]

Answers ARP and NDP for the LoadBalancer IPs this node owns.

Options:
  --config FILE                 standalone mode: YAML with IPAddressPool, L2Advertisement and
                                Service objects (reloaded when it changes)
  --node-name NAME              this node's name (env METALLB_NODE_NAME)
  --node-labels K=V,...         this node's labels, for L2Advertisement nodeSelectors
  --metrics-bind-address ADDR   address of the HTTP endpoints (default 0.0.0.0)
  --metrics-port PORT           port of /metrics, /livez, /readyz, /status (default 7472)
  --log-level LEVEL             error, warn, info or debug (default info)
  -h, --help                    show this help
`;

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--metrics-port: "${value}" is not a port number (0-65535)`, '--metrics-port');
  }
  return port;
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
  if (!values.config) throw new UsageError('--config is required', '--config');
  return {
    config: values.config,
    nodeName,
    nodeLabels: parseLabels(values['node-labels']),
    metricsBindAddress: values['metrics-bind-address'],
    metricsPort: parsePort(values['metrics-port']),
    logLevel: parseLogLevel(values['log-level']),
  };
}

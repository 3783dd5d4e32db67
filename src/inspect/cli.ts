/**
 * `l2speaker status` and `l2speaker explain`: flags in, text out. The model for explain comes from a
 * standalone file or the cluster; live members and the election mode from a speaker's /status.
 */
import { parseArgs } from 'node:util';
import { loadConfigFile, type Model } from '../config/index.ts';
import type { ElectionMode } from '../election/index.ts';
import { explain, type ExplainMember } from './explain.ts';
import { withKubeHttp } from '../kubehttp/index.ts';
import { renderExplanation, renderStatus } from './render.ts';
import { fetchClusterRows, fetchSpeakerStatus, rowsFromSpeakers, type SpeakerStatus } from './sources.ts';

export const INSPECT_USAGE = `Usage:
  l2speaker status (--speaker URL ... | --kubeconfig FILE [--namespace NS]) [--json]
      services, IPs, owner node and interfaces: from speakers' /status (repeat --speaker for each
      node) or from the ServiceL2Status objects in the speakers' namespace (default metallb-system)
  l2speaker explain NAMESPACE/SERVICE (--config FILE | --kubeconfig FILE) [--speaker URL] [options]
      for every node: may it announce the service, and why not
      --speaker URL          live members and election mode from this speaker's /status (without it
                             every known node is taken as live)
      --election MODE        auto (default: the speaker's mode, else ring), ring or metallb
      --ignore-exclude-lb    as the speaker's flag
      --lb-class CLASS       the load balancer class the speakers serve
      --namespace NS         the speakers' namespace (IPAddressPools, L2Advertisements; default
                             metallb-system)
      --json                 the explanation as JSON
`;

/** Bad command line for a subcommand; exit code 2. */
export class InspectUsageError extends Error {
  override readonly name = 'InspectUsageError';
}

/** What a command prints and its exit code. */
export interface CommandResult {
  readonly output: string;
  readonly code: number;
}

/** Reads the cluster's model (src/k8s readClusterModel), pools and advertisements from `namespace`. */
export type ClusterModelReader = (kubeconfig: string, namespace: string) => Promise<Model>;

function parse(argv: readonly string[], positionals: number) {
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: {
        speaker: { type: 'string', multiple: true, default: [] as string[] },
        kubeconfig: { type: 'string' },
        config: { type: 'string' },
        election: { type: 'string', default: 'auto' },
        'ignore-exclude-lb': { type: 'boolean', default: false },
        'lb-class': { type: 'string' },
        namespace: { type: 'string', default: 'metallb-system' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    if (parsed.positionals.length !== positionals)
      throw new InspectUsageError(`expected ${positionals} argument(s), got ${parsed.positionals.length}`);
    return parsed;
  } catch (err) {
    if (err instanceof InspectUsageError) throw err;
    throw new InspectUsageError((err as Error).message);
  }
}

export async function statusCommand(argv: readonly string[]): Promise<CommandResult> {
  const { values } = parse(argv, 0);
  if (values.speaker.length === 0 && values.kubeconfig === undefined)
    throw new InspectUsageError('status needs --speaker URL or --kubeconfig FILE');
  const rows =
    values.kubeconfig === undefined
      ? rowsFromSpeakers(await Promise.all(values.speaker.map(fetchSpeakerStatus)))
      : await withKubeHttp(values.kubeconfig, (http) => fetchClusterRows(http, values.namespace));
  return { output: values.json ? `${JSON.stringify(rows, null, 2)}\n` : renderStatus(rows), code: 0 };
}

function electionMode(requested: string, speaker: SpeakerStatus | undefined): ElectionMode {
  if (requested === 'ring' || requested === 'metallb') return requested;
  if (requested !== 'auto')
    throw new InspectUsageError(`--election: "${requested}" is not auto, ring or metallb`);
  return speaker?.election ?? 'ring';
}

export async function explainCommand(
  argv: readonly string[],
  loadClusterModelReader: () => Promise<ClusterModelReader>,
): Promise<CommandResult> {
  const { values, positionals } = parse(argv, 1);
  const service = positionals[0] ?? '';
  if (!/^[^/\s]+\/[^/\s]+$/.test(service))
    throw new InspectUsageError(`"${service}" is not NAMESPACE/SERVICE`);
  const lbClass = values['lb-class'];
  let model: Model;
  if (values.config !== undefined) model = loadConfigFile(values.config);
  else if (values.kubeconfig === undefined)
    throw new InspectUsageError('explain needs --config FILE or --kubeconfig FILE');
  else {
    const readClusterModel = await loadClusterModelReader();
    model = await readClusterModel(values.kubeconfig, values.namespace);
  }

  const speakers = await Promise.all(values.speaker.map(fetchSpeakerStatus));
  const [first] = speakers;
  const members: readonly ExplainMember[] =
    first?.members ?? model.nodes.map((node) => ({ name: node.metadata.name, state: 'alive' }));
  // What each speaker announces the service on: an owner listing no interface lacks the named ones.
  const [namespace, name] = service.split('/');
  const interfaces = new Map(
    speakers.flatMap((s) =>
      s.services
        .filter((svc) => svc.namespace === namespace && svc.name === name)
        .map((svc) => [s.node, svc.interfaces] as const),
    ),
  );
  const explanation = explain(model, service, members, {
    mode: electionMode(values.election, first),
    ignoreExcludeLb: values['ignore-exclude-lb'],
    ...(lbClass === undefined ? {} : { loadBalancerClass: lbClass }),
    interfaces,
  });
  const note = first === undefined ? 'No --speaker: every known node is taken as a live member.\n' : '';
  const output = values.json
    ? `${JSON.stringify(explanation, null, 2)}\n`
    : note + renderExplanation(explanation);
  return { output, code: 0 };
}

/**
 * Inspection for operators: `l2speaker status` (who announces what, on which interfaces) and
 * `l2speaker explain NAMESPACE/SERVICE` (for every node, may it announce the service and why not).
 * explain() is pure over (Model, members, options), with the plan's rules (src/config, src/election).
 *
 * @example
 * import { explain, renderExplanation, fetchSpeakerStatus } from '../inspect/index.ts';
 *
 * const speaker = await fetchSpeakerStatus('http://192.0.2.11:7472');
 * const explanation = explain(model, 'default/web', speaker.members, { mode: speaker.election ?? 'ring' });
 * process.stdout.write(renderExplanation(explanation));
 * // default/web (192.0.2.10), election ring: announced by node-a
 * // NODE    ELIGIBLE  WHY
 * // node-a  owner     -
 * // node-b  standby   lost-election: node-a is preferred (ring rank 2 of 2)
 * // node-c  no        excluded-label: labelled node.kubernetes.io/exclude-from-external-load-balancers
 */
export { explain, UnknownServiceError } from './explain.ts';
export type {
  Explanation,
  ExplainMember,
  ExplainOptions,
  NodeExplanation,
  Reason,
  ReasonCode,
} from './explain.ts';
export { renderExplanation, renderStatus, table, type StatusRow } from './render.ts';
export {
  fetchClusterRows,
  fetchSpeakerStatus,
  rowsFromCluster,
  rowsFromSpeakers,
  SpeakerStatusError,
} from './sources.ts';
export type { L2StatusObject, ServiceObject, SpeakerStatus } from './sources.ts';
export {
  explainCommand,
  INSPECT_USAGE,
  InspectUsageError,
  statusCommand,
  type ClusterModelReader,
  type CommandResult,
} from './cli.ts';

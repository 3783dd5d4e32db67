/** Plain-text tables for `l2speaker status` and `l2speaker explain` (pure). */
import type { Explanation } from './explain.ts';

/** One announced service as `status` shows it. */
export interface StatusRow {
  /** "namespace/name". */
  readonly service: string;
  readonly ips: readonly string[];
  /** The node announcing it; undefined when nobody does. */
  readonly node: string | undefined;
  readonly interfaces: readonly string[];
}

/** Columns padded to their widest cell, two spaces apart, no trailing spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

const orNone = (values: readonly string[]): string => (values.length === 0 ? '-' : values.join(','));

/** Services sorted by name; one row each. */
export function renderStatus(rows: readonly StatusRow[]): string {
  if (rows.length === 0) return 'No service is announced.\n';
  const sorted = [...rows].sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  return table(
    ['SERVICE', 'IPS', 'NODE', 'INTERFACES'],
    sorted.map((row) => [row.service, orNone(row.ips), row.node ?? '-', orNone(row.interfaces)]),
  );
}

/** A summary line, the service-wide problem if any, then one row per node. */
export function renderExplanation(explanation: Explanation): string {
  const { service, ips, mode, owner, serviceProblem, nodes } = explanation;
  const head = `${service} (${orNone(ips)}), election ${mode}: ${
    owner === undefined ? 'announced by no node' : `announced by ${owner}`
  }\n`;
  const problem = serviceProblem === undefined ? '' : `No node may announce it: ${serviceProblem}\n`;
  const rows = nodes.map((node) => [
    node.node,
    node.owner ? 'owner' : node.eligible ? 'standby' : 'no',
    node.reasons.map((reason) => `${reason.code}: ${reason.detail}`).join('; ') || '-',
  ]);
  return head + problem + '\n' + table(['NODE', 'ELIGIBLE', 'WHY'], rows);
}

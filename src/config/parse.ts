/** Multi-document YAML (or a `kind: List`) to a validated, frozen Model. */
import { Composer, Parser, parseAllDocuments, type YAMLError } from 'yaml';
import { numericRange, rangesOverlap } from './addresses.ts';
import type { NumericRange } from './addresses.ts';
import { ConfigError } from './errors.ts';
import type { DocumentRef } from './errors.ts';
import { arrayField, fail, isObject, optionalString } from './fields.ts';
import type { RawObject, ReadContext } from './fields.ts';
import { endpointSlice, node } from './cluster-state.ts';
import { ipAddressPool, isSupportedKind, l2Advertisement, service, supportedKinds } from './resources.ts';
import type { EndpointSlice, IPAddressPool, L2Advertisement, Model, Node, Service } from './types.ts';

/** One validated object of a kind the speaker reads. */
export type Resource = IPAddressPool | L2Advertisement | Service | Node | EndpointSlice;

const readers = {
  IPAddressPool: ipAddressPool,
  L2Advertisement: l2Advertisement,
  Service: service,
  Node: node,
  EndpointSlice: endpointSlice,
};

interface Located<T> {
  readonly ctx: ReadContext;
  readonly resource: T;
}

function kindAndVersion(ctx: ReadContext, obj: RawObject): { kind: string; apiVersion: string | undefined } {
  const kind = optionalString(ctx, obj, '', 'kind');
  if (kind === undefined || kind === '') fail(ctx, 'kind', 'is required');
  return { kind, apiVersion: optionalString(ctx, obj, '', 'apiVersion') };
}

function readResource(ctx: ReadContext, obj: RawObject): Located<Resource> {
  const { kind, apiVersion } = kindAndVersion(ctx, obj);
  if (!isSupportedKind(kind)) {
    fail(ctx, 'kind', `is not a supported kind (${Object.keys(supportedKinds).join(', ')} or List)`, {
      value: kind,
    });
  }
  const metadata = isObject(obj['metadata']) ? obj['metadata'] : {};
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : undefined;
  const named: ReadContext = {
    ...ctx,
    document: { ...ctx.document, kind, ...(name === undefined ? {} : { name }) },
  };
  if (apiVersion !== supportedKinds[kind]) {
    fail(named, 'apiVersion', `is not ${supportedKinds[kind]}`, { value: apiVersion ?? null });
  }
  return { ctx: named, resource: readers[kind](named, obj) };
}

/** One document's objects: the document itself, or the items of a `kind: List`. */
function readDocument(ctx: ReadContext, value: unknown): Located<Resource>[] {
  if (!isObject(value)) fail(ctx, '(document)', 'is not a mapping with apiVersion and kind');
  if (value['kind'] !== 'List') return [readResource(ctx, value)];
  const listCtx: ReadContext = { ...ctx, document: { ...ctx.document, kind: 'List' } };
  return arrayField(listCtx, value, '', 'items').map((item, i) => {
    const itemCtx: ReadContext = { ...ctx, document: { ...ctx.document, item: i + 1 } };
    if (!isObject(item) || item['kind'] === 'List')
      fail(itemCtx, '(item)', 'is not an object with apiVersion and kind');
    return readResource(itemCtx, item);
  });
}

function where(doc: DocumentRef): string {
  return `document ${doc.index}${doc.item === undefined ? '' : ` item ${doc.item}`}`;
}

function rejectDuplicates(found: readonly Located<Resource>[]): void {
  const seen = new Map<string, Located<Resource>>();
  for (const entry of found) {
    const { kind, metadata } = entry.resource;
    // Pools, advertisements and nodes are referenced by name alone; services and slices are namespaced.
    const key = `${kind}/${namespaced(entry.resource)}${metadata.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      fail(entry.ctx, 'metadata.name', `is already used by ${where(first.ctx.document)}`, {
        value: metadata.name,
      });
    }
    seen.set(key, entry);
  }
}

/** MetalLB refuses overlapping address ranges, within a pool or across pools; so do we. */
function rejectOverlaps(pools: readonly Located<IPAddressPool>[]): void {
  const claimed: { range: NumericRange; text: string; pool: string }[] = [];
  for (const { ctx, resource: pool } of pools) {
    pool.spec.addresses.forEach((address, i) => {
      const range = numericRange(address);
      const other = claimed.find((entry) => rangesOverlap(entry.range, range));
      if (other !== undefined) {
        const problem = `overlaps ${JSON.stringify(other.text)} of IPAddressPool ${JSON.stringify(other.pool)}`;
        fail(ctx, `spec.addresses[${i}]`, problem, { value: address.text });
      }
      claimed.push({ range, text: address.text, pool: pool.metadata.name });
    });
  }
}

/** The namespace prefix of an object's identity: empty for kinds referenced by name alone. */
function namespaced(resource: Resource): string {
  return resource.kind === 'Service' || resource.kind === 'EndpointSlice'
    ? `${resource.metadata.namespace}/`
    : '';
}

function byNamespaceAndName(a: Resource, b: Resource): number {
  const ka = `${'namespace' in a.metadata ? a.metadata.namespace : ''}/${a.metadata.name}`;
  const kb = `${'namespace' in b.metadata ? b.metadata.namespace : ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function ofKind<K extends Resource['kind']>(found: readonly Located<Resource>[], kind: K) {
  return found.filter(
    (entry): entry is Located<Extract<Resource, { kind: K }>> => entry.resource.kind === kind,
  );
}

function buildModel(found: readonly Located<Resource>[]): Model {
  rejectDuplicates(found);
  const pools = ofKind(found, 'IPAddressPool');
  rejectOverlaps(pools);
  return deepFreeze({
    pools: pools.map((entry) => entry.resource).sort(byNamespaceAndName),
    advertisements: ofKind(found, 'L2Advertisement')
      .map((entry) => entry.resource)
      .sort(byNamespaceAndName),
    services: ofKind(found, 'Service')
      .map((entry) => entry.resource)
      .sort(byNamespaceAndName),
    nodes: ofKind(found, 'Node')
      .map((entry) => entry.resource)
      .sort(byNamespaceAndName),
    endpointSlices: ofKind(found, 'EndpointSlice')
      .map((entry) => entry.resource)
      .sort(byNamespaceAndName),
  });
}

/**
 * Validates one object as the API server serves it (kind and apiVersion set; no List), for sources that
 * keep each object on its own: the result is deeply frozen, and a bad object fails alone.
 * @throws ConfigError naming the source, the field and the value at fault.
 */
export function resourceFromObject(value: unknown, source: string): Resource {
  const ctx: ReadContext = { source, document: { index: 1 } };
  if (!isObject(value)) fail(ctx, '(object)', 'is not a mapping with apiVersion and kind');
  return deepFreeze(readResource(ctx, value).resource);
}

/**
 * Why `pool` cannot join `others` (MetalLB refuses overlapping ranges), or undefined when it can: the
 * first of its ranges that overlaps a range of another pool.
 */
export function poolOverlap(pool: IPAddressPool, others: readonly IPAddressPool[]): string | undefined {
  for (const address of pool.spec.addresses) {
    const range = numericRange(address);
    for (const other of others) {
      const hit = other.spec.addresses.find((theirs) => rangesOverlap(numericRange(theirs), range));
      if (hit !== undefined)
        return `${JSON.stringify(address.text)} overlaps ${JSON.stringify(hit.text)} of IPAddressPool ${JSON.stringify(other.metadata.name)}`;
    }
  }
  return undefined;
}

/** Validates already-decoded objects (e.g. from the API server); document N is objects[N-1]. */
export function modelFromObjects(objects: readonly unknown[], source: string): Model {
  return buildModel(
    objects.flatMap((value, i) => readDocument({ source, document: { index: i + 1 } }, value)),
  );
}

/**
 * Parses a standalone configuration: YAML documents separated by `---`, each an IPAddressPool,
 * L2Advertisement, Service, Node, EndpointSlice or a `kind: List` of them. Empty documents are skipped.
 * @throws ConfigError naming the source, document, field and value at fault.
 */
export function parseConfig(text: string, source: string): Model {
  const found: Located<Resource>[] = [];
  // One document at a time, each dropped once read: parseAllDocuments would hold every document's
  // syntax tree at once (a 10,000-service file peaked the heap at 120 MB).
  let index = 0;
  const strings = new Map<string, string>();
  for (const doc of new Composer().compose(new Parser().parse(text))) {
    index += 1;
    const document = { index };
    const syntaxError = doc.errors[0];
    if (syntaxError !== undefined) {
      const pretty = located(text, index, syntaxError);
      const problem = `invalid YAML: ${pretty.message.split('\n')[0] ?? ''}`;
      throw new ConfigError({ source, document, problem, cause: pretty });
    }
    let value: unknown;
    try {
      value = detached(doc.toJS(), strings);
    } catch (err) {
      throw new ConfigError({ source, document, problem: `invalid YAML: ${String(err)}`, cause: err });
    }
    if (value !== null && value !== undefined) found.push(...readDocument({ source, document }, value));
  }
  return buildModel(found);
}

/**
 * The value with each string replaced by one copy per content, in place (toJS made it for us alone). A
 * YAML scalar is a slice of the file's text (V8 slices substrings of 13 characters or more), so one kept
 * in the model would keep the whole text alive (1.7 MB at 10,000 services); and 10,000 services then
 * share one 'default' and one 'LoadBalancer'.
 */
function detached(value: unknown, strings: Map<string, string>): unknown {
  if (typeof value === 'string') {
    let copy = strings.get(value);
    if (copy === undefined) {
      copy = Buffer.from(value).toString();
      strings.set(copy, copy);
    }
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = value as Record<string, unknown>;
    for (const key of Object.keys(entries)) entries[key] = detached(entries[key], strings);
  }
  return value;
}

/** The error with its line and column (as parseAllDocuments words it): parsed again, as errors are rare. */
function located(text: string, index: number, error: YAMLError): YAMLError {
  return parseAllDocuments(text)[index - 1]?.errors[0] ?? error;
}

/** Typed configuration errors whose message names the file, the document, the field and the value. */

/** Where in a multi-document source an object sits. */
export interface DocumentRef {
  /** 1-based position of the YAML document in the file, as editors and humans count. */
  readonly index: number;
  /** 1-based position in the items of a `kind: List` document. */
  readonly item?: number;
  readonly kind?: string;
  readonly name?: string;
}

export interface ConfigErrorDetails {
  /** The file (or other source) the configuration came from. */
  readonly source: string;
  readonly document?: DocumentRef;
  /** JSON path of the offending field, e.g. 'spec.addresses[1]'. */
  readonly field?: string;
  /** The offending value; shown in the message when present. */
  readonly value?: unknown;
  /** What is wrong, phrased to follow the value (or the field when there is no value). */
  readonly problem: string;
  readonly cause?: unknown;
}

function describeDocument(doc: DocumentRef): string {
  const item = doc.item === undefined ? '' : ` item ${doc.item}`;
  const what =
    doc.kind === undefined
      ? ''
      : doc.name === undefined
        ? doc.kind
        : `${doc.kind} ${JSON.stringify(doc.name)}`;
  return `document ${doc.index}${item}${what === '' ? '' : ` (${what})`}`;
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

function composeMessage(details: ConfigErrorDetails, hasValue: boolean): string {
  const parts = [details.source];
  if (details.document !== undefined) parts.push(describeDocument(details.document));
  if (details.field !== undefined) parts.push(details.field);
  const problem = hasValue ? `${describeValue(details.value)} ${details.problem}` : details.problem;
  return `${parts.join(': ')}: ${problem}`;
}

/**
 * An invalid configuration, e.g.
 * `config.yaml: document 2 (IPAddressPool "pool-a"): spec.addresses[1]: "10.0.0.300/24" is not a CIDR or an IP range`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly source: string;
  readonly document: DocumentRef | undefined;
  readonly field: string | undefined;
  readonly value: unknown;
  readonly problem: string;

  constructor(details: ConfigErrorDetails) {
    const hasValue = 'value' in details;
    super(
      composeMessage(details, hasValue),
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.source = details.source;
    this.document = details.document;
    this.field = details.field;
    this.value = details.value;
    this.problem = details.problem;
  }
}

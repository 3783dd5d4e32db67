/**
 * The configuration model: MetalLB's IPAddressPool and L2Advertisement (metallb.io/v1beta1) and the
 * parts of core/v1 Service the speaker reads, validated and normalised (defaults filled in). Plain,
 * readonly, deeply frozen data: sources build it, everything else only reads it.
 */

export type IpFamily = 4 | 6;

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  /** Non-empty for In and NotIn, empty for Exists and DoesNotExist. */
  readonly values: readonly string[];
}

/** Kubernetes label selector: matchLabels and matchExpressions are ANDed; an empty selector matches all. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

export interface ObjectMeta {
  readonly name: string;
  /** 'default' when the document does not say. */
  readonly namespace: string;
  readonly labels: Labels;
}

/** One IPAddressPool address entry as an inclusive interval. */
export interface AddressRange {
  /** The entry as written, e.g. '192.0.2.0/28' or '192.0.2.10-192.0.2.20'. */
  readonly text: string;
  readonly family: IpFamily;
  /** Canonical text of the first and last address of the interval. */
  readonly first: string;
  readonly last: string;
}

export interface IPAddressPool {
  readonly kind: 'IPAddressPool';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly addresses: readonly AddressRange[];
    /** Controller settings (allocation), kept for completeness; the speaker does not use them. */
    readonly autoAssign: boolean;
    readonly avoidBuggyIPs: boolean;
  };
}

export interface PreferredNodeSelector {
  /** 1..100; weights of all matching preferences add up. */
  readonly weight: number;
  readonly preference: LabelSelector;
}

export interface L2Advertisement {
  readonly kind: 'L2Advertisement';
  readonly metadata: ObjectMeta;
  readonly spec: {
    /** Pools selected by name. With no ipAddressPoolSelectors either, every pool is selected. */
    readonly ipAddressPools: readonly string[];
    readonly ipAddressPoolSelectors: readonly LabelSelector[];
    /** A node is eligible when any selector matches; empty = every node. */
    readonly nodeSelectors: readonly LabelSelector[];
    /** A service is advertised when any selector matches its labels; empty = every service. */
    readonly serviceSelectors: readonly LabelSelector[];
    readonly preferredNodeSelectors: readonly PreferredNodeSelector[];
    /** Interfaces to announce on; empty = automatic selection. */
    readonly interfaces: readonly string[];
  };
}

export type ExternalTrafficPolicy = 'Cluster' | 'Local';

export interface Service {
  readonly kind: 'Service';
  readonly metadata: ObjectMeta & { readonly annotations: Labels };
  readonly spec: {
    /** Only 'LoadBalancer' services are announced; others are kept but skipped. */
    readonly type: string;
    readonly externalTrafficPolicy: ExternalTrafficPolicy;
    readonly loadBalancerClass: string | undefined;
  };
  readonly status: {
    /** Canonical IPs of status.loadBalancer.ingress[].ip, in their order, without duplicates. */
    readonly ingressIPs: readonly string[];
  };
}

export interface Model {
  /** Each list is sorted by namespace, then name. */
  readonly pools: readonly IPAddressPool[];
  readonly advertisements: readonly L2Advertisement[];
  readonly services: readonly Service[];
}

export interface NodeInfo {
  readonly name: string;
  readonly labels: Labels;
}

/** One service as this node would announce it (before election picks an owner). */
export interface AdvertisedService {
  readonly namespace: string;
  readonly name: string;
  /** Canonical IPs that lie in an advertised pool, in ingress order (the first one seeds the election). */
  readonly ips: readonly string[];
  /**
   * Union of the matching L2Advertisements' interfaces, sorted; undefined when one matching
   * advertisement names none (automatic selection, which includes every interface).
   */
  readonly interfaces: readonly string[] | undefined;
  /** Names of the pools the advertised IPs come from, sorted. */
  readonly pools: readonly string[];
}

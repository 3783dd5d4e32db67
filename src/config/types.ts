/**
 * The configuration model: MetalLB's IPAddressPool and L2Advertisement (metallb.io/v1beta1) and the
 * parts of core/v1 Service and Node and discovery.k8s.io/v1 EndpointSlice the speaker reads,
 * validated and normalised (defaults filled in). Plain, readonly, deeply frozen data: sources build
 * it, everything else only reads it.
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

/**
 * A core/v1 Service. Of its annotations only the IP-sharing key is kept (sharingKey): a cluster's
 * annotations (kubectl's last-applied-configuration among them) can be kilobytes per Service.
 */
export interface Service {
  readonly kind: 'Service';
  readonly metadata: ObjectMeta;
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
  /**
   * The `metallb.io/allow-shared-ip` annotation (or the older `metallb.universe.tf/allow-shared-ip`):
   * services with the same key may share IPs. Undefined when absent or empty.
   */
  readonly sharingKey: string | undefined;
}

/** A core/v1 Node: its labels and whether its network is down. Cluster-scoped: no namespace. */
export interface Node {
  readonly kind: 'Node';
  readonly metadata: { readonly name: string; readonly labels: Labels };
  readonly status: {
    /** A condition `{type: NetworkUnavailable, status: 'True'}` is present. */
    readonly networkUnavailable: boolean;
  };
}

/** One endpoint of an EndpointSlice, conditions defaulted as Kubernetes defines them. */
export interface Endpoint {
  /** The node the endpoint runs on; undefined when the slice does not say. */
  readonly nodeName: string | undefined;
  /** Absent in the document reads as true ("unknown state should be interpreted as ready"). */
  readonly ready: boolean;
  /** Absent reads as the value of ready. */
  readonly serving: boolean;
  /** Absent reads as false. Kept for fidelity; MetalLB's rule does not look at it. */
  readonly terminating: boolean;
}

/**
 * A discovery.k8s.io/v1 EndpointSlice, reduced to what eligibility reads: of its labels (Kubernetes
 * copies the Service's onto its slices) only the Service's name is kept, as serviceName.
 */
export interface EndpointSlice {
  readonly kind: 'EndpointSlice';
  readonly metadata: { readonly name: string; readonly namespace: string };
  /** The label `kubernetes.io/service-name`: the service in the slice's namespace it belongs to. */
  readonly serviceName: string;
  readonly endpoints: readonly Endpoint[];
}

export interface Model {
  /** Each list is sorted by namespace, then name (nodes by name). */
  readonly pools: readonly IPAddressPool[];
  readonly advertisements: readonly L2Advertisement[];
  readonly services: readonly Service[];
  readonly nodes: readonly Node[];
  readonly endpointSlices: readonly EndpointSlice[];
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

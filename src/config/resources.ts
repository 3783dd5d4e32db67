/** Validation of one object of each kind the speaker reads, into the model's normalised types. */
import { parseAddressRange, canonicalIp } from './addresses.ts';
import {
  arrayField,
  asObject,
  fail,
  fieldPath,
  labelSelector,
  labelSelectorList,
  objectField,
  optionalBoolean,
  optionalString,
  rejectUnknownKeys,
  requiredString,
  stringList,
  stringMap,
} from './fields.ts';
import type { RawObject, ReadContext } from './fields.ts';
import type { IPAddressPool, L2Advertisement, ObjectMeta, PreferredNodeSelector, Service } from './types.ts';

/** The kinds the speaker reads, with the apiVersion each must carry. */
export const supportedKinds = {
  IPAddressPool: 'metallb.io/v1beta1',
  L2Advertisement: 'metallb.io/v1beta1',
  Service: 'v1',
  Node: 'v1',
  EndpointSlice: 'discovery.k8s.io/v1',
} as const;

export type SupportedKind = keyof typeof supportedKinds;

export function objectMeta(ctx: ReadContext, obj: RawObject): ObjectMeta {
  const metadata = objectField(ctx, obj, '', 'metadata');
  return {
    name: requiredString(ctx, metadata, 'metadata', 'name'),
    namespace: optionalString(ctx, metadata, 'metadata', 'namespace') ?? 'default',
    labels: stringMap(ctx, metadata, 'metadata', 'labels'),
  };
}

/** IPAddressPool fields per the CRD; serviceAllocation is the controller's business and only checked for shape. */
const poolSpecFields = ['addresses', 'autoAssign', 'avoidBuggyIPs', 'serviceAllocation'];

export function ipAddressPool(ctx: ReadContext, obj: RawObject): IPAddressPool {
  const metadata = objectMeta(ctx, obj);
  const spec = objectField(ctx, obj, '', 'spec');
  rejectUnknownKeys(ctx, spec, 'spec', poolSpecFields);
  objectField(ctx, spec, 'spec', 'serviceAllocation');
  const addresses = stringList(ctx, spec, 'spec', 'addresses').map((text, i) => {
    const range = parseAddressRange(text);
    if (range === undefined)
      fail(ctx, `spec.addresses[${i}]`, 'is not a CIDR or an IP range', { value: text });
    return range;
  });
  if (addresses.length === 0) fail(ctx, 'spec.addresses', 'must list at least one CIDR or IP range');
  return {
    kind: 'IPAddressPool',
    metadata,
    spec: {
      addresses,
      autoAssign: optionalBoolean(ctx, spec, 'spec', 'autoAssign', true),
      avoidBuggyIPs: optionalBoolean(ctx, spec, 'spec', 'avoidBuggyIPs', false),
    },
  };
}

const l2SpecFields = [
  'ipAddressPools',
  'ipAddressPoolSelectors',
  'nodeSelectors',
  'serviceSelectors',
  'preferredNodeSelectors',
  'interfaces',
];

function preferredNodeSelectors(ctx: ReadContext, spec: RawObject): readonly PreferredNodeSelector[] {
  return arrayField(ctx, spec, 'spec', 'preferredNodeSelectors').map((item, i) => {
    const path = `spec.preferredNodeSelectors[${i}]`;
    const entry = asObject(ctx, item, path);
    rejectUnknownKeys(ctx, entry, path, ['weight', 'preference']);
    const weight = entry['weight'];
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > 100) {
      fail(ctx, fieldPath(path, 'weight'), 'is not an integer from 1 to 100', { value: weight });
    }
    return {
      weight,
      preference: labelSelector(ctx, entry['preference'] ?? {}, fieldPath(path, 'preference')),
    };
  });
}

export function l2Advertisement(ctx: ReadContext, obj: RawObject): L2Advertisement {
  const metadata = objectMeta(ctx, obj);
  const spec = objectField(ctx, obj, '', 'spec');
  rejectUnknownKeys(ctx, spec, 'spec', l2SpecFields);
  return {
    kind: 'L2Advertisement',
    metadata,
    spec: {
      ipAddressPools: stringList(ctx, spec, 'spec', 'ipAddressPools'),
      ipAddressPoolSelectors: labelSelectorList(ctx, spec, 'spec', 'ipAddressPoolSelectors'),
      nodeSelectors: labelSelectorList(ctx, spec, 'spec', 'nodeSelectors'),
      serviceSelectors: labelSelectorList(ctx, spec, 'spec', 'serviceSelectors'),
      preferredNodeSelectors: preferredNodeSelectors(ctx, spec),
      interfaces: stringList(ctx, spec, 'spec', 'interfaces'),
    },
  };
}

function ingressIPs(ctx: ReadContext, obj: RawObject): readonly string[] {
  const loadBalancer = objectField(ctx, objectField(ctx, obj, '', 'status'), 'status', 'loadBalancer');
  const ips: string[] = [];
  arrayField(ctx, loadBalancer, 'status.loadBalancer', 'ingress').forEach((item, i) => {
    const path = `status.loadBalancer.ingress[${i}]`;
    // An entry may carry only a hostname; it has nothing to announce.
    const ip = optionalString(ctx, asObject(ctx, item, path), path, 'ip');
    if (ip === undefined) return;
    const canonical = canonicalIp(ip);
    if (canonical === undefined) fail(ctx, fieldPath(path, 'ip'), 'is not an IP address', { value: ip });
    // The text as read when it is canonical already: the one parseIp writes is a rope of pieces.
    if (!ips.includes(canonical)) ips.push(canonical === ip ? ip : canonical);
  });
  // A copy holds exactly its elements; the array pushed to has room for 17.
  return ips.slice();
}

/** MetalLB's IP-sharing annotations, the current name first. */
const sharingAnnotations = ['metallb.io/allow-shared-ip', 'metallb.universe.tf/allow-shared-ip'];

/**
 * The Service types Kubernetes defines: a type read is replaced by its constant, so 10,000 Services share
 * one 'LoadBalancer' (JSON.parse gives each its own copy of a string that long).
 */
const serviceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

export function service(ctx: ReadContext, obj: RawObject): Service {
  const metadata = objectMeta(ctx, obj);
  // Every annotation is checked, only the sharing key is kept.
  const annotations = stringMap(ctx, objectField(ctx, obj, '', 'metadata'), 'metadata', 'annotations');
  // A Service has many fields the speaker does not read (ports, selector...): they are allowed.
  const spec = objectField(ctx, obj, '', 'spec');
  const policy = optionalString(ctx, spec, 'spec', 'externalTrafficPolicy') ?? 'Cluster';
  if (policy !== 'Cluster' && policy !== 'Local') {
    fail(ctx, 'spec.externalTrafficPolicy', 'is not Cluster or Local', { value: policy });
  }
  const type = optionalString(ctx, spec, 'spec', 'type') ?? 'ClusterIP';
  return {
    kind: 'Service',
    metadata,
    spec: {
      type: serviceTypes.find((known) => known === type) ?? type,
      externalTrafficPolicy: policy === 'Local' ? 'Local' : 'Cluster',
      loadBalancerClass: optionalString(ctx, spec, 'spec', 'loadBalancerClass'),
    },
    status: { ingressIPs: ingressIPs(ctx, obj) },
    sharingKey: sharingAnnotations
      .map((key) => annotations[key])
      .find((key) => key !== undefined && key !== ''),
  };
}

export function isSupportedKind(kind: string): kind is SupportedKind {
  return Object.hasOwn(supportedKinds, kind);
}

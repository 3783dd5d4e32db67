/**
 * Node and EndpointSlice: the cluster state that decides which members may announce a service
 * (labels, NetworkUnavailable, where the service's endpoints run). Kubernetes writes these objects,
 * so fields the speaker does not read are allowed; the ones it reads are checked.
 */
import {
  arrayField,
  asObject,
  fail,
  fieldPath,
  objectField,
  optionalBoolean,
  optionalString,
  rejectUnknownKeys,
  requiredString,
  stringMap,
} from './fields.ts';
import type { RawObject, ReadContext } from './fields.ts';
import { objectMeta } from './resources.ts';
import type { Endpoint, EndpointSlice, Node } from './types.ts';

/** The label linking an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

function networkUnavailable(ctx: ReadContext, obj: RawObject): boolean {
  const status = objectField(ctx, obj, '', 'status');
  let unavailable = false;
  arrayField(ctx, status, 'status', 'conditions').forEach((item, i) => {
    const path = `status.conditions[${i}]`;
    const condition = asObject(ctx, item, path);
    const type = requiredString(ctx, condition, path, 'type');
    const value = requiredString(ctx, condition, path, 'status');
    if (value !== 'True' && value !== 'False' && value !== 'Unknown')
      fail(ctx, fieldPath(path, 'status'), 'is not True, False or Unknown', { value });
    if (type === 'NetworkUnavailable' && value === 'True') unavailable = true;
  });
  return unavailable;
}

export function node(ctx: ReadContext, obj: RawObject): Node {
  const metadata = objectField(ctx, obj, '', 'metadata');
  return {
    kind: 'Node',
    metadata: {
      name: requiredString(ctx, metadata, 'metadata', 'name'),
      labels: stringMap(ctx, metadata, 'metadata', 'labels'),
    },
    status: { networkUnavailable: networkUnavailable(ctx, obj) },
  };
}

function endpoint(ctx: ReadContext, value: unknown, path: string): Endpoint {
  const obj = asObject(ctx, value, path);
  const conditionsPath = fieldPath(path, 'conditions');
  const conditions = objectField(ctx, obj, path, 'conditions');
  rejectUnknownKeys(ctx, conditions, conditionsPath, ['ready', 'serving', 'terminating']);
  const ready = optionalBoolean(ctx, conditions, conditionsPath, 'ready', true);
  return {
    nodeName: optionalString(ctx, obj, path, 'nodeName'),
    ready,
    serving: optionalBoolean(ctx, conditions, conditionsPath, 'serving', ready),
    terminating: optionalBoolean(ctx, conditions, conditionsPath, 'terminating', false),
  };
}

export function endpointSlice(ctx: ReadContext, obj: RawObject): EndpointSlice {
  const { name, namespace, labels } = objectMeta(ctx, obj);
  const serviceName = labels[SERVICE_NAME_LABEL];
  if (serviceName === undefined || serviceName === '')
    fail(ctx, `metadata.labels["${SERVICE_NAME_LABEL}"]`, 'is required (the Service this slice belongs to)');
  return {
    kind: 'EndpointSlice',
    metadata: { name, namespace },
    serviceName,
    endpoints: arrayField(ctx, obj, '', 'endpoints').map((item, i) => endpoint(ctx, item, `endpoints[${i}]`)),
  };
}

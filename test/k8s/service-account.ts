/**
 * Runs Kubernetes tests as the speaker does: applies deploy/ manifests to a test API server
 * (server-side apply) and hands out the l2speaker ServiceAccount's own token (TokenRequest API), as
 * a KubeAccess and as a kubeconfig file, so a test fails when the speaker needs a permission that
 * deploy/rbac.yaml does not grant.
 *
 * @example
 *   const server = await startApiServer();
 *   await installCrds(server.access);
 *   const speaker = await speakerAccess(server);
 *   await kubeExpect(speaker.access, [200], 'GET', '/api/v1/services');
 *   for (const check of SPEAKER_NEEDS) expect(await mayDo(speaker.access, check)).toBe(true);
 *   spawn(node24, ['bin/l2speaker.js', '--kubeconfig', speaker.kubeconfig, ...]);
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { kubeExpect, type KubeAccess, type KubeResponse } from './kube-request.ts';

export const deployDir = resolve(__dirname, '../../deploy');
export const SPEAKER_NAMESPACE = 'metallb-system';
export const SPEAKER_ACCOUNT = 'l2speaker';

/** A manifest document: only what addressing it needs is typed. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/** The plural resource name of each kind deploy/ holds, and whether it is namespaced. */
const RESOURCES: Readonly<Record<string, { plural: string; namespaced: boolean }>> = {
  Namespace: { plural: 'namespaces', namespaced: false },
  ServiceAccount: { plural: 'serviceaccounts', namespaced: true },
  ClusterRole: { plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { plural: 'clusterrolebindings', namespaced: false },
  Role: { plural: 'roles', namespaced: true },
  RoleBinding: { plural: 'rolebindings', namespaced: true },
  DaemonSet: { plural: 'daemonsets', namespaced: true },
  CustomResourceDefinition: { plural: 'customresourcedefinitions', namespaced: false },
};

export class UnknownKindError extends Error {
  readonly kind: string;
  constructor(kind: string) {
    super(`no resource path known for kind ${kind}; add it to RESOURCES`);
    this.name = 'UnknownKindError';
    this.kind = kind;
  }
}

/** Every document of a YAML file under deploy/ (e.g. 'rbac.yaml', 'crds/metallb.io_l2advertisements.yaml'). */
export async function readManifests(file: string): Promise<Manifest[]> {
  const text = await readFile(resolve(deployDir, file), 'utf8');
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => doc !== null);
}

/** The REST path of one object. */
export function objectPath(manifest: Manifest): string {
  const resource = RESOURCES[manifest.kind];
  if (resource === undefined) throw new UnknownKindError(manifest.kind);
  const group = manifest.apiVersion.includes('/')
    ? `/apis/${manifest.apiVersion}`
    : `/api/${manifest.apiVersion}`;
  const namespace = resource.namespaced ? `/namespaces/${manifest.metadata.namespace ?? 'default'}` : '';
  return `${group}${namespace}/${resource.plural}/${manifest.metadata.name}`;
}

/**
 * Server-side apply with strict field validation (an unknown or misspelt field is an error, HTTP
 * 400), for real or as a dry run. Resolves with the response; rejects on any other status than 200/201.
 */
export function applyManifest(
  access: KubeAccess,
  manifest: Manifest,
  opts: { dryRun?: boolean } = {},
): Promise<KubeResponse> {
  const query = `?fieldManager=l2speaker-tests&force=true&fieldValidation=Strict${opts.dryRun === true ? '&dryRun=All' : ''}`;
  return kubeExpect(
    access,
    [200, 201],
    'PATCH',
    objectPath(manifest) + query,
    manifest,
    'application/apply-patch+yaml',
  );
}

export interface SpeakerAccess {
  /** The ServiceAccount's token, through the admin access's socket when it has one. */
  readonly access: KubeAccess;
  /** A kubeconfig for `server` (the URL speakers in lab hosts reach) with the ServiceAccount's token. */
  readonly kubeconfig: string;
}

/**
 * Applies deploy/namespace.yaml, serviceaccount.yaml and rbac.yaml, requests a token for the
 * l2speaker ServiceAccount and writes a kubeconfig with it beside `adminKubeconfig`.
 */
export async function speakerAccess(
  server: { readonly access: KubeAccess; readonly url: string; readonly kubeconfig: string },
  expirationSeconds = 3600,
): Promise<SpeakerAccess> {
  for (const file of ['namespace.yaml', 'serviceaccount.yaml', 'rbac.yaml'])
    for (const manifest of await readManifests(file)) await applyManifest(server.access, manifest);
  const tokenPath = `/api/v1/namespaces/${SPEAKER_NAMESPACE}/serviceaccounts/${SPEAKER_ACCOUNT}/token`;
  const res = await kubeExpect(server.access, [201], 'POST', tokenPath, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds },
  });
  const token = (res.body as { status: { token: string } }).status.token;
  const kubeconfig = resolve(dirname(server.kubeconfig), 'l2speaker-serviceaccount.kubeconfig');
  await writeFile(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'test',
          cluster: {
            server: server.url,
            'certificate-authority-data': Buffer.from(server.access.ca).toString('base64'),
          },
        },
      ],
      users: [{ name: SPEAKER_ACCOUNT, user: { token } }],
      contexts: [
        {
          name: SPEAKER_ACCOUNT,
          context: { cluster: 'test', user: SPEAKER_ACCOUNT, namespace: SPEAKER_NAMESPACE },
        },
      ],
      'current-context': SPEAKER_ACCOUNT,
    }),
    { mode: 0o600 },
  );
  return { access: { ...server.access, token }, kubeconfig };
}

/** One SelfSubjectAccessReview question: may the token do `verb` on this resource? */
export interface AccessCheck {
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Asks the API server whether `access`'s token may do `check` (SelfSubjectAccessReview). */
export async function mayDo(access: KubeAccess, check: AccessCheck): Promise<boolean> {
  const res = await kubeExpect(
    access,
    [201],
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { group: '', ...check } },
    },
  );
  return (res.body as { status: { allowed: boolean } }).status.allowed;
}

const ns = SPEAKER_NAMESPACE;

/** Every request the speaker makes (deploy/rbac.yaml must allow each). */
export const SPEAKER_NEEDS: readonly AccessCheck[] = [
  ...['list', 'watch'].flatMap((verb) => [
    { verb, resource: 'services' },
    { verb, resource: 'nodes' },
    { verb, resource: 'endpointslices', group: 'discovery.k8s.io' },
    { verb, resource: 'pods', namespace: ns },
    { verb, resource: 'ipaddresspools', group: 'metallb.io', namespace: ns },
    { verb, resource: 'l2advertisements', group: 'metallb.io', namespace: ns },
    { verb, resource: 'secrets', namespace: ns, name: 'memberlist' },
    { verb, resource: 'configmaps', namespace: ns, name: 'metallb-excludel2' },
  ]),
  { verb: 'get', resource: 'pods', namespace: ns, name: 'l2speaker-abcde' },
  { verb: 'get', resource: 'secrets', namespace: ns, name: 'memberlist' },
  ...['create', 'delete', 'get', 'list', 'watch'].map((verb) => ({
    verb,
    resource: 'servicel2statuses',
    group: 'metallb.io',
    namespace: ns,
  })),
  ...['update', 'patch'].map((verb) => ({
    verb,
    resource: 'servicel2statuses',
    subresource: 'status',
    group: 'metallb.io',
    namespace: ns,
  })),
  ...['create', 'patch'].flatMap((verb) => [
    { verb, resource: 'events', namespace: 'shop' },
    { verb, resource: 'events', group: 'events.k8s.io', namespace: 'shop' },
  ]),
];

/** Requests it never needs (deploy/rbac.yaml must refuse each): least privilege. */
export const SPEAKER_MUST_NOT: readonly AccessCheck[] = [
  { verb: 'get', resource: 'secrets', namespace: ns, name: 'other' },
  { verb: 'list', resource: 'secrets', namespace: ns },
  { verb: 'list', resource: 'secrets' },
  { verb: 'get', resource: 'configmaps', namespace: ns, name: 'kube-root-ca.crt' },
  { verb: 'create', resource: 'services', namespace: 'shop' },
  { verb: 'patch', resource: 'services', namespace: 'shop', subresource: 'status' },
  { verb: 'patch', resource: 'nodes', name: 'node-a' },
  { verb: 'delete', resource: 'pods', namespace: ns, name: 'l2speaker-abcde' },
  { verb: 'create', resource: 'pods', namespace: ns },
  { verb: 'update', resource: 'servicel2statuses', group: 'metallb.io', namespace: ns },
  { verb: 'patch', resource: 'servicel2statuses', group: 'metallb.io', namespace: ns },
  { verb: 'create', resource: 'servicel2statuses', group: 'metallb.io', namespace: 'default' },
  { verb: 'list', resource: 'ipaddresspools', group: 'metallb.io' },
  { verb: 'create', resource: 'ipaddresspools', group: 'metallb.io', namespace: ns },
  { verb: 'delete', resource: 'events', namespace: 'shop' },
  { verb: 'create', resource: 'clusterrolebindings', group: 'rbac.authorization.k8s.io' },
];

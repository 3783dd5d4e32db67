/**
 * Installs MetalLB's CRDs, unchanged, into the test API server and waits until each is Established.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubeExpect, kubeRequest, readKubeconfig, type KubeAccess } from './kube-request.ts';

/** The repository's copies of MetalLB's CRDs (deploy/crds); METALLB_CRDS overrides it. */
export const defaultCrdDir = process.env['METALLB_CRDS'] ?? resolve(__dirname, '../../deploy/crds');

const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

export class CrdNotEstablishedError extends Error {
  readonly crd: string;
  readonly conditions: unknown;
  constructor(crd: string, conditions: unknown) {
    super(`CRD ${crd} not Established after 30 s: ${JSON.stringify(conditions)}`);
    this.name = 'CrdNotEstablishedError';
    this.crd = crd;
    this.conditions = conditions;
  }
}

interface Crd {
  metadata: { name: string };
  spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

async function readCrds(dir: string): Promise<Crd[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const crds: Crd[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) {
      const crd = doc.toJS() as Crd | null;
      if (crd !== null) crds.push(crd);
    }
  }
  return crds;
}

async function waitEstablished(access: KubeAccess, name: string): Promise<void> {
  let conditions: unknown;
  for (let attempt = 0; attempt < 300; attempt++) {
    const res = await kubeExpect(access, [200], 'GET', `${crdPath}/${name}`);
    const crd = res.body as Crd;
    conditions = crd.status?.conditions;
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new CrdNotEstablishedError(name, conditions);
}

/** Waits until discovery lists the CRD's resource in every served version, so requests no longer 404. */
async function waitServed(access: KubeAccess, crd: Crd): Promise<void> {
  const paths = crd.spec.versions.filter((v) => v.served).map((v) => `/apis/${crd.spec.group}/${v.name}`);
  for (let attempt = 0; attempt < 300; attempt++) {
    let served = true;
    for (const path of paths) {
      const res = await kubeRequest(access, 'GET', path);
      const resources = (res.body as { resources?: { name: string }[] } | undefined)?.resources ?? [];
      served &&= resources.some((r) => r.name === crd.spec.names.plural);
    }
    if (served) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new CrdNotEstablishedError(crd.metadata.name, `not in discovery at ${paths.join(', ')}`);
}

/**
 * Creates (or, when present, leaves) every CRD in `dir` and waits until all are served. Returns their
 * names. `target` is a kubeconfig path or, for a server reachable only through its socket, its access.
 */
export async function installCrds(target: string | KubeAccess, dir = defaultCrdDir): Promise<string[]> {
  const access = typeof target === 'string' ? await readKubeconfig(target) : target;
  const crds = await readCrds(dir);
  for (const crd of crds) await kubeExpect(access, [201, 409], 'POST', crdPath, crd);
  for (const crd of crds) {
    await waitEstablished(access, crd.metadata.name);
    await waitServed(access, crd);
  }
  return crds.map((crd) => crd.metadata.name);
}

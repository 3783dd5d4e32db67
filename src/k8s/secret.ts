/** One-shot reads at start-up: the memberlist Secret and the speaker's own Pod. */
import type { KubeApi } from './api.ts';

/** MetalLB's memberlist Secret and its key (what --ml-secret-key-path mounts as DIR/secretkey). */
export const MEMBERLIST_SECRET = 'memberlist';
export const MEMBERLIST_SECRET_KEY = 'secretkey';

/** The Secret's `secretkey` bytes, or undefined when the Secret or the key does not exist. */
export async function memberlistSecret(api: KubeApi, namespace: string): Promise<Buffer | undefined> {
  const secret = await api.get(`/api/v1/namespaces/${namespace}/secrets/${MEMBERLIST_SECRET}`);
  const value = (secret?.['data'] as Record<string, unknown> | undefined)?.[MEMBERLIST_SECRET_KEY];
  if (typeof value !== 'string' || value === '') return undefined;
  return Buffer.from(value, 'base64');
}

/** The uid of a Pod, or undefined when it does not exist. */
export async function ownPodUid(api: KubeApi, namespace: string, name: string): Promise<string | undefined> {
  const pod = await api.get(`/api/v1/namespaces/${namespace}/pods/${name}`);
  return pod?.metadata?.uid;
}

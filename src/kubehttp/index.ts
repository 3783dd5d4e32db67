/**
 * The API server client: which kubeconfig to use (a file, $KUBECONFIG, the in-cluster service account,
 * ~/.kube/config), its TLS material and credentials, and JSON requests over one keep-alive connection
 * pool. Shared by the informers (src/k8s), the status publisher (src/status) and the CLI (src/inspect).
 *
 * @example
 *   import { jsonOf, kubeHttp, loadKubeTarget } from '../kubehttp/index.ts';
 *   const http = kubeHttp(loadKubeTarget()); // or loadKubeTarget('/path/kubeconfig')
 *   const answer = await http.send({ method: 'GET', path: '/api/v1/nodes?limit=1', timeoutMs: 5000 });
 *   const nodes = jsonOf('GET', '/api/v1/nodes', answer); // throws KubeApiError unless 2xx
 *   http.close();
 */
export { TOKEN_FILE_REREAD_MS, type Authorization } from './credentials.ts';
export { KubeApiError, KubeConfigError } from './errors.ts';
export {
  answerError,
  jsonOf,
  kubeHttp,
  type KubeAnswer,
  type KubeHttp,
  type KubeMethod,
  type KubeRequest,
} from './http.ts';
export { kubeconfigTarget } from './kubeconfig.ts';
export {
  inClusterTarget,
  loadKubeTarget,
  SERVICE_ACCOUNT_DIR,
  withKubeHttp,
  type LoadKubeTargetOptions,
} from './load.ts';
export type { KubeTarget, KubeTls } from './target.ts';

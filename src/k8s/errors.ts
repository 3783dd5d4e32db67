/** The sources' errors are the API client's: what was asked of the API server, and what it answered. */
export { KubeApiError, KubeConfigError } from '../kubehttp/index.ts';

/** Where the API server is and how to reach it: what a kubeconfig or the in-cluster account gives. */
import type { Authorization } from './credentials.ts';

export interface KubeTls {
  /** CA bundle (PEM); undefined: the system's roots. */
  readonly ca: Buffer | undefined;
  /** Client certificate and key (PEM). */
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  /** insecure-skip-tls-verify. */
  readonly insecure: boolean;
  /** tls-server-name: the name checked in the server's certificate, when not the URL's host. */
  readonly serverName: string | undefined;
}

export interface KubeTarget {
  /** The kubeconfig's path(s), or "in-cluster": named in errors. */
  readonly source: string;
  /** e.g. https://10.96.0.1:443, without a trailing slash. */
  readonly server: string;
  readonly tls: KubeTls;
  readonly authorization: Authorization;
}

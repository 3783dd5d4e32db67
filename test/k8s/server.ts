/**
 * A real kube-apiserver with an embedded etcd for tests (test/k8s/apiserver, Kubernetes version pinned
 * in its go.mod), built once by its build.sh into a cache outside the work tree. No controllers run:
 * no garbage collector, no EndpointSlice controller, no pod IPs; tests create what they need.
 *
 * @example
 *   const server = await startApiServer({ spawn: (argv) => host.spawn(argv), bindAddress: '192.0.2.250' });
 *   await installCrds(server.access);
 *   await kubeExpect(server.access, [200], 'GET', '/api/v1/namespaces'); // from the root namespace too
 *   // speakers in node namespaces use server.kubeconfig (server.url, admin token)
 *   await server.stop();
 */
import { execFile, spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { KubeAccess } from './kube-request.ts';

export { installCrds, defaultCrdDir, CrdNotEstablishedError } from './crds.ts';
export {
  kubeExpect,
  kubeRequest,
  readKubeconfig,
  KubeconfigError,
  KubeRequestError,
  type KubeAccess,
  type KubeResponse,
} from './kube-request.ts';

export interface ApiServerOptions {
  /** Starts the server process, e.g. inside a lab host: `(argv) => host.spawn(argv)`. Default: a child process here. */
  spawn?: (argv: string[]) => ChildProcess;
  /** Address to serve on; default 127.0.0.1. */
  bindAddress?: string;
  /** Secure port; default: a free one. */
  port?: number;
  /** Where to write the admin kubeconfig; default: inside the server's temporary data directory. */
  kubeconfigOut?: string;
}

export interface ApiServer {
  /** Admin kubeconfig for `url`, for processes that reach the bind address (lab hosts on the bridge). */
  readonly kubeconfig: string;
  readonly url: string;
  /** Admin access through the server's Unix socket: works from every network namespace. */
  readonly access: KubeAccess;
  readonly kubernetesVersion: string;
  /** How long the server took from its start to /readyz "ok", as it measured. */
  readonly startMillis: number;
  /** The server's stderr so far (its last megabyte). */
  readonly logs: () => string;
  /** The server process's pid (the spawned child). */
  readonly pid: number | undefined;
  /** SIGSTOP: the server stops answering (connections hang) until resume(). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** SIGTERM, then SIGKILL after 30 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

interface ReadyLine {
  ready: boolean;
  kubeconfig: string;
  url: string;
  socket: string;
  token: string;
  caFile: string;
  kubernetesVersion: string;
  startMillis: number;
}

export class ApiServerStartError extends Error {
  readonly exitCode: number | null;
  readonly logs: string;
  constructor(reason: string, exitCode: number | null, logs: string) {
    super(`test API server: ${reason}\n${logs.slice(-4000)}`);
    this.name = 'ApiServerStartError';
    this.exitCode = exitCode;
    this.logs = logs;
  }
}

const buildScript = resolve(__dirname, 'apiserver/build.sh');

/** Builds the server binary unless cached (minutes when cold) and returns its path. */
export async function buildApiServer(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [buildScript], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** Builds (if needed) and starts the server, resolving once /readyz answers "ok". */
export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const binary = await buildApiServer();
  const argv = [binary, '--bind-address', opts.bindAddress ?? '127.0.0.1', '--port', String(opts.port ?? 0)];
  if (opts.kubeconfigOut !== undefined) argv.push('--kubeconfig-out', opts.kubeconfigOut);
  const spawn =
    opts.spawn ?? ((args: string[]) => spawnProcess(args[0] ?? '', args.slice(1), { stdio: 'pipe' }));
  const child = spawn(argv);

  let logs = '';
  child.stderr?.on('data', (chunk: Buffer) => (logs = (logs + chunk.toString()).slice(-1_000_000)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = await readReadyLine(child, exited, () => logs);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    })();
    return stopping;
  };
  const ca = await readFile(ready.caFile, 'utf8');
  return {
    kubeconfig: ready.kubeconfig,
    url: ready.url,
    access: { server: ready.url, ca, token: ready.token, socketPath: ready.socket },
    kubernetesVersion: ready.kubernetesVersion,
    startMillis: ready.startMillis,
    logs: () => logs,
    pid: child.pid,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop,
  };
}

function readReadyLine(
  child: ChildProcess,
  exited: Promise<number | null>,
  logs: () => string,
): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ApiServerStartError('not ready after 180 s', null, logs()));
    }, 180_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      const line = stdout.slice(0, newline);
      try {
        resolve(JSON.parse(line) as ReadyLine);
      } catch {
        child.kill('SIGKILL');
        reject(new ApiServerStartError(`unexpected output ${JSON.stringify(line)}`, null, logs()));
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new ApiServerStartError(err.message, null, logs()));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ApiServerStartError('exited before ready', code, logs()));
    });
  });
}

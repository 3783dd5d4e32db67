import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  inClusterTarget,
  KubeConfigError,
  kubeconfigTarget,
  loadKubeTarget,
  TOKEN_FILE_REREAD_MS,
} from '../../../src/kubehttp/index.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubehttp-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

function config(user: string, extra = ''): string {
  return `apiVersion: v1
kind: Config
current-context: lab
contexts:
  - name: lab
    context: { cluster: lab, user: admin }
clusters:
  - name: lab
    cluster:
      server: https://192.0.2.250:6443/
      certificate-authority-data: ${b64('CA PEM')}
${extra}
users:
  - name: admin
    user: ${user}
`;
}

function errorOf(run: () => unknown): KubeConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof KubeConfigError) return err;
    throw err;
  }
  throw new Error('expected a KubeConfigError');
}

test('the current context: server, inline CA, bearer token', () => {
  const target = kubeconfigTarget([write('config', config('{ token: abc }'))]);
  expect(target.server).toBe('https://192.0.2.250:6443');
  expect(target.tls.ca?.toString()).toBe('CA PEM');
  expect(target.tls.insecure).toBe(false);
  expect(target.authorization()).toBe('Bearer abc');
});

test('client certificate files resolve relative to their kubeconfig; tls-server-name and insecure', () => {
  write('client.crt', 'CERT');
  write('client.key', 'KEY');
  const path = write(
    'config',
    config(
      '{ client-certificate: client.crt, client-key: client.key }',
      '      tls-server-name: kubernetes\n      insecure-skip-tls-verify: true',
    ),
  );
  const target = kubeconfigTarget([path]);
  expect(target.tls.cert?.toString()).toBe('CERT');
  expect(target.tls.key?.toString()).toBe('KEY');
  expect(target.tls.serverName).toBe('kubernetes');
  expect(target.tls.insecure).toBe(true);
  expect(target.authorization()).toBeUndefined();
});

test('basic auth', () => {
  const target = kubeconfigTarget([write('config', config('{ username: u, password: p }'))]);
  expect(target.authorization()).toBe(`Basic ${b64('u:p')}`);
});

test('a token file is re-read once a minute, and a failed re-read is an error, not a stale token', () => {
  const tokenPath = write('token', 'first\n');
  write('ca.crt', 'CA');
  let now = 0;
  const target = loadKubeTarget(undefined, {
    env: { KUBERNETES_SERVICE_HOST: '2001:db8::1', KUBERNETES_SERVICE_PORT: '443' },
    serviceAccountDir: dir,
  });
  expect(target.source).toBe('in-cluster');
  expect(target.server).toBe('https://[2001:db8::1]'); // the default port is implied
  expect(target.authorization()).toBe('Bearer first');
  writeFileSync(tokenPath, 'second');
  const clocked = inClusterTarget(
    { KUBERNETES_SERVICE_HOST: '192.0.2.1', KUBERNETES_SERVICE_PORT: '6443' },
    dir,
    () => now,
  );
  expect(clocked.authorization()).toBe('Bearer second');
  writeFileSync(tokenPath, 'third');
  now = TOKEN_FILE_REREAD_MS - 1;
  expect(clocked.authorization()).toBe('Bearer second');
  now = TOKEN_FILE_REREAD_MS;
  expect(clocked.authorization()).toBe('Bearer third');
  rmSync(tokenPath);
  now = 2 * TOKEN_FILE_REREAD_MS;
  expect(errorOf(() => clocked.authorization()).message).toContain('cannot read token file');
});

test('KUBECONFIG lists merge: the first file naming an entry or the current context wins; missing files are skipped', () => {
  const first = write('first', 'current-context: lab\nusers:\n  - name: admin\n    user: { token: first }\n');
  const second = write('second', config('{ token: second }'));
  const target = loadKubeTarget(undefined, {
    env: { KUBECONFIG: `${join(dir, 'absent')}:${first}:${second}` },
  });
  expect(target.server).toBe('https://192.0.2.250:6443');
  expect(target.authorization()).toBe('Bearer first');
});

test('errors name the file and the field', () => {
  const exec = errorOf(() => kubeconfigTarget([write('exec', config('{ exec: { command: aws } }'))]));
  expect(exec.field).toBe('users[admin].user.exec');
  expect(exec.message).toContain('credential plugins are not supported');
  const noServer = write('no-server', config('{}').replace('server: https://192.0.2.250:6443/', 'proxy: x'));
  expect(errorOf(() => kubeconfigTarget([noServer])).field).toBe('clusters[lab].cluster.server');
  const badServer = write('bad-server', config('{}').replace('https://192.0.2.250:6443/', 'ftp://x'));
  expect(errorOf(() => kubeconfigTarget([badServer])).message).toContain('not an http(s) URL');
  const noContext = write(
    'no-context',
    config('{}').replace('current-context: lab', 'current-context: gone'),
  );
  expect(errorOf(() => kubeconfigTarget([noContext])).field).toBe('current-context');
  const missingFile = write('missing-ca', config('{ client-certificate: nowhere.crt }'));
  expect(errorOf(() => kubeconfigTarget([missingFile])).field).toBe('users[admin].user.client-certificate');
  expect(errorOf(() => kubeconfigTarget([join(dir, 'absent')])).message).toContain('no such file');
  expect(errorOf(() => kubeconfigTarget([write('list', 'clusters: 3')])).field).toBe('clusters');
});

test('in-cluster needs its variables and the mounted CA', () => {
  write('token', 't');
  expect(errorOf(() => inClusterTarget({ KUBERNETES_SERVICE_PORT: '443' }, dir)).field).toBe(
    'KUBERNETES_SERVICE_HOST',
  );
  expect(
    errorOf(() => inClusterTarget({ KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '443' }, dir))
      .field,
  ).toBe(join(dir, 'ca.crt'));
});

test('without KUBECONFIG or a service account: ~/.kube/config', () => {
  const home = join(dir, 'home');
  const error = errorOf(() => loadKubeTarget(undefined, { env: {}, home }));
  expect(error.source).toBe(join(home, '.kube', 'config'));
});

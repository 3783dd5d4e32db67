/**
 * The test API server as a host of its own on the lab bridge (needs root): a node namespace reaches it
 * at its bridge address as a speaker would in a cluster, and the "kubernetes" Service points there.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createLab, type Host, type Lab } from '../../src/lab/index.ts';
import { kubeExpect, readKubeconfig, startApiServer, type ApiServer } from './server.ts';

const apiAddress = '192.0.2.250';
const node24 = resolve(__dirname, '../../node_modules/.bin/node');
/** `node -e httpsGet URL CA-FILE TOKEN` prints "STATUS BODY". */
const httpsGet = `
const [url, caFile, token] = process.argv.slice(1);
const req = require('node:https').get(url, { ca: require('node:fs').readFileSync(caFile), headers: { Authorization: 'Bearer ' + token } }, (res) => {
  let body = '';
  res.on('data', (chunk) => (body += chunk));
  res.on('end', () => process.stdout.write(res.statusCode + ' ' + body));
});
req.on('error', (err) => { console.error(err.message); process.exit(1); });`;

let lab: Lab;
let node: Host;
let server: ApiServer | undefined;

beforeAll(async () => {
  lab = await createLab({ prefix: 'k8' });
  const api = await lab.addHost('api', { ipv4: `${apiAddress}/24` });
  node = await lab.addHost('node', { ipv4: '192.0.2.11/24' });
  server = await startApiServer({ spawn: (argv) => api.spawn(argv), bindAddress: apiAddress });
}, 1_800_000);

afterAll(async () => {
  await server?.stop();
  await lab.destroy();
});

test('a node namespace reaches the server at its bridge address with the kubeconfig credentials', async () => {
  const access = await readKubeconfig(server?.kubeconfig ?? '');
  expect(access.server).toMatch(new RegExp(`^https://${apiAddress.replaceAll('.', '\\.')}:\\d+$`));
  // Beside the kubeconfig, in the server's data directory, removed when it stops.
  const caFile = `${server?.kubeconfig}.ca.crt`;
  await writeFile(caFile, access.ca);
  const readyz = await node.exec([node24, '-e', httpsGet, `${access.server}/readyz`, caFile, access.token], {
    timeoutMs: 10_000,
  });
  expect(readyz).toMatchObject({ code: 0, stdout: '200 ok' });
});

test('the root namespace reaches it through its socket; the kubernetes Service advertises the bridge address', async () => {
  const access = server?.access;
  if (access === undefined) throw new Error('server not started');
  let addresses: string[] = [];
  for (let attempt = 0; attempt < 100 && !addresses.includes(apiAddress); attempt++) {
    const res = await kubeExpect(
      access,
      [200, 404],
      'GET',
      '/api/v1/namespaces/default/endpoints/kubernetes',
    );
    const body = res.body as { subsets?: { addresses?: { ip: string }[] }[] };
    addresses = body.subsets?.flatMap((s) => s.addresses?.map((a) => a.ip) ?? []) ?? [];
    if (!addresses.includes(apiAddress)) await new Promise((r) => setTimeout(r, 100));
  }
  expect(addresses).toEqual([apiAddress]);
});

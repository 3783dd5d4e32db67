/**
 * The image's runtime stage, reproduced without a container engine: the files the Dockerfile's last
 * stage copies (minus .dockerignore's exclusions), `npm ci --omit=dev` from the npm cache, the built
 * addon, a node binary with the image's file capability, a tree owned by root and read-only (chmod,
 * and a read-only bind mount in the speaker's own mount namespace), run as uid 65532 holding only
 * CAP_NET_RAW, standalone with encrypted memberlist, in a lab host; a client's arping must be answered,
 * and `l2speaker status` / `explain` from the same tree must describe it.
 *
 * Two ways for a non-root process to hold CAP_NET_RAW: the image's way (file capability on node, with
 * no_new_privs as allowPrivilegeEscalation: false sets it, and NET_RAW in the permitted and bounding
 * sets as a container runtime leaves them), and ambient capabilities (which Kubernetes cannot ask for).
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Host, type Lab } from '../../src/lab/index.ts';
import { httpGet, labConfig, node24, repo, waitReady, type RunningSpeaker } from './speaker-harness.ts';

jest.setTimeout(180_000);

const USER = '65532';
const PORT = 7472;
const VIP = '192.0.2.210';

interface Copy {
  readonly fromStage: string | undefined;
  readonly sources: string[];
  readonly dest: string;
}

/** The COPY instructions and WORKDIR of the Dockerfile's last stage. */
function runtimeStage(dockerfile: string): { workdir: string; copies: Copy[] } {
  const lines = dockerfile.split('\n');
  const last =
    lines
      .map((line, i) => (/^FROM\s/i.test(line) ? i : -1))
      .filter((i) => i >= 0)
      .pop() ?? 0;
  let workdir = '/';
  const copies: Copy[] = [];
  for (const line of lines.slice(last)) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'WORKDIR') workdir = words[1] ?? '/';
    if (words[0] !== 'COPY') continue;
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const args = words.slice(1).filter((w) => !w.startsWith('--'));
    copies.push({ fromStage: from, sources: args.slice(0, -1), dest: args.at(-1) ?? '.' });
  }
  return { workdir, copies };
}

/** Plain exclusions of .dockerignore (not `*`, not `!` re-inclusions), e.g. 'src/lab/'. */
function ignoredPaths(): string[] {
  return readFileSync(join(repo, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!') && line !== '*');
}

/** Builds the runtime stage's /app under `root` and returns its path. */
function assembleApp(root: string): string {
  const { workdir, copies } = runtimeStage(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
  const app = join(root, workdir);
  mkdirSync(app, { recursive: true });
  for (const copy of copies) {
    for (const source of copy.sources) {
      // The build stage's WORKDIR is /src, a checkout of this repository with the addon built.
      const from =
        copy.fromStage === undefined ? join(repo, source) : join(repo, source.replace(/^\/src\//, ''));
      const into =
        copy.dest.endsWith('/') || copy.sources.length > 1
          ? join(app, copy.dest, source)
          : join(app, copy.dest);
      cpSync(from, into, { recursive: true });
    }
  }
  for (const path of ignoredPaths()) rmSync(join(app, path), { recursive: true, force: true });
  // As the stage runs it: production dependencies only, no install scripts; from the cache when it can.
  execFileSync(
    'npm',
    ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
    {
      cwd: app,
      stdio: 'pipe',
    },
  );
  return app;
}

describe('the runtime stage', () => {
  let root: string;
  let app: string;
  let plainNode: string;
  let cappedNode: string;
  let lab: Lab;
  let node: Host;
  let client: Host;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'l2s-runtime-'));
    app = assembleApp(root);
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    plainNode = join(root, 'usr/local/bin/node-plain');
    cappedNode = join(root, 'usr/local/bin/node');
    for (const copy of [plainNode, cappedNode]) {
      copyFileSync(realpathSync(node24), copy);
      chmodSync(copy, 0o755);
    }
    writeFileSync(join(root, 'config.yaml'), labConfig([`${VIP}/32`], { web: [VIP] }));
    mkdirSync(join(root, 'etc/ml_secret_key'), { recursive: true });
    writeFileSync(join(root, 'etc/ml_secret_key/secretkey'), 'pQ3kV9xLr2Tz8WmN5bHc7YdF4gJs6Ua1');
    // Owned by root, writable by nobody: uid 65532 can read and run it, never change it.
    execFileSync('chown', ['-R', 'root:root', root]);
    execFileSync('chmod', ['-R', 'a-w,a+rX', root]);
    // Last: chown clears file capabilities.
    execFileSync('setcap', ['cap_net_raw+ep', cappedNode]);
    lab = await createLab({ prefix: 'rts' });
    node = await lab.addHost('node', { ipv4: '192.0.2.11/24' });
    client = await lab.addHost('cli', { ipv4: '192.0.2.100/24' });
  });

  afterAll(async () => {
    await lab?.destroy();
    if (root !== undefined) {
      execFileSync('chmod', ['-R', 'u+w', root]);
      rmSync(root, { recursive: true, force: true });
    }
  });

  /** The speaker as the pod runs it: uid/gid 65532, only NET_RAW, the tree mounted read-only. */
  function start(nodeBinary: string, capabilityFlags: string[]): RunningSpeaker {
    const speakerArgv = [
      'setpriv',
      `--reuid=${USER}`,
      `--regid=${USER}`,
      '--clear-groups',
      ...capabilityFlags,
      nodeBinary,
      'bin/l2speaker.js',
      '--config',
      join(root, 'config.yaml'),
      '--node-name',
      'node-a',
      '--metrics-port',
      String(PORT),
      // memberlist (encrypted) runs too: its worker thread loads from the read-only tree.
      ...['--ml-bindaddr', node.ipv4 ?? '', '--ml-secret-key-path', join(root, 'etc/ml_secret_key')],
    ];
    const script = `mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && cd "$0/app" && exec "$@"`;
    const child = node.spawn([
      'unshare',
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      script,
      root,
      ...speakerArgv,
    ]);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    return { process: child, output: () => output, exited };
  }

  async function stop(speaker: RunningSpeaker): Promise<void> {
    speaker.process.kill('SIGTERM');
    expect(await speaker.exited).toBe(0);
  }

  const cases: [string, () => string, string[]][] = [
    [
      "file capability on node, no_new_privs (the image's way)",
      () => cappedNode,
      ['--inh-caps=-all', '--bounding-set=-all,+net_raw', '--no-new-privs'],
    ],
    [
      'ambient capability, plain node',
      () => plainNode,
      ['--inh-caps=-all,+net_raw', '--ambient-caps=-all,+net_raw', '--bounding-set=-all,+net_raw'],
    ],
  ];

  test.each(cases)(
    '%s: answers ARP as uid 65532 with only CAP_NET_RAW on a read-only tree',
    async (_, binary, flags) => {
      const speaker = start(binary(), flags);
      try {
        await waitReady(node, PORT, speaker);
        const pid = speaker.process.pid ?? 0;
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        expect(status).toMatch(new RegExp(`^Uid:\\s+${USER}\\s+${USER}\\s+${USER}\\s+${USER}$`, 'm'));
        expect(status).toMatch(/^CapEff:\s+0000000000002000$/m);
        expect(status).toMatch(/^CapBnd:\s+0000000000002000$/m);
        // Even root cannot write there inside the speaker's mount namespace.
        const write = await node.exec(['nsenter', '-t', String(pid), '-m', 'touch', join(app, 'written')]);
        expect(write.stderr).toContain('Read-only file system');

        const replies = await client.exec(['arping', '-c', '3', '-W', '0.1', '-I', 'eth0', VIP], {
          timeoutMs: 10_000,
        });
        const macs = [...replies.stdout.matchAll(/bytes from ([0-9a-f:]{17})/g)].map((m) => m[1]);
        expect(macs).toEqual([node.mac, node.mac, node.mac]);
        expect(JSON.parse(await httpGet(node, PORT, '/status'))).toMatchObject({
          node: 'node-a',
          services: [{ namespace: 'default', name: 'web', ips: [VIP], interfaces: ['eth0'] }],
        });
        await inspectCommands();
      } finally {
        await stop(speaker);
      }
    },
  );

  /** `l2speaker status` and `explain` from the image's tree, against the running speaker. */
  async function inspectCommands(): Promise<void> {
    const cli = (args: string[]) =>
      node.exec([plainNode, join(app, 'bin/l2speaker.js'), ...args], { timeoutMs: 20_000 });
    const speakerUrl = `http://127.0.0.1:${PORT}`;
    const status = await cli(['status', '--speaker', speakerUrl]);
    expect(status).toMatchObject({ code: 0, stderr: '' });
    expect(status.stdout).toBe(
      `SERVICE      IPS          NODE    INTERFACES\ndefault/web  ${VIP}  node-a  eth0\n`,
    );
    const explained = await cli([
      'explain',
      'default/web',
      '--config',
      join(root, 'config.yaml'),
      '--speaker',
      speakerUrl,
    ]);
    expect(explained).toMatchObject({ code: 0, stderr: '' });
    expect(explained.stdout).toBe(
      `default/web (${VIP}), election ring: announced by node-a\n\nNODE    ELIGIBLE  WHY\nnode-a  owner     -\n`,
    );
    const unknown = await cli(['explain', 'default/nope', '--config', join(root, 'config.yaml')]);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: 'l2speaker explain: service default/nope is not in the model\n',
    });
    expect((await cli(['status'])).code).toBe(2);
  }

  test('without NET_RAW in the bounding set the capable node refuses to start', async () => {
    const speaker = start(cappedNode, ['--inh-caps=-all', '--bounding-set=-all', '--no-new-privs']);
    const timer = setTimeout(() => speaker.process.kill('SIGKILL'), 10_000);
    const code = await speaker.exited;
    clearTimeout(timer);
    expect(code).toBe(126);
    expect(speaker.output()).toMatch(/Operation not permitted/);
  });
});

import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, watchConfig } from '../../src/config/index.ts';
import type { ConfigWatch, ConfigWatchOptions, Model } from '../../src/config/index.ts';

function config(ip: string): string {
  return `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: lan }
spec: { addresses: [192.0.2.0/24] }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { type: LoadBalancer }
status: { loadBalancer: { ingress: [{ ip: ${ip} }] } }
`;
}

const ingressOf = (model: Model) => model.services[0]?.status.ingressIPs[0];

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let watcher: ConfigWatch | undefined;
let changes: Model[];
let errors: Error[];

function start(path: string, opts: ConfigWatchOptions = { pollMs: 60_000 }): void {
  watcher = watchConfig(path, { onChange: (m) => changes.push(m), onError: (e) => errors.push(e) }, opts);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'l2speaker-config-'));
  changes = [];
  errors = [];
});

afterEach(() => {
  watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('loadConfigFile', () => {
  it('parses the file', () => {
    const path = join(dir, 'cfg.yaml');
    writeFileSync(path, config('192.0.2.1'));
    expect(ingressOf(loadConfigFile(path))).toBe('192.0.2.1');
  });

  it('says a missing file is missing, with its path', () => {
    const path = join(dir, 'absent.yaml');
    expect(() => loadConfigFile(path)).toThrow(ConfigError);
    expect(() => loadConfigFile(path)).toThrow(`${path}: file not found`);
  });
});

// The poll period is a minute in these tests unless said otherwise: the directory watch must do it.
describe('watchConfig', () => {
  it('reloads on an edit in place', async () => {
    const path = join(dir, 'cfg.yaml');
    writeFileSync(path, config('192.0.2.1'));
    start(path);
    writeFileSync(path, config('192.0.2.2'));
    await waitFor(() => changes.length === 1);
    expect(ingressOf(changes[0] as Model)).toBe('192.0.2.2');
    expect(errors).toEqual([]);
  });

  it('reloads on a rename over the file (atomic write)', async () => {
    const path = join(dir, 'cfg.yaml');
    writeFileSync(path, config('192.0.2.1'));
    start(path);
    writeFileSync(join(dir, '.cfg.yaml.tmp'), config('192.0.2.3'));
    renameSync(join(dir, '.cfg.yaml.tmp'), path);
    await waitFor(() => changes.length === 1);
    expect(ingressOf(changes[0] as Model)).toBe('192.0.2.3');
  });

  it('reloads on a ConfigMap-style ..data symlink swap', async () => {
    const publish = (version: string, ip: string) => {
      mkdirSync(join(dir, version));
      writeFileSync(join(dir, version, 'cfg.yaml'), config(ip));
      symlinkSync(version, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    };
    publish('..2026_11_29_10_00_00.000000001', '192.0.2.1');
    symlinkSync('..data/cfg.yaml', join(dir, 'cfg.yaml'));
    start(join(dir, 'cfg.yaml'));
    publish('..2026_11_29_10_05_00.000000002', '192.0.2.4');
    rmSync(join(dir, '..2026_11_29_10_00_00.000000001'), { recursive: true });
    await waitFor(() => changes.length === 1);
    expect(ingressOf(changes[0] as Model)).toBe('192.0.2.4');
    publish('..2026_11_29_10_10_00.000000003', '192.0.2.5');
    await waitFor(() => changes.length === 2);
    expect(ingressOf(changes[1] as Model)).toBe('192.0.2.5');
  });

  it('reports a bad file once, without onChange, and recovers', async () => {
    const path = join(dir, 'cfg.yaml');
    writeFileSync(path, config('192.0.2.1'));
    start(path, { pollMs: 50 });
    writeFileSync(path, config('192.0.2.300'));
    await waitFor(() => errors.length === 1);
    await sleep(300);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ConfigError);
    expect(errors[0]?.message).toContain('"192.0.2.300" is not an IP address');
    expect(changes).toEqual([]);
    writeFileSync(path, config('192.0.2.6'));
    await waitFor(() => changes.length === 1);
    expect(ingressOf(changes[0] as Model)).toBe('192.0.2.6');
  });

  it('reports a deleted file and picks it up when it comes back', async () => {
    const path = join(dir, 'cfg.yaml');
    writeFileSync(path, config('192.0.2.1'));
    start(path, { pollMs: 50 });
    rmSync(path);
    await waitFor(() => errors.length === 1);
    expect(errors[0]?.message).toBe(`${path}: file not found`);
    writeFileSync(path, config('192.0.2.1'));
    await waitFor(() => changes.length === 1);
  });

  it('ignores events that leave the content unchanged, and coalesces bursts', async () => {
    const path = join(dir, 'cfg.yaml');
    writeFileSync(path, config('192.0.2.1'));
    start(path);
    writeFileSync(path, config('192.0.2.1'));
    writeFileSync(join(dir, 'unrelated'), 'x');
    await sleep(400);
    expect(changes).toEqual([]);
    for (let i = 1; i <= 9; i++) writeFileSync(path, config(`192.0.2.${i + 10}`));
    await waitFor(() => changes.length >= 1);
    await sleep(300);
    expect(changes.map(ingressOf)).toEqual(['192.0.2.19']);
  });

  it('finds changes by polling alone', async () => {
    const path = join(dir, 'cfg.yaml');
    writeFileSync(path, config('192.0.2.1'));
    start(path, { pollMs: 50, fsWatch: false });
    writeFileSync(path, config('192.0.2.7'));
    await waitFor(() => changes.length === 1);
    expect(ingressOf(changes[0] as Model)).toBe('192.0.2.7');
  });

  it('polls when the directory cannot be watched yet, and picks the file up when it appears', async () => {
    const sub = join(dir, 'later');
    start(join(sub, 'cfg.yaml'), { pollMs: 50 });
    expect(errors.map((e) => e.message)).toEqual([`cannot watch ${sub}; polling`]);
    mkdirSync(sub);
    writeFileSync(join(sub, 'cfg.yaml'), config('192.0.2.9'));
    await waitFor(() => changes.length === 1);
    expect(ingressOf(changes[0] as Model)).toBe('192.0.2.9');
    expect(errors).toHaveLength(1);
  });

  it('reports nothing after close', async () => {
    const path = join(dir, 'cfg.yaml');
    writeFileSync(path, config('192.0.2.1'));
    start(path, { pollMs: 50 });
    watcher?.close();
    writeFileSync(path, config('192.0.2.8'));
    await sleep(300);
    expect(changes).toEqual([]);
  });
});

import { parseOptions, UsageError } from '../../../src/speaker/index.ts';

describe('parseOptions', () => {
  test('defaults', () => {
    expect(parseOptions(['--config', 'c.yaml', '--node-name', 'n1'], {})).toEqual({
      config: 'c.yaml',
      nodeName: 'n1',
      nodeLabels: {},
      metricsBindAddress: '0.0.0.0',
      metricsPort: 7472,
      logLevel: 'info',
      election: 'auto',
      ignoreExcludeLb: false,
      announceRate: 2000,
      memberlist: undefined,
    });
  });
  test('--announce-rate: frames per second, a positive integer', () => {
    expect(
      parseOptions(['--config', 'c', '--node-name', 'n', '--announce-rate', '500'], {})?.announceRate,
    ).toBe(500);
    expect(() => parseOptions(['--config', 'c', '--node-name', 'n', '--announce-rate', '0'], {})).toThrow(
      '--announce-rate',
    );
  });
  test('memberlist flags, with MetalLB environment fallbacks', () => {
    const options = parseOptions(
      ['--config', 'c', '--node-name', 'n', '--ml-peers', '192.0.2.11:7946,[2001:db8::11]:7946'],
      { METALLB_ML_BIND_ADDR: '192.0.2.10', METALLB_ML_SECRET_KEY_PATH: '/etc/ml_secret_key' },
    );
    expect(options?.memberlist).toEqual({
      bindAddr: '192.0.2.10',
      bindPort: 7946,
      peers: ['192.0.2.11:7946', '[2001:db8::11]:7946'],
      labels: undefined,
      namespace: undefined,
      secretKeyPath: '/etc/ml_secret_key',
      keyDerivation: 'metallb',
      joinTimeoutMs: 10000,
    });
  });
  test('node name from METALLB_NODE_NAME, labels parsed', () => {
    const options = parseOptions(['--config', 'c', '--node-labels', 'zone=a,rack=1'], {
      METALLB_NODE_NAME: 'n2',
    });
    expect(options?.nodeName).toBe('n2');
    expect(options?.nodeLabels).toEqual({ zone: 'a', rack: '1' });
  });
  test('help returns undefined', () => {
    expect(parseOptions(['--help'], {})).toBeUndefined();
  });
  test.each([
    [['--config', 'c'], '--node-name'],
    [['--config', '', '--node-name', 'n'], '--config'],
    [['--config', 'c', '--node-name', 'n', '--metrics-port', '70000'], '--metrics-port'],
    [['--config', 'c', '--node-name', 'n', '--log-level', 'loud'], '--log-level'],
    [['--config', 'c', '--node-name', 'n', '--node-labels', 'novalue'], '--node-labels'],
    [['--config', 'c', '--node-name', 'n', '--ml-bindaddr', 'node-a'], '--ml-bindaddr'],
    [['--config', 'c', '--node-name', 'n', '--election', 'random'], '--election'],
    [
      ['--config', 'c', '--node-name', 'n', '--ml-bindaddr', '192.0.2.1', '--ml-bindport', 'x'],
      '--ml-bindport',
    ],
    [['--config', 'c', '--node-name', 'n', '--ml-bindaddr', '192.0.2.1', '--ml-peers', 'a'], '--ml-peers'],
    [
      ['--config', 'c', '--node-name', 'n', '--ml-bindaddr', '192.0.2.1', '--ml-key-derivation', 'md5'],
      '--ml-key-derivation',
    ],
  ])('%j is refused naming %s', (argv, flag) => {
    expect(() => parseOptions(argv, {})).toThrow(UsageError);
    expect(() => parseOptions(argv, {})).toThrow(flag);
  });
  test('without --config: Kubernetes mode, flags and MetalLB environment', () => {
    const options = parseOptions(['--node-name', 'n', '--lb-class', 'example.com/l2', '--kubeconfig', 'kc'], {
      METALLB_NAMESPACE: 'metallb-system',
      METALLB_POD_NAME: 'speaker-x7',
    });
    expect(options).toMatchObject({
      config: undefined,
      kubernetes: { namespace: 'metallb-system', podName: 'speaker-x7', kubeconfig: 'kc' },
      loadBalancerClass: 'example.com/l2',
      memberlist: undefined,
    });
    const flags = parseOptions(['--node-name', 'n', '--namespace', 'lb', '--pod-name', 'p'], {
      METALLB_NAMESPACE: 'other',
    });
    expect(flags?.kubernetes).toEqual({ namespace: 'lb', podName: 'p', kubeconfig: undefined });
    expect(parseOptions(['--node-name', 'n'], {})?.kubernetes).toEqual({
      namespace: undefined,
      podName: undefined,
      kubeconfig: undefined,
    });
  });
  test('Kubernetes mode: memberlist needs --ml-labels (or --ml-peers) besides the bind address, as MetalLB', () => {
    const env = { METALLB_ML_BIND_ADDR: '192.0.2.11' };
    expect(parseOptions(['--node-name', 'n'], env)?.memberlist).toBeUndefined();
    expect(
      parseOptions(['--node-name', 'n', '--ml-labels', 'app=metallb,component=speaker'], env)?.memberlist,
    ).toMatchObject({ bindAddr: '192.0.2.11', labels: 'app=metallb,component=speaker', peers: [] });
    expect(
      parseOptions(['--node-name', 'n'], { ...env, METALLB_ML_LABELS: 'app=l2' })?.memberlist,
    ).toMatchObject({
      labels: 'app=l2',
    });
    expect(parseOptions(['--node-name', 'n', '--ml-labels', 'app=l2'], {})?.memberlist).toBeUndefined();
    // Standalone mode keeps its rule: the bind address alone turns memberlist on.
    expect(parseOptions(['--config', 'c', '--node-name', 'n'], env)?.memberlist).toMatchObject({
      bindAddr: '192.0.2.11',
    });
  });
  test('unknown flags are refused', () => {
    expect(() => parseOptions(['--bogus'], {})).toThrow(UsageError);
  });
});

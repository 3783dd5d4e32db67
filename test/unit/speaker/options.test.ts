import { parseOptions, UsageError } from '../../src/speaker/index.ts';

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
      memberlist: undefined,
    });
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
    [['--node-name', 'n'], '--config'],
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
  test('unknown flags are refused', () => {
    expect(() => parseOptions(['--bogus'], {})).toThrow(UsageError);
  });
});

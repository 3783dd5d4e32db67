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
  ])('%j is refused naming %s', (argv, flag) => {
    expect(() => parseOptions(argv, {})).toThrow(UsageError);
    expect(() => parseOptions(argv, {})).toThrow(flag);
  });
  test('unknown flags are refused', () => {
    expect(() => parseOptions(['--bogus'], {})).toThrow(UsageError);
  });
});

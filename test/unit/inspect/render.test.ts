import {
  renderExplanation,
  renderStatus,
  rowsFromCluster,
  rowsFromSpeakers,
  table,
} from '../../../src/inspect/index.ts';

describe('tables', () => {
  test('columns are padded to the widest cell, without trailing spaces', () => {
    expect(
      table(
        ['A', 'BB'],
        [
          ['long', 'x'],
          ['s', ''],
        ],
      ),
    ).toBe('A     BB\nlong  x\ns\n');
  });

  test('status: one row per service, sorted, dashes for nothing', () => {
    const text = renderStatus([
      { service: 'shop/web', ips: ['192.0.2.10', '2001:db8::10'], node: 'node-a', interfaces: ['eth0'] },
      { service: 'default/db', ips: ['192.0.2.11'], node: undefined, interfaces: [] },
    ]);
    expect(text).toBe(
      [
        'SERVICE     IPS                      NODE    INTERFACES',
        'default/db  192.0.2.11               -       -',
        'shop/web    192.0.2.10,2001:db8::10  node-a  eth0',
        '',
      ].join('\n'),
    );
    expect(renderStatus([])).toBe('No service is announced.\n');
  });

  test('explain: summary, service problem, one row per node', () => {
    const text = renderExplanation({
      service: 'shop/web',
      ips: ['192.0.2.10'],
      mode: 'ring',
      serviceProblem: undefined,
      owner: 'node-a',
      nodes: [
        { node: 'node-a', eligible: true, owner: true, reasons: [] },
        {
          node: 'node-b',
          eligible: true,
          owner: false,
          reasons: [{ code: 'lost-election', detail: 'node-a is preferred' }],
        },
        {
          node: 'node-c',
          eligible: false,
          owner: false,
          reasons: [
            { code: 'not-live-member', detail: 'dead' },
            { code: 'no-endpoint', detail: 'none here' },
          ],
        },
      ],
    });
    expect(text).toBe(
      [
        'shop/web (192.0.2.10), election ring: announced by node-a',
        '',
        'NODE    ELIGIBLE  WHY',
        'node-a  owner     -',
        'node-b  standby   lost-election: node-a is preferred',
        'node-c  no        not-live-member: dead; no-endpoint: none here',
        '',
      ].join('\n'),
    );
    const none = renderExplanation({
      service: 's/x',
      ips: [],
      mode: 'metallb',
      serviceProblem: 'no IP',
      owner: undefined,
      nodes: [],
    });
    expect(none).toContain(
      's/x (-), election metallb: announced by no node\nNo node may announce it: no IP\n',
    );
  });
});

describe('status sources', () => {
  test("speakers' /status pages: each lists the services it announces", () => {
    const rows = rowsFromSpeakers([
      {
        node: 'node-a',
        election: 'ring',
        members: [],
        services: [{ namespace: 'shop', name: 'web', ips: ['192.0.2.10'], interfaces: ['eth0'] }],
      },
      { node: 'node-b', election: 'ring', members: [], services: [] },
    ]);
    expect(rows).toEqual([
      { service: 'shop/web', ips: ['192.0.2.10'], node: 'node-a', interfaces: ['eth0'] },
    ]);
  });

  test('ServiceL2Status objects, IPs from their Service; objects without a status are skipped', () => {
    const rows = rowsFromCluster(
      [
        {
          status: {
            node: 'node-b',
            serviceName: 'web',
            serviceNamespace: 'shop',
            interfaces: [{ name: 'eth1' }],
          },
        },
        {},
      ],
      [
        {
          metadata: { name: 'web', namespace: 'shop' },
          status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }, { ip: '2001:db8::10' }] } },
        },
      ],
    );
    expect(rows).toEqual([
      { service: 'shop/web', ips: ['192.0.2.10', '2001:db8::10'], node: 'node-b', interfaces: ['eth1'] },
    ]);
  });
});

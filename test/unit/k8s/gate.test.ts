import { ApiGate, KubeApiError, serverDown } from '../../../src/k8s/index.ts';
import { TurnQueue } from '../../../src/k8s/turns.ts';

const noAnswer = (): KubeApiError => new KubeApiError('GET', '/api/v1/nodes', undefined, 'ECONNREFUSED');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function gateWith(answers: (Error | undefined)[]) {
  const log: string[] = [];
  let probes = 0;
  const gate = new ApiGate(
    async () => {
      probes += 1;
      const answer = answers.shift();
      if (answer !== undefined) throw answer;
    },
    {
      opened: (err) => log.push(`opened: ${err.message}`),
      closed: (_downMs, sent) => log.push(`closed after ${sent} probes`),
    },
    { initialDelayMs: 5, maxDelayMs: 20, random: () => 0 },
  );
  return { gate, log, probes: () => probes };
}

test('no answer, timeouts and 5xx say the server is down; other HTTP answers do not', () => {
  expect(serverDown(noAnswer())).toBe(true);
  expect(serverDown(new KubeApiError('GET', '/x', 503, 'unavailable'))).toBe(true);
  expect(serverDown(new Error('socket hang up'))).toBe(true);
  for (const status of [403, 404, 410, 429])
    expect(serverDown(new KubeApiError('GET', '/x', status, ''))).toBe(false);
});

test('closed, it admits at once; a refusal by HTTP status leaves it closed', async () => {
  const { gate, log } = gateWith([]);
  gate.failed(new KubeApiError('GET', '/x', 403, 'forbidden'));
  expect(gate.isOpen).toBe(false);
  await gate.admit();
  expect(log).toEqual([]);
});

test('opened by a failure without answer, it holds every caller until a probe is answered', async () => {
  const { gate, log, probes } = gateWith([noAnswer(), noAnswer()]);
  gate.failed(noAnswer());
  gate.failed(noAnswer());
  expect(gate.isOpen).toBe(true);
  let admitted = 0;
  const waiters = [gate.admit(), gate.admit(), gate.admit()].map((p) => p.then(() => (admitted += 1)));
  await sleep(8);
  expect(admitted).toBe(0);
  await Promise.all(waiters);
  expect(admitted).toBe(3);
  expect(probes()).toBe(3);
  expect(gate.isOpen).toBe(false);
  expect(log).toEqual(['opened: GET /api/v1/nodes: no answer: ECONNREFUSED', 'closed after 3 probes']);
  expect(gate.stats()).toEqual({ open: false, opened: 1, requests: 3 });
});

test('a probe answered with an HTTP error (403) closes it too: the server answers', async () => {
  const { gate } = gateWith([new KubeApiError('GET', '/api/v1/nodes', 403, 'forbidden')]);
  gate.failed(noAnswer());
  await gate.admit();
  expect(gate.isOpen).toBe(false);
});

test('probes are spaced by doubling delays up to the maximum', async () => {
  const { gate, probes } = gateWith(Array.from({ length: 20 }, noAnswer));
  gate.failed(noAnswer());
  // 5 + 10 + 20 + 20 ms: four probes by 55 ms, not more than six by 100 ms.
  await sleep(100);
  expect(probes()).toBeGreaterThanOrEqual(4);
  expect(probes()).toBeLessThanOrEqual(6);
  gate.stop();
});

test('stop releases the callers and ends the probes', async () => {
  const { gate, probes } = gateWith(Array.from({ length: 20 }, noAnswer));
  gate.failed(noAnswer());
  const waiting = gate.admit();
  gate.stop();
  await waiting;
  const sent = probes();
  await sleep(30);
  expect(probes()).toBe(sent);
});

test('TurnQueue serves one caller per turn of the event loop, in order', async () => {
  const turns = new TurnQueue();
  const order: string[] = [];
  let immediates = 0;
  const counter = setInterval(() => undefined, 1);
  const tick = (): void => {
    immediates += 1;
    if (immediates < 50) setImmediate(tick);
  };
  setImmediate(tick);
  const served: number[] = [];
  await Promise.all(
    ['a', 'b', 'c'].map(async (name) => {
      await turns.next();
      order.push(name);
      served.push(immediates);
    }),
  );
  clearInterval(counter);
  expect(order).toEqual(['a', 'b', 'c']);
  // Each caller ran in a later turn than the one before it.
  expect(served[1]).toBeGreaterThan(served[0] ?? 0);
  expect(served[2]).toBeGreaterThan(served[1] ?? 0);
});

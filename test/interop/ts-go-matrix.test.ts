/**
 * The TS ⇄ Go memberlist interop matrix (issue 3, "Interop, proven"), on 127.0.0.1 with free ports: Go
 * memberlist v0.5.1 and v0.2.2 x Go compression on and off x plaintext, one key and two keys in rotation.
 * In each: TS joins Go and Go joins TS (meta crosses), graceful leaves seen both ways. Deaths both ways in one
 * case per version (DefaultLANConfig takes seconds); a wrong key refused both ways; a 50-member Go process
 * (push/pull larger than one packet) joined by TS and joining TS; the TS member in a worker thread once.
 * Cases run concurrently (Jest's maxConcurrency, 5), each on its own processes and ports, except the
 * 50-member ones.
 */
import { buildPeers } from './peers.ts';
import {
  deathCases,
  fullMatrix,
  largeStateMatrix,
  oneKey,
  versions,
  wrongKey,
  type GoVersion,
} from './matrix/cases.ts';
import {
  goDies,
  goJoinsTs,
  goRefused,
  manyJoinTs,
  tsDies,
  tsJoinsGo,
  tsJoinsMany,
  tsRefused,
} from './matrix/scenarios.ts';
import { withScope } from './matrix/scope.ts';

let bins: { v051: string; v022: string };
const binOf = (version: GoVersion): string => (version === 'v0.5.1' ? bins.v051 : bins.v022);
const detection: string[] = [];

beforeAll(async () => {
  bins = await buildPeers();
}, 300_000);

afterAll(() => {
  console.log(`failure detection on 127.0.0.1:\n${detection.join('\n')}`);
});

describe('joins both ways, graceful leaves both ways', () => {
  test.concurrent.each(fullMatrix)(
    '$version, Go compress $compress, $security',
    async (c) => {
      await Promise.all([
        withScope((scope) => tsJoinsGo(scope, binOf(c.version), c)),
        withScope((scope) => goJoinsTs(scope, binOf(c.version), c)),
      ]);
    },
    30_000,
  );
});

describe('deaths seen both ways', () => {
  test.concurrent.each(deathCases)(
    '$version, $security: SIGKILLed Go marked dead by TS, stopped TS marked failed by Go',
    async (c) => {
      const [goDeath, tsDeath] = await Promise.all([
        withScope((scope) => goDies(scope, binOf(c.version), c)),
        withScope((scope) => tsDies(scope, binOf(c.version), c)),
      ]);
      detection.push(
        `${c.version}: Go killed -> dead at TS ${goDeath} ms; TS stopped -> failed at Go ${tsDeath} ms`,
      );
    },
    40_000,
  );
});

describe('a wrong key is refused both ways', () => {
  test.concurrent.each(versions)(
    '%s',
    async (version) => {
      await Promise.all([
        withScope((scope) => tsRefused(scope, binOf(version), oneKey, wrongKey)),
        withScope((scope) => goRefused(scope, binOf(version), oneKey, wrongKey)),
      ]);
    },
    30_000,
  );
});

// One case at a time: 100 Go nodes starting at once already keep 2 vCPUs busy for a second.
describe('50 Go members in one process: push/pull larger than one packet', () => {
  test.each(largeStateMatrix)(
    '$version, Go compress $compress, $security: TS joins them, they join TS',
    async (c) => {
      await Promise.all([
        withScope((scope) => tsJoinsMany(scope, binOf(c.version), c)),
        withScope((scope) => manyJoinTs(scope, binOf(c.version), c)),
      ]);
    },
    40_000,
  );
});

test('the TS member in a worker thread joins Go v0.5.1 and leaves', async () => {
  await withScope((scope) =>
    tsJoinsGo(scope, bins.v051, { version: 'v0.5.1', compress: true, ...oneKey }, false),
  );
}, 30_000);

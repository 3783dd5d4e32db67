/** Loading the addon under Jest (CommonJS): L2SPEAKER_ADDON, then the search from this module's directory. */
import { AddonMissingError, decide } from '../../src/native/index.ts';

const frame = Buffer.alloc(14);
const ctx = { mac: Buffer.alloc(6, 1), vlanTagged: false, owned: [] };

afterEach(() => {
  delete process.env.L2SPEAKER_ADDON;
});

test('a missing addon is an AddonMissingError naming where it looked and how to build', () => {
  process.env.L2SPEAKER_ADDON = '/nonexistent/l2speaker.node';
  let error: unknown;
  try {
    decide(frame, ctx);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(AddonMissingError);
  expect((error as AddonMissingError).searched).toEqual(['/nonexistent/l2speaker.node']);
  expect((error as Error).message).toMatch(/npm install.*npm run build:native/);
});

test('without the override the addon is found from the source tree and loads', () => {
  expect(decide(frame, ctx)).toEqual({ verdict: 'ignore', reason: 'unsupported-ethertype' });
});

/**
 * The TS ⇄ Go matrix: Go memberlist versions, Go-side compression, and keyrings. In rotation the two sides
 * hold the same two keys with different primaries (TS [k1, k2], Go [k2, k1]), so each decrypts with its
 * secondary key what the other encrypts with its primary.
 */
import { randomBytes } from 'node:crypto';

export type GoVersion = 'v0.5.1' | 'v0.2.2';

export interface Security {
  readonly security: 'plaintext' | 'one key' | 'two keys in rotation';
  readonly tsKeys: readonly Buffer[];
  /** The Go peer's -keys flag, primary first. */
  readonly goArgs: readonly string[];
}

export interface MatrixCase extends Security {
  readonly version: GoVersion;
  /** The Go peer's -compress; the TS member always compresses (startMembership has no option for it). */
  readonly compress: boolean;
}

const [k1, k2, k3] = [randomBytes(32), randomBytes(32), randomBytes(32)];
const goKeys = (...keys: Buffer[]): string[] => ['-keys', keys.map((k) => k.toString('base64')).join(',')];

export const versions: readonly GoVersion[] = ['v0.5.1', 'v0.2.2'];

export const plaintext: Security = { security: 'plaintext', tsKeys: [], goArgs: [] };
export const oneKey: Security = { security: 'one key', tsKeys: [k1], goArgs: goKeys(k1) };
export const rotation: Security = {
  security: 'two keys in rotation',
  tsKeys: [k1, k2],
  goArgs: goKeys(k2, k1),
};
/** A key neither side of oneKey holds. */
export const wrongKey: Security = { security: 'one key', tsKeys: [k3], goArgs: goKeys(k3) };

const cross = (securities: readonly Security[]): MatrixCase[] =>
  versions.flatMap((version) =>
    [true, false].flatMap((compress) => securities.map((s) => ({ version, compress, ...s }))),
  );

/** Every combination: joins both ways and graceful leaves both ways. */
export const fullMatrix: readonly MatrixCase[] = cross([plaintext, oneKey, rotation]);

/** A 50-member Go process, with and without a key, compression on and off. */
export const largeStateMatrix: readonly MatrixCase[] = cross([plaintext, oneKey]);

/** One representative case per version for deaths, which take DefaultLANConfig's several seconds. */
export const deathCases: readonly MatrixCase[] = versions.map((version) => ({
  version,
  compress: true,
  ...oneKey,
}));

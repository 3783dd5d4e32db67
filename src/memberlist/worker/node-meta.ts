/**
 * l2speaker's node meta: its version and election mode as compact JSON, e.g. `{"v":"0.1.0","e":"ring"}`, so
 * every member can tell l2speakers from MetalLB speakers (whose meta is empty).
 */
import { MAX_META_BYTES } from '../swim/index.ts';
import { MembershipOptionError } from './errors.ts';

export type ElectionMode = 'ring' | 'metallb';

export type NodeMeta =
  | { readonly kind: 'l2speaker'; readonly version: string; readonly election: ElectionMode }
  /** Empty meta: a MetalLB speaker or another Go memberlist node. */
  | { readonly kind: 'metallb' };

const MODES: readonly string[] = ['ring', 'metallb'];

export function encodeNodeMeta(meta: { version: string; election: ElectionMode }): Buffer {
  const bytes = Buffer.from(JSON.stringify({ v: meta.version, e: meta.election }), 'utf8');
  if (bytes.length > MAX_META_BYTES) {
    throw new MembershipOptionError('meta', bytes.length, `longer than ${MAX_META_BYTES} bytes`);
  }
  return bytes;
}

/** Reads a member's meta (Buffer, or base64 text as in MemberSnapshot); MembershipOptionError if foreign. */
export function decodeNodeMeta(meta: Buffer | string): NodeMeta {
  const bytes = typeof meta === 'string' ? Buffer.from(meta, 'base64') : meta;
  if (bytes.length === 0) return { kind: 'metallb' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MembershipOptionError('meta', bytes.toString('hex'), 'not JSON');
  }
  const { v, e } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (typeof v !== 'string' || typeof e !== 'string' || !MODES.includes(e)) {
    throw new MembershipOptionError(
      'meta',
      bytes.toString('utf8'),
      'expected {"v": version, "e": "ring"|"metallb"}',
    );
  }
  return { kind: 'l2speaker', version: v, election: e as ElectionMode };
}

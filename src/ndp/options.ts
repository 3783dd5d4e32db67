/** NDP options (RFC 4861 4.6): type, length in units of 8 bytes, data. */
import { EncodeError, MAC_LENGTH, requireBytes, requireUint } from '../ether/index.ts';

export const OPTION_SOURCE_LINK_LAYER = 1;
export const OPTION_TARGET_LINK_LAYER = 2;

/** A source (1) or target (2) link-layer address option of one unit: an Ethernet MAC. */
export interface LinkLayerOption {
  type: typeof OPTION_SOURCE_LINK_LAYER | typeof OPTION_TARGET_LINK_LAYER;
  mac: Buffer;
}

/** Any other option, kept as is: `data` is what follows the type and length bytes (8n - 2 bytes). */
export interface RawOption {
  type: number;
  data: Buffer;
}

export type NdpOption = LinkLayerOption | RawOption;

/** Splits `bytes` into options, or gives the offset of the first with length 0 or past the end. */
export function parseOptions(bytes: Buffer): { options: NdpOption[] } | { badOffset: number } {
  const options: NdpOption[] = [];
  let at = 0;
  while (at < bytes.length) {
    const type = bytes[at] ?? 0;
    const units = bytes[at + 1] ?? 0;
    if (units === 0 || at + 8 * units > bytes.length) return { badOffset: at };
    const data = Buffer.from(bytes.subarray(at + 2, at + 8 * units));
    const isLinkLayer = type === OPTION_SOURCE_LINK_LAYER || type === OPTION_TARGET_LINK_LAYER;
    options.push(isLinkLayer && units === 1 ? { type, mac: data } : { type, data });
    at += 8 * units;
  }
  return { options };
}

export function encodeOptions(options: readonly NdpOption[]): Buffer {
  return Buffer.concat(options.map(encodeOption));
}

function encodeOption(option: NdpOption): Buffer {
  const type = requireUint('ndp', 'option.type', option.type, 0xff);
  const data = 'mac' in option ? requireBytes('ndp', 'option.mac', option.mac, MAC_LENGTH) : option.data;
  const length = data.length + 2;
  if (!Buffer.isBuffer(data) || length % 8 !== 0 || length > 8 * 0xff) {
    throw new EncodeError('ndp', 'option.data', 'a Buffer of 8n - 2 bytes, n in [1, 255]', data);
  }
  return Buffer.concat([Buffer.from([type, length / 8]), data]);
}

/**
 * The MAC in the first option of `type` (1 source, 2 target), whatever its length: the 6 bytes after its
 * type and length bytes.
 */
export function linkLayerAddress(
  options: readonly NdpOption[],
  type: LinkLayerOption['type'],
): Buffer | undefined {
  const option = options.find((candidate) => candidate.type === type);
  if (option === undefined) return undefined;
  return 'mac' in option ? option.mac : option.data.subarray(0, MAC_LENGTH);
}

/** Bounds the decoders enforce so hostile input costs little memory and time. */

export interface WireLimits {
  /** Deepest nesting of msgpack maps and arrays. memberlist's structs nest at most 1 level. */
  readonly maxDepth: number;
  /** Most entries in one msgpack map or array. */
  readonly maxElements: number;
  /** Longest msgpack str or bin value. */
  readonly maxBytesLength: number;
  /** Most bytes LZW decompression may produce (memberlist caps at 40 MiB; a packet never needs that much). */
  readonly maxDecompressedBytes: number;
  /** Most nested compound/compress layers in one packet (memberlist recurses without a bound). */
  readonly maxLayerDepth: number;
  /** Most members in one push/pull. */
  readonly maxPushPullNodes: number;
  /** Largest encrypted TCP message or user state (memberlist's maxPushStateBytes, 20 MiB). */
  readonly maxStreamBytes: number;
}

export const DEFAULT_LIMITS: WireLimits = {
  maxDepth: 8,
  maxElements: 1 << 16,
  maxBytesLength: 20 * 1024 * 1024,
  maxDecompressedBytes: 20 * 1024 * 1024,
  maxLayerDepth: 4,
  maxPushPullNodes: 1 << 16,
  maxStreamBytes: 20 * 1024 * 1024,
};

/** The part of the `hashring` package (3.2.0, CommonJS, untyped) that the ring election uses. */
declare module 'hashring' {
  interface ServerOptions {
    /** Points per node, honoured only when it differs from the ring's global 'vnode count'. */
    readonly vnodes?: number;
    readonly weight?: number;
  }
  interface HashRingOptions {
    readonly 'vnode count'?: number;
    readonly replicas?: number;
  }
  class HashRing {
    constructor(
      servers: Readonly<Record<string, ServerOptions>>,
      algorithm?: string,
      options?: HashRingOptions,
    );
    /** Distinct servers in ring order from the key's position, at most `size` of them (default: all). */
    range(key: string, size?: number, unique?: boolean): string[];
    /** The ring's points in ascending order of value (ties in server order). */
    readonly ring: readonly { readonly value: number; readonly server: string }[];
    /** The point of a key's hash on the ring (md5 of the key, member-independent). */
    hashValue(key: string): number;
    /** The index of the first point at or after `hashValue`, 0 past the last one. */
    find(hashValue: number): number;
    /** Ring positions of each server. */
    points(servers?: readonly string[]): Record<string, number[]>;
  }
  export = HashRing;
}

/**
 * The first 64 bits of SHA-256 (FIPS 180-4) of a short text, without allocating: the metallb rule hashes
 * every (member, IP) pair, a million of them for 10,000 services and 100 members, and node:crypto spends
 * most of its time per call rather than per byte. Texts longer than one block (55 UTF-8 bytes) are left
 * to the caller (undefined).
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const H0 = 0x6a09e667 | 0;
const H1 = 0xbb67ae85 | 0;
const H2 = 0x3c6ef372 | 0;
const H3 = 0xa54ff53a | 0;
const H4 = 0x510e527f | 0;
const H5 = 0x9b05688c | 0;
const H6 = 0x1f83d9ab | 0;
const H7 = 0x5be0cd19 | 0;

/** The longest message that fits one block with its 0x80 byte and 64-bit length. */
const MAX_ONE_BLOCK = 55;

const block = new Uint8Array(64);
const schedule = new Int32Array(64);
const encoder = new TextEncoder();

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

function expand(): void {
  for (let i = 0; i < 16; i++) {
    const at = i * 4;
    schedule[i] =
      ((block[at] as number) << 24) |
      ((block[at + 1] as number) << 16) |
      ((block[at + 2] as number) << 8) |
      (block[at + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const w15 = schedule[i - 15] ?? 0;
    const w2 = schedule[i - 2] ?? 0;
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    schedule[i] = ((schedule[i - 16] as number) + s0 + (schedule[i - 7] as number) + s1) | 0;
  }
}

/**
 * The digest's first 32-bit word (high) and second (low), unsigned, written to `out[0]` and `out[1]`;
 * false when `text` does not fit one block (nothing written).
 */
export function sha256Prefix(text: string, out: Uint32Array): boolean {
  block.fill(0);
  const { read, written } = encoder.encodeInto(text, block);
  if (read !== text.length || written > MAX_ONE_BLOCK) return false;
  block[written] = 0x80;
  const bits = written * 8;
  block[62] = bits >>> 8;
  block[63] = bits & 0xff;
  expand();
  let a = H0;
  let b = H1;
  let c = H2;
  let d = H3;
  let e = H4;
  let f = H5;
  let g = H6;
  let h = H7;
  for (let i = 0; i < 64; i++) {
    const t1 =
      (h +
        (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
        ((e & f) ^ (~e & g)) +
        (K[i] as number) +
        (schedule[i] as number)) |
      0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = (a + H0) | 0;
  out[1] = (b + H1) | 0;
  return true;
}

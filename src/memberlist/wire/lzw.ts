/**
 * LZW as Go's compress/lzw writes it with LSB order and 8-bit literals (memberlist's only compression):
 * code 256 clears, 257 ends, codes grow from 9 to 12 bits when the next code to assign needs the wider width
 * (no early change), the stream starts with a clear code, and when the next code would be 4095 the encoder
 * emits a clear and starts a fresh table instead of using it.
 */
import { WireError } from './errors.ts';

const CLEAR = 256;
const EOF = 257;
const MAX_CODE = 4095;
const MAX_WIDTH = 12;

/** Packs codes of varying width, least significant bit first. */
class BitWriter {
  private readonly out: number[] = [];
  private bits = 0;
  private count = 0;

  write(code: number, width: number): void {
    this.bits |= code << this.count;
    this.count += width;
    while (this.count >= 8) {
      this.out.push(this.bits & 0xff);
      this.bits >>>= 8;
      this.count -= 8;
    }
  }

  finish(): Buffer {
    if (this.count > 0) this.out.push(this.bits & 0xff);
    return Buffer.from(this.out);
  }
}

export function lzwCompress(input: Buffer): Buffer {
  const writer = new BitWriter();
  writer.write(CLEAR, 9);
  let width = 9;
  let hi = EOF;
  let overflow = 512;
  // (prefix code << 8 | next byte) -> code; reset along with the code space.
  let table = new Map<number, number>();
  /** Go's incHi: the next code; true when the code space ran out and a clear was sent. */
  const nextCode = (): boolean => {
    hi++;
    if (hi === overflow) {
      width++;
      overflow <<= 1;
    }
    if (hi !== MAX_CODE) return false;
    writer.write(CLEAR, width);
    width = 9;
    hi = EOF;
    overflow = 512;
    table = new Map();
    return true;
  };
  if (input.length > 0) {
    let code = input[0] as number;
    for (let i = 1; i < input.length; i++) {
      const byte = input[i] as number;
      const key = (code << 8) | byte;
      const known = table.get(key);
      if (known !== undefined) {
        code = known;
        continue;
      }
      writer.write(code, width);
      code = byte;
      if (!nextCode()) table.set(key, hi);
    }
    writer.write(code, width);
    nextCode();
  }
  writer.write(EOF, width);
  return writer.finish();
}

/** Undoes lzwCompress (and any stream Go's reader accepts), refusing to produce more than `maxOutput` bytes. */
export function lzwDecompress(input: Buffer, maxOutput: number): Buffer {
  const prefix = new Uint16Array(MAX_CODE + 1);
  const suffix = new Uint8Array(MAX_CODE + 1);
  const scratch = new Uint8Array(MAX_CODE + 1);
  let out: Buffer = Buffer.alloc(Math.min(maxOutput, Math.max(64, input.length * 4)));
  let total = 0;
  let bits = 0;
  let count = 0;
  let pos = 0;
  let width = 9;
  let hi = EOF;
  let overflow = 512;
  let last = -1;
  for (;;) {
    while (count < width) {
      if (pos >= input.length) {
        throw new WireError('truncated', { layer: 'lzw', offset: pos }, 'stream ends without an end code');
      }
      bits |= (input[pos] as number) << count;
      pos++;
      count += 8;
    }
    const code = bits & ((1 << width) - 1);
    bits >>>= width;
    count -= width;
    if (code === CLEAR) {
      width = 9;
      hi = EOF;
      overflow = 512;
      last = -1;
      continue;
    }
    if (code === EOF) return out.subarray(0, total);
    if (code > hi || (code === hi && last === -1)) {
      throw new WireError(
        'invalid-format',
        { layer: 'lzw', offset: pos, value: code },
        `code ${code} is not defined yet`,
      );
    }
    // Expand the code backwards into scratch; code == hi is the K-w-K-w-K case: last's expansion + its first byte.
    let i = scratch.length;
    let c = code;
    if (code === hi) {
      let head = last;
      while (head >= CLEAR) head = prefix[head] as number;
      scratch[--i] = head;
      c = last;
    }
    while (c >= CLEAR) {
      scratch[--i] = suffix[c] as number;
      c = prefix[c] as number;
    }
    scratch[--i] = c;
    const length = scratch.length - i;
    if (total + length > maxOutput) {
      throw new WireError(
        'limit-exceeded',
        { layer: 'lzw', offset: pos, value: total + length },
        `output exceeds ${maxOutput} bytes`,
      );
    }
    if (total + length > out.length)
      out = grow(out, Math.min(maxOutput, Math.max(total + length, out.length * 2)));
    out.set(scratch.subarray(i), total);
    total += length;
    if (last !== -1) {
      suffix[hi] = c;
      prefix[hi] = last;
    }
    last = code;
    hi++;
    if (hi >= overflow) {
      if (width === MAX_WIDTH) {
        // The table is full: keep decoding codes but define no more (Go's reader does the same).
        last = -1;
        hi--;
      } else {
        width++;
        overflow <<= 1;
      }
    }
  }
}

function grow(buf: Buffer, size: number): Buffer {
  const bigger = Buffer.alloc(size);
  buf.copy(bigger);
  return bigger;
}

import fc from 'fast-check';
import {
  DEFAULT_LIMITS,
  VSN,
  compressMessage,
  decodeCompound,
  decodeMsgpack,
  decodeMsgpackPrefix,
  decodePacket,
  decodePacketMessage,
  decompressMessage,
  encodeCompound,
  encodePacket,
  encodePacketMessage,
  goBytes,
  goString,
  goStruct,
  goUint,
} from '../../src/memberlist/wire/index.ts';
import type { PacketMessage } from '../../src/memberlist/wire/index.ts';
import { packetMessage, wireError } from './memberlist-wire-helpers.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const decode = (buf: Buffer) => decodePacketMessage(buf, DEFAULT_LIMITS);

describe('reference vectors (bytes from Go memberlist v0.2.2 and v0.5.1)', () => {
  const ping: PacketMessage = {
    type: 'ping',
    seqNo: 7,
    node: 'node-b',
    sourceAddr: Buffer.from([10, 0, 0, 1]),
    sourcePort: 7946,
    sourceNode: 'node-a',
  };
  const pingHex =
    '0085a44e6f6465a66e6f64652d62a55365714e6f07aa536f7572636541646472a40a000001aa536f757263654e6f6465a66e6f64652d61aa536f75726365506f7274cd1f0a';
  const alive: PacketMessage = {
    type: 'alive',
    incarnation: 1,
    node: 'node-a',
    addr: Buffer.from([10, 0, 0, 1]),
    port: 7946,
    meta: null,
    vsn: VSN,
  };
  const aliveHex =
    '0486a441646472a40a000001ab496e6361726e6174696f6e01a44d657461c0a44e6f6465a66e6f64652d61a4506f7274cd1f0aa356736ea6010502000000';

  it('ping', () => {
    expect(encodePacketMessage(ping).toString('hex')).toBe(pingHex);
    expect(decode(hex(pingHex))).toEqual(ping);
    expect(encodePacket([ping], { compress: false, crc: false }).map((b) => b.toString('hex'))).toEqual([
      pingHex,
    ]);
  });

  it('alive', () => {
    expect(encodePacketMessage(alive).toString('hex')).toBe(aliveHex);
    expect(decode(hex(aliveHex))).toEqual(alive);
  });

  it('compound', () => {
    expect(encodeCompound([hex('00aa'), hex('02bbcc')]).map((b) => b.toString('hex'))).toEqual([
      '07020002000300aa02bbcc',
    ]);
    expect(decodeCompound(hex('07020002000300aa02bbcc'))).toEqual({
      parts: [hex('00aa'), hex('02bbcc')],
      truncated: 0,
    });
  });

  it('compress', () => {
    const vector = '0982a4416c676f00a3427566ab00010410302088c1830101';
    expect(compressMessage(hex('00010203414141414141')).toString('hex')).toBe(vector);
    expect(decompressMessage(hex(vector), DEFAULT_LIMITS)).toEqual(hex('00010203414141414141'));
  });
});

describe('msgpack as Go writes it', () => {
  it('writes strings and bytes in the str family, never str8 or bin', () => {
    const head = (length: number) => goBytes(Buffer.alloc(length)).subarray(0, 5).toString('hex');
    expect(head(0)).toBe('a0');
    expect(head(31).slice(0, 2)).toBe('bf');
    expect(head(32).slice(0, 6)).toBe('da0020');
    expect(head(255).slice(0, 6)).toBe('da00ff');
    expect(head(65536)).toBe('db00010000');
    expect(goBytes(null).toString('hex')).toBe('c0');
    expect(goString('é').toString('hex')).toBe('a2c3a9');
  });

  it('writes integers in their smallest unsigned form', () => {
    const enc = (v: number) => goUint('f', v, Number.MAX_SAFE_INTEGER).toString('hex');
    expect([0, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32].map(enc)).toEqual([
      '00',
      '7f',
      'cc80',
      'ccff',
      'cd0100',
      'cdffff',
      'ce00010000',
      'ceffffffff',
      'cf0000000100000000',
    ]);
    expect(wireError(() => goUint('Port', 65536, 0xffff))).toMatchObject({
      reason: 'out-of-range',
      field: 'Port',
    });
  });

  it('sorts struct keys and omits empty omitempty fields', () => {
    expect(
      goStruct([
        ['b', hex('01')],
        ['a', hex('02')],
      ]).toString('hex'),
    ).toBe('82a16102a16201');
    expect(
      encodePacketMessage({ type: 'ping', seqNo: 1, node: 'n', sourcePort: 0, sourceNode: '' }).toString(
        'hex',
      ),
    ).toBe('0082a44e6f6465a16ea55365714e6f01');
    expect(encodePacketMessage({ type: 'ackResp', seqNo: 1, payload: null }).toString('hex')).toBe(
      '0282a75061796c6f6164c0a55365714e6f01',
    );
  });

  it('reads every integer format', () => {
    for (const int of [
      '07',
      'cc07',
      'cd0007',
      'ce00000007',
      'cf0000000000000007',
      'd007',
      'd10007',
      'd200000007',
      'd30000000000000007',
    ]) {
      expect(decode(hex(`0b81a55365714e6f${int}`))).toEqual({ type: 'nackResp', seqNo: 7 });
    }
    expect(wireError(() => decode(hex('0b81a55365714e6fff')))).toMatchObject({
      reason: 'out-of-range',
      field: 'SeqNo',
    });
    expect(wireError(() => decode(hex('0b81a55365714e6fcf0000000100000000')))).toMatchObject({
      reason: 'out-of-range',
    });
    expect(wireError(() => decode(hex('0b81a55365714e6fa17a')))).toMatchObject({
      reason: 'wrong-type',
      field: 'SeqNo',
    });
  });

  it('reads str8 and bin, keeps bytes as bytes, ignores unknown and wrong-case keys', () => {
    // {Error: str8 "x"}, then {SeqNo: 1, Payload: bin ff fe, seqno: 9, Other: [1]}
    expect(decode(hex('0d81a54572726f72d90178'))).toEqual({ type: 'err', error: 'x' });
    expect(decode(hex('0284a55365714e6f01a75061796c6f6164c402fffea57365716e6f09a54f746865729101'))).toEqual({
      type: 'ackResp',
      seqNo: 1,
      payload: hex('fffe'),
    });
    expect(decode(hex('0b81a57365716e6f09'))).toEqual({ type: 'nackResp', seqNo: 0 });
  });

  it('refuses what it cannot encode', () => {
    const alive = {
      type: 'alive',
      incarnation: 1,
      node: 'n',
      addr: hex('01020304'),
      port: 1,
      meta: null,
    } as const;
    expect(wireError(() => encodePacketMessage({ ...alive, vsn: [1, 5, 2] }))).toMatchObject({
      reason: 'out-of-range',
      field: 'Vsn',
    });
    expect(wireError(() => encodePacketMessage({ ...alive, vsn: [1, 5, 2, 0, 0, 256] }))).toMatchObject({
      field: 'Vsn',
    });
    expect(wireError(() => encodePacketMessage({ type: 'nackResp', seqNo: -1 }))).toMatchObject({
      field: 'SeqNo',
    });
  });

  it('bounds depth, counts and sizes', () => {
    const limits = { ...DEFAULT_LIMITS, maxDepth: 3, maxElements: 10, maxBytesLength: 100 };
    expect(decodeMsgpack(hex('91919100'), 0, limits).value).toEqual([[[0]]]);
    expect(wireError(() => decodeMsgpack(hex('9191919100'), 0, limits))).toMatchObject({
      reason: 'limit-exceeded',
      field: 'depth',
    });
    expect(wireError(() => decodeMsgpack(hex('dfffffffff'), 0, limits))).toMatchObject({
      reason: 'limit-exceeded',
    });
    expect(wireError(() => decodeMsgpack(hex('dbffffffff'), 0, limits))).toMatchObject({
      reason: 'limit-exceeded',
    });
    expect(wireError(() => decodeMsgpack(hex('c1'), 0, limits))).toMatchObject({
      reason: 'invalid-format',
      offset: 0,
    });
    const deep = Buffer.concat([Buffer.alloc(100_000, 0x91), hex('00')]);
    expect(wireError(() => decodeMsgpack(deep, 0, DEFAULT_LIMITS))).toMatchObject({
      reason: 'limit-exceeded',
    });
  });

  it('decodes incrementally: need-more until the value is complete', () => {
    const value = encodePacketMessage({ type: 'nackResp', seqNo: 70000 }).subarray(1);
    for (let i = 0; i < value.length; i++)
      expect(decodeMsgpackPrefix(value.subarray(0, i), 0, DEFAULT_LIMITS)).toEqual({ status: 'need-more' });
    const more = Buffer.concat([value, hex('ffff')]);
    expect(decodeMsgpackPrefix(more, 0, DEFAULT_LIMITS)).toMatchObject({ status: 'done', end: value.length });
    expect(() => decodeMsgpackPrefix(hex('c1'), 0, DEFAULT_LIMITS)).toThrow('never-used type 0xc1');
    expect(decodeMsgpack(hex('d4010a'), 0, DEFAULT_LIMITS).value).toEqual({
      kind: 'ext',
      extType: 1,
      data: hex('0a'),
    });
  });
});

describe('message codecs', () => {
  it('round trips every packet message', () => {
    fc.assert(
      fc.property(packetMessage, (msg) => {
        expect(decode(encodePacketMessage(msg))).toEqual(msg);
      }),
      { numRuns: 2000 },
    );
  });

  it('puts user messages on the wire raw', () => {
    expect(encodePacketMessage({ type: 'user', payload: hex('c1c1') }).toString('hex')).toBe('08c1c1');
    expect(decodePacket(hex('08'), { requireEncryption: false })).toEqual([
      { type: 'user', payload: Buffer.alloc(0) },
    ]);
  });

  it('refuses types that are not packet messages', () => {
    expect(wireError(() => decode(hex('06')))).toMatchObject({ reason: 'unknown-message-type', value: 6 });
    expect(wireError(() => decode(Buffer.alloc(0)))).toMatchObject({ reason: 'truncated' });
    expect(wireError(() => decode(hex('0b')))).toMatchObject({ reason: 'truncated', layer: 'msgpack' });
    expect(wireError(() => decode(hex('0b91')))).toMatchObject({ reason: 'truncated' });
    expect(wireError(() => decode(hex('0b9100')))).toMatchObject({ reason: 'wrong-type', field: 'nackResp' });
  });
});

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  DEFAULT_LIMITS,
  compressMessage,
  createKeyring,
  decodePacket,
  decodePacketParts,
  decodeStream,
  encodeCompound,
  encodePacket,
  encodePacketMessage,
  encodeStream,
} from '../../src/memberlist/wire/index.ts';
import type { PacketMessage, StreamMessage } from '../../src/memberlist/wire/index.ts';
import {
  decodeOptions,
  encodeOptions,
  keyring,
  packetMessage,
  streamDecode,
  streamMessage,
  wireError,
} from './memberlist-wire-helpers.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const nack = (seqNo: number): PacketMessage => ({ type: 'nackResp', seqNo });

describe('packet pipeline', () => {
  it('round trips any messages in packets of at most 1400 bytes', () => {
    fc.assert(
      fc.property(fc.array(packetMessage, { maxLength: 300 }), encodeOptions, (messages, opts) => {
        const packets = encodePacket(messages, opts);
        for (const packet of packets) expect(packet.length).toBeLessThanOrEqual(1400);
        expect(packets.flatMap((p) => decodePacket(p, decodeOptions(opts)))).toEqual(messages);
      }),
      { numRuns: 200 },
    );
  });

  it('fills packets: 600 small messages take few packets, compressed only when smaller', () => {
    const messages = Array.from({ length: 600 }, (_, i) => nack(i));
    const plain = encodePacket(messages, { compress: false, crc: false });
    expect(plain.length).toBeLessThanOrEqual(8);
    expect(plain.every((p) => p[0] === 0x07)).toBe(true);
    expect(encodePacket([nack(1)], { compress: true, crc: false })[0]?.[0]).toBe(0x0b);
    expect(
      encodePacket(messages, { compress: true, crc: true }).every((p) => p[0] === 0x0c && p[5] === 0x09),
    ).toBe(true);
  });

  it('refuses a message that cannot fit a packet', () => {
    const big: PacketMessage = { type: 'user', payload: randomBytes(2000) };
    expect(wireError(() => encodePacket([big], { compress: true, crc: true }))).toMatchObject({
      reason: 'too-large',
    });
  });

  it('undoes nested compound and compress layers, within a depth limit', () => {
    let buf = encodePacketMessage(nack(5));
    for (let depth = 0; depth < 4; depth++)
      buf = depth % 2 ? compressMessage(buf) : (encodeCompound([buf, hex('0b80')])[0] as Buffer);
    expect(decodePacket(buf, { requireEncryption: false })).toEqual([nack(5), nack(0), nack(0)]);
    const tooDeep = compressMessage(buf);
    const limits = { ...DEFAULT_LIMITS, maxLayerDepth: 3 };
    expect(wireError(() => decodePacket(tooDeep, { requireEncryption: false, limits }))).toMatchObject({
      reason: 'limit-exceeded',
    });
  });

  it('keeps the readable parts of a compound, as memberlist does', () => {
    const packet = encodeCompound([
      encodePacketMessage(nack(1)),
      hex('ff'),
      encodePacketMessage(nack(2)),
    ])[0] as Buffer;
    const { messages, errors } = decodePacketParts(packet, { requireEncryption: false });
    expect(messages).toEqual([nack(1), nack(2)]);
    expect(errors).toMatchObject([{ reason: 'unknown-message-type', value: 0xff }]);
    expect(wireError(() => decodePacket(packet, { requireEncryption: false }))).toMatchObject({
      value: 0xff,
    });
  });

  it('checks labels, encryption and CRC', () => {
    const [sealed] = encodePacket([nack(3)], { compress: false, crc: true, keyring, label: 'a' }) as [Buffer];
    expect(decodePacket(sealed, { keyring, label: 'a', requireEncryption: true })).toEqual([nack(3)]);
    expect(
      wireError(() => decodePacket(sealed, { keyring, label: 'b', requireEncryption: true })),
    ).toMatchObject({ reason: 'label-mismatch' });
    expect(wireError(() => decodePacket(sealed, { keyring, requireEncryption: true }))).toMatchObject({
      reason: 'label-mismatch',
    });
    const relabelled = Buffer.concat([hex('f40162'), sealed.subarray(3)]);
    expect(
      wireError(() => decodePacket(relabelled, { keyring, label: 'b', requireEncryption: true })),
    ).toMatchObject({ reason: 'decrypt-failed' });
    const otherKey = createKeyring([randomBytes(32)]);
    expect(
      wireError(() => decodePacket(sealed, { keyring: otherKey, label: 'a', requireEncryption: true })),
    ).toMatchObject({ reason: 'decrypt-failed' });
    const [plain] = encodePacket([nack(4)], { compress: false, crc: true }) as [Buffer];
    expect(wireError(() => decodePacket(plain, { keyring, requireEncryption: true }))).toMatchObject({
      layer: 'encrypt',
    });
    expect(decodePacket(plain, { keyring, requireEncryption: false })).toEqual([nack(4)]);
    plain.writeUInt8(plain.readUInt8(plain.length - 1) ^ 1, plain.length - 1);
    expect(wireError(() => decodePacket(plain, { requireEncryption: false }))).toMatchObject({
      reason: 'checksum-mismatch',
    });
  });
});

describe('stream pipeline', () => {
  it('round trips every stream message, needing more bytes until complete', () => {
    const options = fc.record({
      compress: fc.boolean(),
      encrypted: fc.boolean(),
      label: fc.constantFrom(undefined, 'lab'),
    });
    fc.assert(
      fc.property(
        streamMessage,
        options,
        fc.boolean(),
        (msg, { compress, encrypted, label }, labelHeader) => {
          const wire = encodeStream(msg, {
            compress,
            keyring: encrypted ? keyring : undefined,
            label,
            labelHeader,
          });
          const opts = streamDecode({
            keyring: encrypted ? keyring : undefined,
            label,
            labelHeader,
            requireEncryption: encrypted,
          });
          const trailing = Buffer.concat([wire, hex('00ff')]);
          expect(decodeStream(trailing, opts)).toEqual({
            status: 'done',
            message: msg,
            consumed: wire.length,
          });
          for (const cut of [0, 1, wire.length >> 1, wire.length - 1]) {
            expect(decodeStream(wire.subarray(0, cut), opts)).toEqual({ status: 'need-more' });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('needs more at every prefix of a plain push/pull', () => {
    const msg: StreamMessage = {
      type: 'pushPull',
      join: false,
      nodes: [
        {
          name: 'n',
          addr: hex('0a000001'),
          port: 7946,
          meta: null,
          incarnation: 2,
          state: 0,
          vsn: [1, 5, 2, 0, 0, 0],
        },
      ],
      userState: Buffer.from('state'),
    };
    const wire = encodeStream(msg, { compress: false, labelHeader: false });
    expect(wire.subarray(0, 2).toString('hex')).toBe('0683');
    for (let i = 0; i < wire.length; i++)
      expect(decodeStream(wire.subarray(0, i), streamDecode()).status).toBe('need-more');
    expect(decodeStream(wire, streamDecode())).toMatchObject({ status: 'done', message: msg });
  });

  it('writes a user message with its {UserMsgLen} header', () => {
    const wire = encodeStream(
      { type: 'user', payload: hex('abcd') },
      { compress: false, labelHeader: false },
    );
    expect(wire.toString('hex')).toBe('0881aa557365724d73674c656e02abcd');
  });

  it('refuses plaintext, wrong labels, oversized and unknown streams', () => {
    const ping: StreamMessage = { type: 'ping', seqNo: 1, node: 'n' };
    const plain = encodeStream(ping, { compress: true, labelHeader: false });
    expect(
      wireError(() => decodeStream(plain, streamDecode({ keyring, requireEncryption: true }))),
    ).toMatchObject({ reason: 'encryption-required' });
    const labelled = encodeStream(ping, { compress: true, labelHeader: true, label: 'x' });
    expect(
      wireError(() => decodeStream(labelled, streamDecode({ labelHeader: true, label: 'y' }))),
    ).toMatchObject({ reason: 'label-mismatch' });
    expect(
      wireError(() => decodeStream(plain, streamDecode({ labelHeader: true, label: 'y' }))),
    ).toMatchObject({ reason: 'label-mismatch' });
    expect(wireError(() => decodeStream(hex('0affffffff'), streamDecode({ keyring })))).toMatchObject({
      reason: 'limit-exceeded',
    });
    expect(wireError(() => decodeStream(hex('0a00000010'), streamDecode()))).toMatchObject({
      reason: 'decrypt-failed',
    });
    expect(wireError(() => decodeStream(hex('0b00'), streamDecode()))).toMatchObject({
      reason: 'unknown-message-type',
    });
    const hugeState = hex('0683a44a6f696ec2a54e6f64657300ac5573657253746174654c656ece7fffffff');
    expect(wireError(() => decodeStream(hugeState, streamDecode()))).toMatchObject({
      reason: 'limit-exceeded',
      field: 'UserStateLen',
    });
  });
});

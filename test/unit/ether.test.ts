import fc from 'fast-check';
import {
  EncodeError,
  EthernetDecodeError,
  InvalidAddressError,
  allNodesIpv6,
  allNodesMac,
  broadcastMac,
  decodeEthernetHeader,
  encodeEthernetFrame,
  formatIp,
  formatMac,
  isBroadcastMac,
  isMulticastMac,
  isUnspecified,
  parseIp,
  parseIpv4,
  parseIpv6,
  parseMac,
  solicitedNodeIpv6,
  solicitedNodeMac,
  unspecifiedIpv6,
  zeroMac,
} from '../../src/ether/index.ts';

const bytes = (length: number) =>
  fc.uint8Array({ minLength: length, maxLength: length }).map((a) => Buffer.from(a));

describe('MAC addresses', () => {
  it('parses and formats, round trip', () => {
    fc.assert(
      fc.property(bytes(6), (mac) => {
        expect(parseMac(formatMac(mac))).toEqual(mac);
      }),
    );
    expect(formatMac(parseMac('AA-bb-0C-dd-EE-0f'))).toBe('aa:bb:0c:dd:ee:0f');
  });

  it.each([
    '',
    'aa:bb:cc:dd:ee',
    'aa:bb:cc:dd:ee:ff:00',
    'aa:bb-cc:dd:ee:ff',
    'gg:bb:cc:dd:ee:ff',
    'aabbccddeeff',
  ])('rejects %j with InvalidAddressError', (text) => {
    expect(() => parseMac(text)).toThrow(InvalidAddressError);
  });

  it('rejects a Buffer of the wrong size when formatting', () => {
    expect(() => formatMac(Buffer.alloc(5))).toThrow(InvalidAddressError);
  });

  it('knows broadcast, multicast and the well-known MACs', () => {
    expect(formatMac(broadcastMac())).toBe('ff:ff:ff:ff:ff:ff');
    expect(formatMac(zeroMac())).toBe('00:00:00:00:00:00');
    expect(formatMac(allNodesMac())).toBe('33:33:00:00:00:01');
    expect(isBroadcastMac(broadcastMac())).toBe(true);
    expect(isBroadcastMac(parseMac('ff:ff:ff:ff:ff:fe'))).toBe(false);
    expect(isMulticastMac(broadcastMac())).toBe(true);
    expect(isMulticastMac(allNodesMac())).toBe(true);
    expect(isMulticastMac(parseMac('01:00:5e:00:00:01'))).toBe(true);
    expect(isMulticastMac(parseMac('02:00:00:00:00:01'))).toBe(false);
  });

  it('hands out fresh Buffers for constants', () => {
    broadcastMac().fill(0);
    expect(isBroadcastMac(broadcastMac())).toBe(true);
  });

  it('derives the solicited-node MAC from the last 3 bytes', () => {
    expect(formatMac(solicitedNodeMac(parseIpv6('2001:db8::12:3456:789a')))).toBe('33:33:ff:56:78:9a');
    expect(() => solicitedNodeMac(Buffer.alloc(4))).toThrow(InvalidAddressError);
  });
});

describe('IP addresses', () => {
  it('round-trips IPv4 and IPv6 Buffers through text', () => {
    fc.assert(
      fc.property(fc.oneof(bytes(4), bytes(16)), (ip) => {
        expect(parseIp(formatIp(ip))).toEqual(ip);
      }),
    );
  });

  it('parses the usual forms', () => {
    expect(parseIpv4('192.0.2.10')).toEqual(Buffer.from([192, 0, 2, 10]));
    expect(parseIpv6('2001:db8::1').toString('hex')).toBe('20010db8000000000000000000000001');
    expect(formatIp(parseIpv6('2001:DB8:0:0:0:0:0:1'))).toBe('2001:db8::1');
    expect(parseIp('198.51.100.1')).toHaveLength(4);
    expect(parseIp('2001:db8::1')).toHaveLength(16);
  });

  it.each([
    ['ipv4', () => parseIpv4('2001:db8::1')],
    ['ipv4', () => parseIpv4('256.0.0.1')],
    ['ipv6', () => parseIpv6('192.0.2.1')],
    ['ipv6', () => parseIpv6('fe80::1%eth0')],
    ['ip', () => parseIp('example.com')],
    ['ip', () => formatIp(Buffer.alloc(6))],
  ])('rejects bad %s input with InvalidAddressError', (kind, call) => {
    expect(call).toThrow(expect.objectContaining({ kind }));
  });

  it('builds the solicited-node group and knows :: and ff02::1', () => {
    expect(formatIp(solicitedNodeIpv6(parseIpv6('2001:db8::12:3456:789a')))).toBe('ff02::1:ff56:789a');
    expect(formatIp(allNodesIpv6())).toBe('ff02::1');
    expect(isUnspecified(unspecifiedIpv6())).toBe(true);
    expect(isUnspecified(parseIpv6('::1'))).toBe(false);
    expect(() => solicitedNodeIpv6(Buffer.alloc(4))).toThrow(InvalidAddressError);
  });
});

describe('Ethernet header', () => {
  it('round-trips header and payload', () => {
    fc.assert(
      fc.property(
        bytes(6),
        bytes(6),
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array(),
        (dst, src, type, p) => {
          const frame = encodeEthernetFrame({ dst, src, ethertype: type }, Buffer.from(p));
          expect(frame).toHaveLength(14 + p.length);
          expect(decodeEthernetHeader(frame)).toEqual({ dst, src, ethertype: type });
          expect(frame.subarray(14)).toEqual(Buffer.from(p));
        },
      ),
    );
  });

  it('reports truncation with its offset', () => {
    expect(() => decodeEthernetHeader(Buffer.alloc(13))).toThrow(
      expect.objectContaining({ name: 'EthernetDecodeError', reason: 'truncated', offset: 13 }),
    );
    expect(() => decodeEthernetHeader(Buffer.alloc(0))).toThrow(EthernetDecodeError);
  });

  it('refuses to encode bad fields', () => {
    const header = { dst: Buffer.alloc(6), src: Buffer.alloc(5), ethertype: 0x0800 };
    expect(() => encodeEthernetFrame(header, Buffer.alloc(0))).toThrow(
      expect.objectContaining({ name: 'EncodeError', field: 'ethSrc' }),
    );
    const badType = { dst: Buffer.alloc(6), src: Buffer.alloc(6), ethertype: 0x10000 };
    expect(() => encodeEthernetFrame(badType, Buffer.alloc(0))).toThrow(EncodeError);
  });
});

/** The addon's door: typed errors for a missing interface (no privilege needed). */
import { NativeError, interfaceInfo, openResponder } from '../../src/native/index.ts';

describe('native errors', () => {
  test('interfaceInfo of an absent interface is a NativeError ENODEV naming it', () => {
    const error = catchError(() => interfaceInfo('l2nnone0'));
    expect(error).toBeInstanceOf(NativeError);
    expect(error).toMatchObject({ operation: 'SIOCGIFINDEX', errno: 'ENODEV', ifname: 'l2nnone0' });
    expect((error as Error).message).toContain('l2nnone0');
  });

  test('openResponder on an absent interface is a NativeError ENODEV', () => {
    expect(catchError(() => openResponder('l2nnone0', () => undefined))).toMatchObject({
      name: 'NativeError',
      errno: 'ENODEV',
    });
  });

  test('interfaceInfo of the loopback interface reads its facts', () => {
    const lo = interfaceInfo('lo');
    expect(lo).toEqual({
      index: expect.any(Number),
      mac: Buffer.alloc(6),
      flags: expect.any(Number),
      mtu: expect.any(Number),
    });
    expect(lo.flags & 0x1).toBe(0x1); // IFF_UP
  });

  test('EPERM explains how to grant CAP_NET_RAW', () => {
    const error = new NativeError(
      'socket(AF_PACKET)',
      1,
      'eth0',
      'socket(AF_PACKET) failed on interface eth0',
    );
    expect(error.errno).toBe('EPERM');
    expect(error.message).toMatch(/CAP_NET_RAW.*setcap cap_net_raw\+ep.*NET_RAW/);
  });
});

function catchError(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/**
 * memberlist's transport on real sockets: UDP packets and one-exchange TCP streams on the same address and
 * port, through the wire pipeline. Unreadable input is counted by reason and logged at debug, never thrown.
 */
import type { Socket as UdpSocket, RemoteInfo } from 'node:dgram';
import { connect, type Server, type Socket } from 'node:net';
import type { Address, PacketHandler, StreamHandler, StreamReply, Transport } from '../swim/index.ts';
import {
  DEFAULT_LIMITS,
  WireError,
  decodePacketParts,
  encodePacket,
  encodeStream,
  type Keyring,
  type PacketMessage,
  type StreamMessage,
  type WireLimits,
} from '../wire/index.ts';
import { hostOf, remoteAddress } from './address.ts';
import { bindSockets } from './bind.ts';
import { StreamError, StreamTimeoutError, TransportClosedError } from './errors.ts';
import { copyStats, countReason, emptyStats, type StreamFailure, type TransportStats } from './stats.ts';
import { readStreamMessage } from './stream-io.ts';

/** Protocol max (Vsn[1]) from which a node accepts the CRC header. */
const CRC_PROTOCOL = 5;
/** Room for a label header and the encryption header around the largest stream message. */
const STREAM_OVERHEAD = 512;

export type DebugLog = (message: string, fields: Record<string, unknown>) => void;
/** A peer's advertised Vsn, when the state machine knows it. */
export type VersionLookup = (to: Address) => readonly number[] | undefined;

export interface SocketTransportOptions {
  /** IPv4 or IPv6 address to bind (UDP and TCP). */
  readonly bindAddr: string;
  /** 0: any free port, the same for UDP and TCP. */
  readonly bindPort: number;
  readonly keyring?: Keyring;
  readonly label?: string;
  /** Compress packets and streams (memberlist's EnableCompression, on by default). */
  readonly compress?: boolean;
  /** Deadline of an incoming stream (memberlist's TCPTimeout, 10 s). */
  readonly streamTimeoutMs?: number;
  readonly limits?: WireLimits;
  readonly debug?: DebugLog;
}

export class SocketTransport implements Transport {
  readonly port: number;
  readonly #opts: SocketTransportOptions;
  readonly #server: Server;
  readonly #udp: UdpSocket;
  readonly #sockets = new Set<Socket>();
  readonly #stats = emptyStats();
  #onPacket: PacketHandler | undefined;
  #onStream: StreamHandler | undefined;
  #versionOf: VersionLookup = () => undefined;
  #closed = false;

  /** Binds TCP then UDP on the same port; rejects with BindError. */
  static async open(opts: SocketTransportOptions): Promise<SocketTransport> {
    const { server, udp, port } = await bindSockets(opts.bindAddr, opts.bindPort);
    return new SocketTransport(opts, server, udp, port);
  }

  private constructor(opts: SocketTransportOptions, server: Server, udp: UdpSocket, port: number) {
    this.#opts = opts;
    this.#server = server;
    this.#udp = udp;
    this.port = port;
    udp.on('message', (buf, rinfo) => this.#receive(buf, rinfo));
    udp.on('error', (err) => this.#debug('udp socket error', { error: err.message }));
    server.on('connection', (socket) => void this.#accept(socket));
    server.on('error', (err) => this.#debug('tcp listener error', { error: err.message }));
  }

  /** Tells the transport which peers accept CRC (protocol max >= 5); unknown peers get none, as in Go. */
  setVersionLookup(lookup: VersionLookup): void {
    this.#versionOf = lookup;
  }

  onPacket(handler: PacketHandler): void {
    this.#onPacket = handler;
  }

  onStream(handler: StreamHandler): void {
    this.#onStream = handler;
  }

  sendPacket(to: Address, messages: readonly PacketMessage[]): void {
    if (this.#closed || messages.length === 0) return;
    let packets: Buffer[];
    let host: string;
    try {
      host = hostOf(to.addr);
      const crc = (this.#versionOf(to)?.[1] ?? 0) >= CRC_PROTOCOL;
      packets = encodePacket(messages, { ...this.#encodeOptions(), crc });
    } catch (err) {
      this.#stats.encodeFailures++;
      this.#debug('cannot encode packet', { to: to.addr.toString('hex'), error: (err as Error).message });
      return;
    }
    for (const packet of packets) {
      this.#stats.packetsSent++;
      this.#udp.send(packet, to.port, host, (err) => {
        if (err === null) return;
        this.#stats.sendFailures++;
        this.#debug('cannot send packet', { to: `${host}:${to.port}`, error: err.message });
      });
    }
  }

  /** One request and its reply over a new TCP connection, all within `timeoutMs`. */
  async exchange(to: Address, message: StreamMessage, timeoutMs: number): Promise<StreamReply> {
    if (this.#closed) throw new TransportClosedError('open a stream');
    const request = encodeStream(message, { ...this.#encodeOptions(), labelHeader: true });
    const socket = connect({ host: hostOf(to.addr), port: to.port, noDelay: true });
    this.#track(socket);
    this.#stats.streamsOpened++;
    const timer = setTimeout(() => socket.destroy(new StreamTimeoutError(to, timeoutMs)), timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', (err) =>
          reject(err instanceof StreamTimeoutError ? err : new StreamError(to, 'connect', err)),
        );
      });
      socket.write(request);
      return await readStreamMessage(socket, {
        decode: { ...this.#decodeOptions(), labelHeader: false },
        maxBytes: this.#limits().maxStreamBytes + STREAM_OVERHEAD,
        peer: to,
      });
    } finally {
      clearTimeout(timer);
      socket.destroy();
    }
  }

  stats(): TransportStats {
    return copyStats(this.#stats);
  }

  /** Closes both sockets and every open stream. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all([
      new Promise<void>((resolve) => this.#server.close(() => resolve())),
      new Promise<void>((resolve) => this.#udp.close(() => resolve())),
    ]);
  }

  #receive(buf: Buffer, rinfo: RemoteInfo): void {
    this.#stats.packetsReceived++;
    const { messages, errors } = decodePacketParts(buf, this.#decodeOptions());
    for (const err of errors) {
      countReason(this.#stats.badPackets, err.reason);
      this.#debug('bad packet', {
        from: `${rinfo.address}:${rinfo.port}`,
        reason: err.reason,
        error: err.message,
      });
    }
    if (messages.length > 0) this.#onPacket?.(remoteAddress(rinfo.address, rinfo.port), messages);
  }

  /** Reads one message, answers it (or answers errResp when it cannot be read), then closes. */
  async #accept(socket: Socket): Promise<void> {
    this.#track(socket);
    this.#stats.streamsAccepted++;
    if (this.#closed || socket.remoteAddress === undefined || socket.remotePort === undefined) {
      socket.destroy();
      return;
    }
    const peer = remoteAddress(socket.remoteAddress, socket.remotePort);
    const timeoutMs = this.#opts.streamTimeoutMs ?? 10_000;
    const timer = setTimeout(() => socket.destroy(new StreamTimeoutError(peer, timeoutMs)), timeoutMs);
    socket.once('close', () => clearTimeout(timer));
    let reply: StreamReply;
    try {
      const message = await readStreamMessage(socket, {
        decode: { ...this.#decodeOptions(), labelHeader: true },
        maxBytes: this.#limits().maxStreamBytes + STREAM_OVERHEAD,
        peer,
      });
      reply = await this.#answer(peer, message);
    } catch (err) {
      const failure = streamFailure(err);
      countReason(this.#stats.badStreams, failure);
      this.#debug('bad stream', {
        from: `${socket.remoteAddress}:${peer.port}`,
        reason: failure,
        error: String(err),
      });
      if (!(err instanceof WireError)) return void socket.destroy();
      reply = { type: 'err', error: err.message };
    }
    try {
      socket.end(encodeStream(reply, { ...this.#encodeOptions(), labelHeader: false }));
    } catch (err) {
      this.#stats.encodeFailures++;
      this.#debug('cannot encode stream reply', { type: reply.type, error: (err as Error).message });
      socket.destroy();
    }
  }

  async #answer(peer: Address, message: StreamMessage): Promise<StreamReply> {
    if (this.#onStream === undefined) return { type: 'err', error: 'not ready' };
    try {
      return await this.#onStream(peer, message);
    } catch (err) {
      countReason(this.#stats.badStreams, 'handler');
      return { type: 'err', error: (err as Error).message };
    }
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('error', (err) => this.#debug('stream socket error', { error: err.message }));
    socket.once('close', () => this.#sockets.delete(socket));
  }

  #limits(): WireLimits {
    return this.#opts.limits ?? DEFAULT_LIMITS;
  }

  #encodeOptions(): { compress: boolean; keyring?: Keyring; label?: string } {
    const { keyring, label, compress = true } = this.#opts;
    return { compress, ...(keyring ? { keyring } : {}), ...(label ? { label } : {}) };
  }

  #decodeOptions(): { keyring?: Keyring; label?: string; requireEncryption: boolean; limits: WireLimits } {
    const { keyring, label } = this.#opts;
    const base = { requireEncryption: keyring !== undefined, limits: this.#limits() };
    return { ...base, ...(keyring ? { keyring } : {}), ...(label ? { label } : {}) };
  }

  #debug(message: string, fields: Record<string, unknown>): void {
    this.#opts.debug?.(message, fields);
  }
}

function streamFailure(err: unknown): StreamFailure {
  if (err instanceof WireError) return err.reason;
  if (err instanceof StreamTimeoutError) return 'timeout';
  return 'read';
}

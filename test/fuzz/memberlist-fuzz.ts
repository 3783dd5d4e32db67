/**
 * Structure-aware fuzzer for the memberlist wire decoders: valid framing (label, AES-GCM, CRC, LZW compress,
 * compound) around mutated msgpack messages, mutated framing of each layer, random datagrams, and valid,
 * mutated and random TCP streams fed to decodeStream in random chunks. Every decoder must return or throw
 * WireError; the decoding runs in a worker so a hang is caught by a watchdog that prints the stuck input.
 *
 * Usage: node_modules/.bin/node test/fuzz/memberlist-fuzz.ts [--inputs N] [--seed S] [--workers W]
 * (defaults: 1000000 inputs, seed 1, min(2, CPUs) workers; the inputs are split between the workers).
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  WireError,
  addCrc,
  compressMessage,
  createKeyring,
  decodePacketParts,
  decodeStream,
  encodePacketMessage,
  encodeStreamMessage,
  encryptPayload,
  sha256Key,
} from '../../src/memberlist/wire/index.ts';
import type {
  PacketMessage,
  PushNodeState,
  StreamDecodeResult,
  StreamMessage,
} from '../../src/memberlist/wire/index.ts';

const CATEGORIES = [
  'packet-body',
  'packet-framing',
  'random-datagram',
  'stream-body',
  'stream-framing',
  'random-stream',
] as const;
type Category = (typeof CATEGORIES)[number];
/** Share of inputs per category, in CATEGORIES order. */
const WEIGHTS = [0.35, 0.2, 0.15, 0.15, 0.075, 0.075];
const RSS_LIMIT = 512 * 1024 * 1024;
const HANG_MS = 10_000;
const SLOT_BYTES = 1 << 20;
const KEYRING = createKeyring([
  sha256Key(Buffer.from('fuzz key 1')),
  sha256Key(Buffer.from('k2')).subarray(0, 16),
]);
const LABEL = 'cluster-a';

interface Summary {
  readonly inputs: number;
  readonly perCategory: Record<Category, number>;
  readonly reached: number;
  readonly decoded: number;
  readonly outcomes: Record<string, number>;
  readonly peakRss: number;
  readonly slowestMs: number;
  readonly seconds: number;
}

/** mulberry32: small, fast and deterministic for a given seed. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A copy at the current state, to replay an input. */
  fork(): Rng {
    const copy = new Rng(0);
    copy.state = this.state;
    return copy;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
  text(max: number): string {
    return this.bytes(this.int(max + 1)).toString('latin1');
  }
  u32(): number {
    return this.pick([0, 1, 127, 128, 255, 65535, 65536, 0xffffffff, this.int(0x100000000)]);
  }
}

function randomPacketMessage(r: Rng): PacketMessage {
  const vsn = r.chance(0.5) ? [] : [...r.bytes(6)];
  const meta = r.chance(0.3) ? null : r.bytes(r.int(40));
  switch (r.int(8)) {
    case 0:
      return { type: 'ping', seqNo: r.u32(), node: r.text(20), sourceAddr: r.bytes(4), sourcePort: 7946 };
    case 1:
      return {
        type: 'indirectPing',
        seqNo: r.u32(),
        target: r.bytes(16),
        port: r.int(65536),
        node: r.text(9),
        nack: r.chance(0.5),
      };
    case 2:
      return { type: 'ackResp', seqNo: r.u32(), payload: meta };
    case 3:
      return { type: 'nackResp', seqNo: r.u32() };
    case 4:
      return {
        type: r.pick(['suspect', 'dead'] as const),
        incarnation: r.u32(),
        node: r.text(12),
        from: r.text(12),
      };
    case 5:
      return {
        type: 'alive',
        incarnation: r.u32(),
        node: r.text(20),
        addr: r.bytes(4),
        port: r.int(65536),
        meta,
        vsn,
      };
    case 6:
      return { type: 'user', payload: r.bytes(r.int(100)) };
    default:
      return { type: 'err', error: r.text(30) };
  }
}

function randomStreamMessage(r: Rng): StreamMessage {
  if (r.chance(0.3)) {
    const m = randomPacketMessage(r);
    if (m.type === 'ping' || m.type === 'ackResp' || m.type === 'err' || m.type === 'user') return m;
  }
  const nodes: PushNodeState[] = Array.from({ length: r.int(6) }, () => ({
    name: r.text(16),
    addr: r.bytes(4),
    port: r.int(65536),
    meta: r.chance(0.5) ? null : r.bytes(r.int(30)),
    incarnation: r.u32(),
    state: r.pick([0, 1, 2, 3] as const),
    vsn: [1, 5, 2, 0, 0, 0],
  }));
  return { type: 'pushPull', join: r.chance(0.5), nodes, userState: r.bytes(r.int(50)) };
}

/** Declared lengths and counts far beyond the data: str32, bin32, array32, map32, ext32, array16. */
const HUGE = [
  [0xdb, 0xff, 0xff, 0xff, 0xff],
  [0xc6, 0x7f, 0xff, 0xff, 0xff],
  [0xdd, 0xff, 0xff, 0xff, 0xff],
  [0xdf, 0x00, 0x01, 0x00, 0x01],
  [0xc9, 0xff, 0xff, 0xff, 0xff, 0x01],
  [0xdc, 0xff, 0xff],
].map((b) => Buffer.from(b));

/** One to three edits of `[type][msgpack]`, aimed at the msgpack structure. */
function mutateMessage(r: Rng, buf: Buffer): Buffer {
  let out: Buffer = Buffer.from(buf);
  for (let n = 1 + r.int(3); n > 0; n--) {
    const at = out.length === 0 ? 0 : r.int(out.length);
    const splice = (insert: Buffer, remove = 0): Buffer =>
      Buffer.concat([out.subarray(0, at), insert, out.subarray(at + remove)]);
    switch (r.int(10)) {
      case 0:
        if (out.length > 0) out[at] = (out[at] as number) ^ (1 << r.int(8));
        break;
      case 1:
        if (out.length > 0) out[at] = r.int(256);
        break;
      case 2:
        out = splice(r.bytes(1 + r.int(4)));
        break;
      case 3:
        out = splice(Buffer.alloc(0), 1 + r.int(8));
        break;
      case 4:
        if (out.length > 0) out[0] = r.chance(0.8) ? r.int(15) : r.int(256);
        break;
      case 5: {
        // A str/map/array header lying about its length.
        const heads = [...out.keys()].filter(
          (i) => i > 0 && (out[i] as number) >= 0x80 && (out[i] as number) <= 0xbf,
        );
        const i = heads.length > 0 ? r.pick(heads) : 1;
        if (i < out.length) out[i] = ((out[i] as number) & 0xe0) | r.int(32);
        break;
      }
      case 6: {
        const depth = r.chance(0.005) ? 100_000 : 1 + r.int(20);
        out = splice(Buffer.alloc(depth, r.pick([0x91, 0x81, 0xdc])));
        break;
      }
      case 7:
        out = splice(r.pick(HUGE));
        break;
      case 8:
        out = out.subarray(0, at);
        break;
      default:
        out = splice(
          Buffer.from([r.pick([0xc0, 0xc1, 0xc2, 0xc3, 0xcf, 0xd3, 0xca, 0xcb, 0xd4, 0xff])]),
          r.int(2),
        );
    }
  }
  return out;
}

/** A compound with correct lengths (empty parts allowed; Go must cope with them when it receives them). */
function compound(parts: readonly Buffer[]): Buffer {
  const head = Buffer.alloc(2 + 2 * parts.length);
  head[0] = 7;
  head[1] = parts.length;
  parts.forEach((p, i) => head.writeUInt16BE(Math.min(p.length, 0xffff), 2 + 2 * i));
  return Buffer.concat([head, ...parts]);
}

/** Byte edits anywhere in a layer's own bytes: counts, lengths, checksums, LZW codes, nonces, tags. */
function damage(r: Rng, buf: Buffer): Buffer {
  if (buf.length === 0 || r.chance(0.15)) return buf.subarray(0, r.int(buf.length + 1));
  const out = Buffer.from(buf);
  const near = r.chance(0.6) ? Math.min(out.length, 8) : out.length;
  for (let n = 1 + r.int(2); n > 0; n--)
    out[r.int(near)] = r.chance(0.5) ? r.int(256) : (out[r.int(near)] as number) ^ 0xff;
  return out;
}

interface Built {
  readonly packet: Buffer;
  readonly keyed: boolean;
  readonly label: string;
}

/** Layers around `inner`, with one layer's framing damaged when `breakLayer` names its depth (0 = innermost). */
function wrapPacket(r: Rng, parts: Buffer[], breakLayer: number): Built {
  let buf: Buffer = parts.length === 1 && r.chance(0.5) ? (parts[0] as Buffer) : compound(parts);
  let layer = 0;
  for (let extra = r.int(r.chance(0.05) ? 7 : 3); extra > 0; extra--) {
    if (layer++ === breakLayer) buf = damage(r, buf);
    buf = r.chance(0.6) ? compressMessage(buf) : compound([buf, ...parts.slice(0, r.int(3))]);
  }
  if (layer++ === breakLayer) buf = damage(r, buf);
  if (r.chance(0.5)) buf = addCrc(buf);
  if (layer++ === breakLayer) buf = damage(r, buf);
  const keyed = r.chance(0.5);
  const label = r.chance(0.3) ? LABEL : '';
  const labelBytes = Buffer.from(label);
  if (keyed) buf = encryptPayload(KEYRING, buf, labelBytes, r.pick([0, 1] as const));
  if (layer++ === breakLayer) buf = damage(r, buf);
  if (label !== '') buf = Buffer.concat([Buffer.from([0xf4, labelBytes.length]), labelBytes, buf]);
  if (layer === breakLayer) buf = damage(r, buf);
  return { packet: buf, keyed, label };
}

/** The stream pipeline of encodeStream, with `breakLayer` choosing a damaged layer (-1: none). */
function wrapStream(r: Rng, payload: Buffer, breakLayer: number): Built {
  let buf: Buffer = payload;
  if (r.chance(0.4)) buf = compressMessage(buf);
  if (breakLayer === 0) buf = damage(r, buf);
  const keyed = r.chance(0.5);
  const label = r.chance(0.3) ? LABEL : '';
  const labelBytes = Buffer.from(label);
  if (keyed) {
    const version = r.pick([0, 1] as const);
    const head = Buffer.alloc(5);
    head[0] = 10;
    const lie = breakLayer === 1 && r.chance(0.5);
    const huge = r.chance(0.3) ? 0xffffffff : r.int(1 << 26);
    const real = 1 + 12 + (version === 0 ? buf.length + 16 - (buf.length % 16) : buf.length) + 16;
    head.writeUInt32BE(lie ? huge : real, 1);
    buf = Buffer.concat([head, encryptPayload(KEYRING, buf, Buffer.concat([head, labelBytes]), version)]);
    if (breakLayer === 1 && !lie) buf = damage(r, buf);
  }
  if (label !== '') buf = Buffer.concat([Buffer.from([0xf4, labelBytes.length]), labelBytes, buf]);
  if (breakLayer === 2) buf = damage(r, buf);
  return { packet: buf, keyed, label };
}

/** Why a non-WireError escaped, with the input, for the failure report. */
class FuzzFailure extends Error {
  readonly input: Buffer;
  constructor(category: Category, input: Buffer, cause: unknown) {
    super(`${category}: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    this.input = input;
  }
}

/** True for errors raised after a msgpack value was decoded, or inside the msgpack decoder. */
function pastFraming(err: WireError): boolean {
  if (err.layer === 'msgpack' || err.layer === 'compress') return true;
  if (err.layer === 'message') return err.reason === 'wrong-type' || err.reason === 'out-of-range';
  if (err.layer === 'stream')
    return (
      err.reason === 'limit-exceeded' ||
      (err.reason === 'truncated' && err.field !== 'type' && err.field !== undefined)
    );
  return false;
}

type Outcome = { readonly key: string; readonly reached: boolean; readonly decoded: boolean };

function fuzzPacket(buf: Buffer, built: Omit<Built, 'packet'>, r: Rng): Outcome {
  const { messages, errors } = decodePacketParts(buf, {
    keyring: built.keyed || r.chance(0.1) ? KEYRING : undefined,
    label: built.label,
    requireEncryption: r.chance(0.7),
  });
  for (const err of errors) if (!(err instanceof WireError)) throw err;
  const reached = messages.some((m) => m.type !== 'user') || errors.some(pastFraming);
  const first = errors[0];
  return {
    key: first === undefined ? 'ok' : `${first.layer}/${first.reason}`,
    reached,
    decoded: messages.length > 0,
  };
}

type StreamEnd = { readonly result: StreamDecodeResult } | { readonly error: WireError };

function decodeOnce(buf: Buffer, opts: Parameters<typeof decodeStream>[1]): StreamEnd {
  try {
    return { result: decodeStream(buf, opts) };
  } catch (err) {
    if (err instanceof WireError) return { error: err };
    throw err;
  }
}

function outcomeName(end: StreamEnd): string {
  if ('error' in end) return `${end.error.layer}/${end.error.reason}`;
  return end.result.status === 'done' ? `ok@${end.result.consumed}` : 'need-more';
}

/** Feeds the stream in random chunks as a socket would, then checks the outcome matches one whole read. */
function fuzzStream(buf: Buffer, built: Omit<Built, 'packet'>, r: Rng): Outcome {
  const opts = {
    keyring: built.keyed || r.chance(0.1) ? KEYRING : undefined,
    label: built.label,
    requireEncryption: r.chance(0.7),
    labelHeader: r.chance(0.8) || built.label !== '',
  };
  let end: StreamEnd = { result: { status: 'need-more' } };
  for (let have = 0; have < buf.length && !('error' in end) && end.result.status === 'need-more';) {
    have = Math.min(buf.length, have + 1 + r.int(r.chance(0.5) ? 8 : buf.length));
    end = decodeOnce(buf.subarray(0, have), opts);
  }
  const whole = decodeOnce(buf, opts);
  if (buf.length > 0 && outcomeName(end) !== outcomeName(whole)) {
    throw new Error(`chunked decoding gave ${outcomeName(end)}, whole buffer gave ${outcomeName(whole)}`);
  }
  const decoded = 'result' in end && end.result.status === 'done';
  return {
    key: outcomeName(end).replace(/@\d+$/, ''),
    reached: decoded || ('error' in end && pastFraming(end.error)),
    decoded,
  };
}

const FIRST_BYTES = [0, 2, 4, 6, 7, 8, 9, 10, 12, 13, 0xf4];

function generate(
  r: Rng,
  category: Category,
): { buf: Buffer; built: Omit<Built, 'packet'>; stream: boolean } {
  const plain = { keyed: r.chance(0.2), label: '' };
  switch (category) {
    case 'packet-body':
    case 'packet-framing': {
      const body = category === 'packet-body';
      const parts = Array.from({ length: r.chance(0.5) ? 1 : 2 + r.int(5) }, () => {
        const m = encodePacketMessage(randomPacketMessage(r));
        return body || r.chance(0.2) ? mutateMessage(r, m) : m;
      });
      const { packet, ...built } = wrapPacket(r, parts, body ? -1 : r.int(6));
      return { buf: packet, built, stream: false };
    }
    case 'random-datagram': {
      const buf = r.bytes(r.chance(0.9) ? r.int(200) : r.int(1500));
      if (buf.length > 0 && r.chance(0.5)) buf[0] = r.pick(FIRST_BYTES);
      return { buf, built: plain, stream: false };
    }
    case 'stream-body':
    case 'stream-framing': {
      const body = category === 'stream-body';
      const raw = encodeStreamMessage(randomStreamMessage(r));
      const { packet, ...built } = wrapStream(
        r,
        body || r.chance(0.2) ? mutateMessage(r, raw) : raw,
        body ? -1 : r.int(3),
      );
      return { buf: packet, built, stream: true };
    }
    default: {
      const buf = r.bytes(r.int(400));
      if (buf.length > 0 && r.chance(0.5)) buf[0] = r.pick(FIRST_BYTES);
      return { buf, built: plain, stream: true };
    }
  }
}

function runWorker(inputs: number, seed: number, slot: Int32Array, bytes: Uint8Array): Summary {
  const r = new Rng(seed);
  const perCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const outcomes: Record<string, number> = {};
  let reached = 0;
  let decoded = 0;
  let peakRss = 0;
  let slowestMs = 0;
  const start = performance.now();
  for (let i = 0; i < inputs; i++) {
    let x = r.next();
    const category = CATEGORIES[WEIGHTS.findIndex((w) => (x -= w) < 0)] ?? 'random-stream';
    const { buf, built, stream } = generate(r, category);
    bytes.set(buf.subarray(0, SLOT_BYTES), 0);
    Atomics.store(slot, 1, Math.min(buf.length, SLOT_BYTES));
    Atomics.store(slot, 0, i + 1);
    const t = performance.now();
    const replay = r.fork();
    const fuzz = stream ? fuzzStream : fuzzPacket;
    let outcome: Outcome;
    try {
      outcome = fuzz(buf, built, r);
    } catch {
      // Errors are built without stack traces for speed; replay the input to get one for the report.
      Error.stackTraceLimit = 20;
      throw new FuzzFailure(
        category,
        buf,
        catchError(() => fuzz(buf, built, replay)),
      );
    }
    slowestMs = Math.max(slowestMs, performance.now() - t);
    perCategory[category]++;
    outcomes[outcome.key] = (outcomes[outcome.key] ?? 0) + 1;
    if (outcome.reached) reached++;
    if (outcome.decoded) decoded++;
    if ((i & 0x3fff) === 0) {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (peakRss > RSS_LIMIT)
        throw new FuzzFailure(category, buf, new Error(`RSS ${peakRss} > ${RSS_LIMIT}`));
    }
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return {
    inputs,
    perCategory,
    reached,
    decoded,
    outcomes,
    peakRss,
    slowestMs,
    seconds: (performance.now() - start) / 1000,
  };
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return new Error('replay did not fail');
}

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} needs a non-negative integer`);
  return value;
}

function report(s: Summary, workers: number): void {
  const pct = (n: number): string => `${((100 * n) / Math.max(1, s.inputs)).toFixed(1)}%`;
  for (const c of CATEGORIES) console.log(`  ${c.padEnd(16)} ${String(s.perCategory[c]).padStart(9)}`);
  const top = Object.entries(s.outcomes).sort((a, b) => b[1] - a[1]);
  console.log(`  outcomes: ${top.map(([k, n]) => `${k} ${pct(n)}`).join(', ')}`);
  console.log(`  decoded a message: ${s.decoded} (${pct(s.decoded)})`);
  console.log(
    `  ${Math.round(s.inputs / s.seconds)} inputs/s over ${s.seconds.toFixed(1)} s in ${workers} workers, slowest input ${s.slowestMs.toFixed(1)} ms, peak RSS ${(s.peakRss / 2 ** 20).toFixed(0)} MiB (limit ${RSS_LIMIT / 2 ** 20})`,
  );
  console.log(
    `memberlist-fuzz: ${s.inputs} inputs, ${s.reached} reached msgpack (${pct(s.reached)}), 0 failures`,
  );
}

/** Adds the counts of the workers' summaries; time is the slowest worker's. */
function merge(parts: readonly Summary[]): Summary {
  const add = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
    const out = { ...a };
    for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
    return out;
  };
  return parts.reduce((a, b) => ({
    inputs: a.inputs + b.inputs,
    perCategory: add(a.perCategory, b.perCategory) as Record<Category, number>,
    reached: a.reached + b.reached,
    decoded: a.decoded + b.decoded,
    outcomes: add(a.outcomes, b.outcomes),
    peakRss: Math.max(a.peakRss, b.peakRss),
    slowestMs: Math.max(a.slowestMs, b.slowestMs),
    seconds: Math.max(a.seconds, b.seconds),
  }));
}

/** Runs one worker with a watchdog on its progress slot; resolves to its summary, or undefined on failure. */
function runInWorker(
  inputs: number,
  seed: number,
  fail: (message: string, input: Uint8Array) => void,
): Promise<Summary | undefined> {
  const shared = new SharedArrayBuffer(8 + SLOT_BYTES);
  const slot = new Int32Array(shared, 0, 2);
  const current = (): Uint8Array => new Uint8Array(shared, 8, Atomics.load(slot, 1));
  const worker = new Worker(new URL(import.meta.url), { workerData: { inputs, seed, shared } });
  return new Promise((resolve) => {
    let summary: Summary | undefined;
    let last = -1;
    let since = Date.now();
    const watchdog = setInterval(() => {
      const now = Atomics.load(slot, 0);
      if (now !== last) [last, since] = [now, Date.now()];
      else if (Date.now() - since > HANG_MS) {
        fail(`seed ${seed}: input ${now} hangs (> ${HANG_MS} ms)`, current());
        void worker.terminate();
      }
    }, 500);
    worker.on('message', (m: { summary?: Summary; failure?: string; input?: Uint8Array }) => {
      if (m.summary !== undefined) summary = m.summary;
      else fail(`seed ${seed}: ${m.failure ?? 'unknown'}`, m.input ?? new Uint8Array());
    });
    worker.on('error', (err) => fail(`seed ${seed}: worker crashed: ${err.stack ?? err.message}`, current()));
    worker.on('exit', () => {
      clearInterval(watchdog);
      resolve(summary);
    });
  });
}

async function main(): Promise<void> {
  const inputs = argument('--inputs', 1_000_000);
  const seed = argument('--seed', 1);
  const workers = Math.max(1, argument('--workers', Math.min(2, availableParallelism())));
  let failed = false;
  const fail = (message: string, input: Uint8Array): void => {
    failed = true;
    console.error(
      `memberlist-fuzz: FAILED ${message}\ninput (${input.length} bytes): ${Buffer.from(input).toString('hex')}`,
    );
  };
  // Worker w takes every share of the inputs with its own seed, so a run is reproducible for a given --workers.
  const shares = Array.from(
    { length: workers },
    (_, w) => Math.floor((inputs * (w + 1)) / workers) - Math.floor((inputs * w) / workers),
  );
  const summaries = await Promise.all(shares.map((n, w) => runInWorker(n, seed * 1000 + w, fail)));
  const done = summaries.filter((x): x is Summary => x !== undefined);
  if (failed || done.length !== workers) {
    process.exitCode = 1;
    return;
  }
  const total = merge(done);
  if (total.peakRss > RSS_LIMIT) {
    console.error(`memberlist-fuzz: FAILED peak RSS ${total.peakRss} > ${RSS_LIMIT}`);
    process.exitCode = 1;
    return;
  }
  report(total, workers);
}

if (isMainThread) await main();
else {
  const { inputs, seed, shared } = workerData as { inputs: number; seed: number; shared: SharedArrayBuffer };
  // WireError is thrown (and caught as 'need-more') on most inputs: capturing stacks would dominate the run.
  Error.stackTraceLimit = 0;
  process.on('unhandledRejection', (reason) => {
    throw reason;
  });
  try {
    parentPort?.postMessage({
      summary: runWorker(inputs, seed, new Int32Array(shared, 0, 2), new Uint8Array(shared, 8)),
    });
  } catch (err) {
    if (!(err instanceof FuzzFailure)) throw err;
    parentPort?.postMessage({ failure: err.message, input: new Uint8Array(err.input) });
  }
}

/**
 * One authenticated, ordered message channel over a WebSocket (both the client<->engine link
 * and the engine<->engine mesh use it). Frames as in core/protocol-frame.ts; every frame
 * carries a Poly1305 MAC under a key derived from the cluster key, the connection's nonces and its
 * direction (frame-mac.ts); sequence numbers per direction stop replays. Small messages sent
 * in one event-loop turn travel together in one batch frame; large messages go in pieces,
 * written from their parts without joining them and, on receipt, read from the socket straight
 * into their destination buffers while their MAC is computed (socket-reader.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import { AuthenticationError, EngineDiedError, ProtocolError } from "../../core/errors.js";
import { DIRECTION, NONCE_BYTES, PROTOCOL_VERSION } from "../../core/protocol.js";
import { decodeHeader, encodeHeader } from "../../core/protocol-codec.js";
import {
  decodeFrame,
  decodePieceHeader,
  encodeBatchHeader,
  encodeFrameHead,
  encodePieceHeader,
  FLAG_BATCH,
  FLAG_PIECE,
  FLAG_PIECED,
  FRAME_MAGIC_0,
  FRAME_MAGIC_1,
  FRAME_PREFIX_BYTES,
  FRAME_TAG_BYTES,
  FRAME_TAG_OFFSET,
  frameHeadBytes,
  PIECE_HEADER_BYTES,
  padTo8,
  parseBatchHeader,
  setFrameTag,
  signedParts,
  writeFrameHead,
  zeroPad,
} from "../../core/protocol-frame.js";
import { deriveFrameKey, FrameMac } from "./frame-mac.js";
import { type FrameStream, takeOverReads } from "./socket-reader.js";

/** Defaults of every wire limit (all overridable per channel). */
export const WIRE_DEFAULTS = {
  /** Largest frame accepted (bytes); larger ones close the connection (ws maxPayload). */
  maxFrameBytes: 64 * 1024 * 1024,
  /** Messages whose buffers total more than this go in pieces of this size. */
  pieceBytes: 1024 * 1024,
  /**
   * Frames up to this size are joined into one buffer and sent through `ws`; larger ones are
   * written to the socket as one WebSocket frame from their parts (no copy of the data). Without
   * access to the socket, a connector sends larger frames as WebSocket fragments and an
   * acceptor joins them.
   */
  coalesceBytes: 64 * 1024,
  /**
   * Small messages sent in one event-loop turn are written as one batch frame of at most
   * this many bytes (headers and buffers); a message that does not fit starts the next one.
   */
  batchBytes: 256 * 1024,
  /**
   * Client heartbeat: a ping every heartbeatMs; no pong for heartbeatTimeoutMs declares the
   * engine dead. A killed engine is noticed at once (its socket closes); the heartbeat is for
   * hung hosts, so it is generous: an engine busy in a long computation answers late.
   */
  heartbeatMs: 5_000,
  heartbeatTimeoutMs: 60_000,
  /** Time allowed for connecting and the handshake (ms). */
  connectTimeoutMs: 10_000,
} as const;

export interface ChannelOptions {
  key: Uint8Array;
  pieceBytes?: number;
  /**
   * Memory for an incoming buffer of `byteLength` bytes (8-byte aligned). Throwing (e.g.
   * MemoryLimitError) fails that message: it is delivered with the error and no buffers.
   */
  allocate?: (byteLength: number) => Uint8Array;
}

import type { DestinationFn, MessageEndpoint, MessageHandler } from "./endpoint.js";

export type { MessageHandler } from "./endpoint.js";

function hmac(key: Uint8Array, context: Uint8Array, parts: readonly Uint8Array[]): Buffer {
  const h = createHmac("sha256", key);
  h.update(context);
  for (const p of parts) h.update(p);
  return h.digest();
}

function freshBytes(n: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(n));
}

interface Incoming {
  header: unknown;
  buffers: (Uint8Array | null)[];
  remaining: number;
  error: Error | undefined;
}

/** State after a successful handshake. */
export interface ChannelAuth {
  acceptorNonce: Uint8Array;
  connectorNonce: Uint8Array;
  /** Next sequence numbers. */
  sendSeq: number;
  recvSeq: number;
}

/**
 * An authenticated channel. Create it with `connectChannel` / `acceptChannel` (handshake.ts).
 */
export class Channel implements MessageEndpoint {
  readonly ws: WebSocket;
  readonly role: "connector" | "acceptor";
  onMessage: MessageHandler = () => {};
  destinationOf: ((header: unknown) => DestinationFn | undefined) | undefined;
  /** A frame failed authentication or decoding; the channel keeps going. */
  onReject: (error: Error) => void = () => {};
  onClose: (error: Error) => void = () => {};
  #pieceBytes: number;
  #allocate: (n: number) => Uint8Array;
  #sendSeq: number;
  #recvSeq: number;
  #sendMac: FrameMac;
  #recvMac: FrameMac;
  #batch: Batch | undefined;
  #incoming: Incoming | undefined;
  #destinations = new Map<
    number,
    (bufferIndex: number, byteLength: number) => Uint8Array | undefined
  >();
  #closed = false;
  /** The raw socket once this channel reads and writes large frames itself (socket-reader.ts). */
  #socket: Socket | undefined;
  /** A pieced message is being written; other writes wait in `#backlog`, in order. */
  #sending = false;
  #backlog: (() => void)[] = [];

  constructor(
    ws: WebSocket,
    role: "connector" | "acceptor",
    auth: ChannelAuth,
    options: ChannelOptions,
  ) {
    this.ws = ws;
    this.role = role;
    this.#pieceBytes = options.pieceBytes ?? WIRE_DEFAULTS.pieceBytes;
    this.#allocate = options.allocate ?? freshBytes;
    this.#sendSeq = auth.sendSeq;
    this.#recvSeq = auth.recvSeq;
    const mine = role === "connector" ? DIRECTION.fromConnector : DIRECTION.fromAcceptor;
    const theirs = role === "connector" ? DIRECTION.fromAcceptor : DIRECTION.fromConnector;
    const { acceptorNonce: a, connectorNonce: c } = auth;
    this.#sendMac = new FrameMac(deriveFrameKey(options.key, a, c, mine));
    this.#recvMac = new FrameMac(deriveFrameKey(options.key, a, c, theirs));
    ws.on("message", (data, isBinary) => this.#receive(data, isBinary));
    this.#socket = takeOverReads(ws, role === "acceptor", {
      frame: (bytes) => this.#receive(bytes, true),
      open: (head, total) => this.#openStream(head, total),
    });
    ws.on("close", (code, reason) => {
      this.#closed = true;
      this.onClose(
        new EngineDiedError(
          `connection closed (code ${code}${reason.length ? `, ${reason.toString()}` : ""})`,
        ),
      );
    });
    ws.on("error", () => {});
  }

  get open(): boolean {
    return !this.#closed && this.ws.readyState === this.ws.OPEN;
  }

  /** Receive the buffers of the reply to op `id` into the views `fn` returns. */
  setDestination(
    id: number,
    fn: (bufferIndex: number, byteLength: number) => Uint8Array | undefined,
  ): void {
    this.#destinations.set(id, fn);
  }

  /**
   * Sends one message. A small message (buffers totalling at most the piece size) is queued
   * with its buffers copied and written with the other messages of this event-loop turn as one
   * frame; a large one is written at once in pieces, its buffers not copied (do not modify them
   * until the Promise resolves). The Promise resolves once the frames are handed to the socket
   * and rejects with EngineDiedError if the connection is closed. A frozen header object sent
   * on several channels in a row is encoded once. `borrow`: the caller leaves the buffers
   * unchanged until the Promise settles (it awaits the send), so a small message's buffers are
   * not copied either.
   */
  send(
    header: unknown,
    buffers: readonly Uint8Array[] = [],
    options: { borrow?: boolean } = {},
  ): Promise<void> {
    if (!this.open) return Promise.reject(new EngineDiedError("the connection is closed"));
    const hb = encodeCached(header);
    let total = 0;
    for (const b of buffers) total += b.byteLength;
    if (total <= this.#pieceBytes) return this.#queue(hb, buffers, total, options.borrow === true);
    this.#flush();
    if (!this.#sending) return this.#sendPieced(hb, buffers);
    return new Promise((resolve, reject) =>
      this.#backlog.push(() => this.#sendPieced(hb, buffers).then(resolve, reject)),
    );
  }

  /**
   * Writes a large message: the PIECED frame, then its pieces, each piece written (its MAC
   * computed) only while less than PACE_BYTES wait in the socket's write queue. So the data
   * is never queued whole, and a client sending to several engines alternates between them
   * as their sockets drain. Other writes wait in the backlog meanwhile.
   */
  async #sendPieced(hb: Uint8Array, buffers: readonly Uint8Array[]): Promise<void> {
    this.#sending = true;
    let last: Promise<void>;
    try {
      last = this.#writeFramePromise(
        FLAG_PIECED,
        hb,
        buffers.map((b) => b.byteLength),
        [],
      );
      for (let i = 0; i < buffers.length; i++) {
        const b = buffers[i]!;
        for (let off = 0; off < b.byteLength; off += this.#pieceBytes) {
          const socket = this.#socket;
          if (socket !== undefined && socket.writableLength >= PACE_BYTES) {
            last.catch(() => undefined);
            await drained(socket);
          }
          if (!this.open) throw new EngineDiedError("the connection is closed");
          const piece = b.subarray(off, Math.min(b.byteLength, off + this.#pieceBytes));
          last.catch(() => undefined);
          last = this.#writeFramePromise(
            FLAG_PIECE,
            encodePieceHeader(i, off),
            [piece.byteLength],
            [piece],
          );
        }
      }
    } finally {
      this.#sending = false;
      while (!this.#sending && this.#backlog.length > 0) this.#backlog.shift()!();
    }
    return last;
  }

  #queue(
    hb: Uint8Array,
    buffers: readonly Uint8Array[],
    total: number,
    borrow: boolean,
  ): Promise<void> {
    let b = this.#batch;
    const size = hb.byteLength + total + 8 * buffers.length + 16;
    if (b && b.size + size > WIRE_DEFAULTS.batchBytes) {
      this.#flush();
      b = undefined;
    }
    if (!b) {
      let settle!: (e?: Error) => void;
      const done = new Promise<void>((resolve, reject) => {
        settle = (e) => (e ? reject(e) : resolve());
      });
      b = { headers: [], counts: [], buffers: [], size: 0, done, settle };
      this.#batch = b;
      const mine = b;
      queueMicrotask(() => {
        if (this.#batch === mine) this.#flush();
      });
    }
    b.headers.push(hb);
    b.counts.push(buffers.length);
    // Copied now (unless borrowed): the caller may reuse its buffers as soon as send returns.
    for (const x of buffers) b.buffers.push(borrow || x.byteLength === 0 ? x : x.slice());
    b.size += size;
    return b.done;
  }

  /** Writes the queued small messages: one plain frame, or one batch frame for several. */
  #flush(): void {
    const b = this.#batch;
    if (!b) return;
    this.#batch = undefined;
    if (this.#sending) this.#backlog.push(() => this.#writeBatch(b));
    else this.#writeBatch(b);
  }

  #writeBatch(b: Batch): void {
    if (!this.open) {
      b.settle(new EngineDiedError("the connection is closed"));
      return;
    }
    const header = b.headers.length === 1 ? b.headers[0]! : encodeBatchHeader(b.headers, b.counts);
    const flags = b.headers.length === 1 ? 0 : FLAG_BATCH;
    const lengths = b.buffers.map((x) => x.byteLength);
    this.#writeFrame(flags, header, lengths, b.buffers, true, b.settle);
  }

  /** Sends raw bytes as one binary WebSocket message (tests of rejection use it). */
  sendRaw(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) =>
      this.ws.send(bytes, { binary: true }, (e) => (e ? reject(e) : resolve())),
    );
  }

  /** #writeFrame as a Promise that settles once the frame is handed to the socket. */
  #writeFramePromise(
    flags: number,
    header: Uint8Array,
    lengths: number[],
    buffers: readonly Uint8Array[],
  ): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#writeFrame(flags, header, lengths, buffers, false, (e) => (e ? reject(e) : resolve())),
    );
  }

  /**
   * Writes one frame and calls `done` (with EngineDiedError if the write failed) once it is
   * handed to the socket. `owned`: the buffers are this channel's own copies or borrowed until
   * the frame is written (a batch), so they may be handed to the socket as they are.
   *
   * Once this channel has the raw socket, a frame up to the coalescing size is built in one
   * buffer (the WebSocket header, the frame head, the buffers and their padding) and written
   * with one call, the MAC computed over it in place. A frame goes to the socket as its parts
   * (no joining copy) when it is larger, or when its owned buffers hold at least
   * DIRECT_MIN_BYTES. Without the socket, frames go through `ws`.
   */
  #writeFrame(
    flags: number,
    header: Uint8Array,
    lengths: number[],
    buffers: readonly Uint8Array[],
    owned: boolean,
    done: (e?: Error) => void,
  ): void {
    const seq = this.#sendSeq++;
    const callback = (e?: Error | null) =>
      e ? done(new EngineDiedError(`send failed: ${e.message}`, { cause: e })) : done();
    const socket = this.#socket;
    let data = 0;
    for (const b of buffers) data += b.byteLength + padTo8(b.byteLength);
    const headBytes = frameHeadBytes(header.byteLength, lengths.length);
    const size = headBytes + data;
    const direct = owned && data >= DIRECT_MIN_BYTES;
    if (socket !== undefined && size <= WIRE_DEFAULTS.coalesceBytes && !direct) {
      const masked = this.role === "connector";
      const wsBytes = webSocketHeaderBytes(size, masked);
      const out = Buffer.allocUnsafe(wsBytes + size);
      writeWebSocketHeader(out, size, masked);
      let at = writeFrameHead(out, wsBytes, { flags, seq, header, bufferLengths: lengths });
      for (const b of buffers) {
        out.set(b, at);
        at += b.byteLength;
        const p = padTo8(b.byteLength);
        if (p > 0) out.fill(0, at, at + p);
        at += p;
      }
      const frame = out.subarray(wsBytes);
      const tag = this.#sendMac.tag(seq, [
        frame.subarray(0, FRAME_TAG_OFFSET),
        frame.subarray(FRAME_PREFIX_BYTES),
      ]);
      setFrameTag(frame, tag);
      socket.write(out, callback);
      return;
    }
    const head = encodeFrameHead({ flags, seq, header, bufferLengths: lengths });
    setFrameTag(head, this.#sendMac.tag(seq, signedParts(head, buffers)));
    const wire: Uint8Array[] = [head];
    for (const b of buffers) {
      if (b.byteLength > 0) wire.push(b);
      const p = padTo8(b.byteLength);
      if (p > 0) wire.push(zeroPad(p));
    }
    if (socket !== undefined) {
      // One WebSocket frame written as its parts (header, frame head, buffers): no copy.
      const wsHead = Buffer.allocUnsafe(webSocketHeaderBytes(size, this.role === "connector"));
      writeWebSocketHeader(wsHead, size, this.role === "connector");
      socket.cork();
      socket.write(Buffer.concat([wsHead, head]));
      for (let i = 1; i < wire.length; i++)
        socket.write(wire[i]!, i === wire.length - 1 ? callback : undefined);
      socket.uncork();
      return;
    }
    if (wire.length === 1 || size <= WIRE_DEFAULTS.coalesceBytes || this.role === "acceptor") {
      this.ws.send(
        wire.length === 1 ? head : Buffer.concat(wire, size),
        { binary: true },
        callback,
      );
      return;
    }
    for (let i = 0; i < wire.length; i++) {
      const fin = i === wire.length - 1;
      this.ws.send(wire[i]!, { binary: true, fin }, fin ? callback : undefined);
    }
  }

  #receive(data: unknown, isBinary: boolean): void {
    try {
      if (!isBinary) throw new ProtocolError("text messages are not accepted; frames are binary");
      const bytes = toBytes(data);
      const frame = decodeFrame(bytes);
      if (!this.#recvMac.verify(frame.seq, frame.signed, frame.tag)) {
        throw new AuthenticationError("frame signature does not verify");
      }
      if (frame.seq !== this.#recvSeq) {
        throw new AuthenticationError(
          `frame sequence ${frame.seq} where ${this.#recvSeq} was expected (replay?)`,
        );
      }
      this.#recvSeq++;
      if (frame.flags === FLAG_PIECE) {
        this.#piece(frame.header, frame.buffers[0]!);
        return;
      }
      if (this.#incoming)
        throw new ProtocolError("a new message started before the pieces of the last one");
      const header = decodeHeader(frame.header);
      if (frame.flags === FLAG_PIECED) {
        const inc = this.#open(header, frame.bufferLengths, undefined, 0);
        if (inc.remaining > 0) this.#incoming = inc;
        else this.#deliver(inc);
        return;
      }
      if (frame.flags === FLAG_BATCH) {
        const entries = parseBatchHeader(header, frame.buffers.length);
        let at = 0;
        for (const [h, count] of entries) {
          const lengths = frame.bufferLengths.slice(at, at + count);
          this.#deliver(this.#open(h, lengths, frame.buffers, at));
          at += count;
        }
        return;
      }
      this.#deliver(this.#open(header, frame.bufferLengths, frame.buffers, 0));
    } catch (e) {
      this.onReject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /**
   * Destination buffers for one message; when `data` is given (plain and batch frames) its
   * buffers from index `first` on are copied in, else (a pieced message) pieces will follow.
   */
  #open(
    header: unknown,
    lengths: readonly number[],
    data: readonly Uint8Array[] | undefined,
    first: number,
  ): Incoming {
    const dest = this.#destinationFor(header);
    const inc: Incoming = { header, buffers: [], remaining: 0, error: undefined };
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i]!;
      let target: Uint8Array | null = null;
      if (!inc.error) {
        try {
          target = dest?.(i, len) ?? this.#allocate(len);
          if (target.byteLength !== len)
            throw new ProtocolError(
              `destination of ${target.byteLength} bytes for a ${len}-byte buffer`,
            );
        } catch (e) {
          inc.error = e instanceof Error ? e : new Error(String(e));
          target = null;
        }
      }
      inc.buffers.push(target);
      if (data) {
        if (target) target.set(data[first + i]!);
      } else inc.remaining += len;
    }
    return inc;
  }

  #destinationFor(header: unknown): DestinationFn | undefined {
    if (typeof header !== "object" || header === null) return undefined;
    const h = header as { t?: unknown; id?: unknown };
    if (this.#destinations.size > 0 && h.t === "reply" && typeof h.id === "number") {
      const fn = this.#destinations.get(h.id);
      this.#destinations.delete(h.id);
      if (fn) return fn;
    }
    return this.destinationOf?.(header);
  }

  #piece(pieceHeader: Uint8Array, data: Uint8Array): void {
    const inc = this.#incoming;
    if (!inc) throw new ProtocolError("a piece frame arrived with no pieced message open");
    const { bufferIndex, offset } = decodePieceHeader(pieceHeader);
    const target = inc.buffers[bufferIndex];
    if (target === undefined)
      throw new ProtocolError(`piece for buffer ${bufferIndex} of ${inc.buffers.length}`);
    if (target !== null) {
      if (offset + data.byteLength > target.byteLength)
        throw new ProtocolError("piece overruns its buffer");
      target.set(data, offset);
    }
    inc.remaining -= data.byteLength;
    if (inc.remaining <= 0) {
      this.#incoming = undefined;
      this.#deliver(inc);
    }
  }

  /**
   * A large frame whose bytes are still arriving: a PIECE frame of the open message, next in
   * sequence, for a buffer that has a destination, is written straight into it while its MAC
   * is computed; the piece counts once the tag verifies at its end. A piece that fails
   * verification fails its message (its destination holds unauthenticated bytes). Anything
   * else is left to `#receive` whole (undefined).
   */
  #openStream(head: Uint8Array, total: number): FrameStream | undefined {
    const inc = this.#incoming;
    const headBytes = FRAME_PREFIX_BYTES + 8 + PIECE_HEADER_BYTES;
    if (inc === undefined || head.byteLength !== headBytes) return undefined;
    if (head[0] !== FRAME_MAGIC_0 || head[1] !== FRAME_MAGIC_1 || head[3] !== FLAG_PIECE)
      return undefined;
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (dv.getUint32(4, true) !== PIECE_HEADER_BYTES || dv.getUint32(8, true) !== 1)
      return undefined;
    const seq = dv.getUint32(16, true) + dv.getUint32(20, true) * 2 ** 32;
    const len = dv.getUint32(FRAME_PREFIX_BYTES, true);
    if (
      head[2] !== PROTOCOL_VERSION ||
      dv.getUint32(12, true) !== 0 ||
      seq !== this.#recvSeq ||
      dv.getUint32(FRAME_PREFIX_BYTES + 4, true) !== 0 ||
      headBytes + len + padTo8(len) !== total
    )
      return undefined;
    const { bufferIndex, offset } = decodePieceHeader(head.subarray(FRAME_PREFIX_BYTES + 8));
    const target = inc.buffers[bufferIndex];
    if (!target || offset + len > target.byteLength) return undefined;
    const mac = this.#recvMac.begin(seq);
    mac.update(head.subarray(0, FRAME_TAG_OFFSET));
    mac.update(head.subarray(FRAME_PREFIX_BYTES));
    const tag = head.slice(FRAME_TAG_OFFSET, FRAME_TAG_OFFSET + FRAME_TAG_BYTES);
    let pos = 0;
    return {
      write: (chunk) => {
        mac.update(chunk);
        if (pos < len) {
          const k = Math.min(len - pos, chunk.byteLength);
          target.set(k === chunk.byteLength ? chunk : chunk.subarray(0, k), offset + pos);
        }
        pos += chunk.byteLength;
      },
      end: () => {
        try {
          if (!mac.check(tag)) {
            const e = new AuthenticationError("frame signature does not verify");
            inc.error ??= e;
            throw e;
          }
          this.#recvSeq++;
          inc.remaining -= len;
          if (inc.remaining <= 0) {
            this.#incoming = undefined;
            this.#deliver(inc);
          }
        } catch (e) {
          this.onReject(e instanceof Error ? e : new Error(String(e)));
        }
      },
    };
  }

  #deliver(inc: Incoming): void {
    if (inc.error) this.onMessage(inc.header, [], inc.error);
    else this.onMessage(inc.header, inc.buffers as Uint8Array[]);
  }

  /** Writes the queued messages, then closes the connection (code 1000). */
  close(code = 1000, reason = ""): void {
    this.#flush();
    if (this.#sending) {
      this.#backlog.push(() => this.close(code, reason));
      return;
    }
    this.#closed = true;
    this.ws.close(code, reason);
  }

  /** Drops the connection at once. */
  terminate(): void {
    this.#closed = true;
    this.ws.terminate();
  }
}

interface Batch {
  headers: Uint8Array[];
  counts: number[];
  buffers: Uint8Array[];
  size: number;
  done: Promise<void>;
  settle: (e?: Error) => void;
}

let lastFrozen: object | undefined;
let lastFrozenBytes: Uint8Array | undefined;

/**
 * The msgpack bytes of a header. A frozen header (Context freezes one op message it sends to
 * every target) is encoded once for consecutive sends; a frozen object cannot change, so the
 * cached bytes stay right.
 */
function encodeCached(header: unknown): Uint8Array {
  if (typeof header === "object" && header !== null && Object.isFrozen(header)) {
    if (header === lastFrozen) return lastFrozenBytes!;
    lastFrozenBytes = encodeHeader(header);
    lastFrozen = header;
    return lastFrozenBytes;
  }
  return encodeHeader(header);
}

/**
 * A batch frame whose buffers (copied or borrowed) total at least this many bytes is written to
 * the socket as its parts: joining them first would copy the data again.
 */
const DIRECT_MIN_BYTES = 8 * 1024;

/** A pieced send writes its next piece only while less than this waits in the socket. */
const PACE_BYTES = 4 * 1024 * 1024;

/** Resolves when `socket` has written its queue (or closed). */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });
}

/**
 * Bytes of the RFC 6455 header of one unfragmented binary frame of `size` payload bytes (a
 * connector's frames carry a 4-byte mask key).
 */
function webSocketHeaderBytes(size: number, masked: boolean): number {
  return 2 + (size < 126 ? 0 : size < 65536 ? 2 : 8) + (masked ? 4 : 0);
}

/**
 * Writes that header at the start of `out`; a connector's frames are masked with an all-zero
 * key (the payload is sent as is).
 */
function writeWebSocketHeader(out: Buffer, size: number, masked: boolean): void {
  const ext = size < 126 ? 0 : size < 65536 ? 2 : 8;
  out[0] = 0x82;
  out[1] = (masked ? 0x80 : 0) | (ext === 0 ? size : ext === 2 ? 126 : 127);
  if (ext === 2) out.writeUInt16BE(size, 2);
  else if (ext === 8) {
    out.writeUInt32BE(Math.floor(size / 2 ** 32), 2);
    out.writeUInt32BE(size % 2 ** 32, 6);
  }
  if (masked) out.writeUInt32BE(0, 2 + ext);
}

/** A ws message payload as one Uint8Array (ws gives Buffer, ArrayBuffer or Buffer[]). */
export function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  throw new ProtocolError("unexpected WebSocket payload type");
}

/** Signs a handshake frame (challenge/hello/welcome) with the given context. */
export function signFrame(
  key: Uint8Array,
  context: Uint8Array,
  seq: number,
  header: unknown,
): Uint8Array {
  const head = encodeFrameHead({ flags: 0, seq, header: encodeHeader(header), bufferLengths: [] });
  setFrameTag(head, hmac(key, context, signedParts(head, [])));
  return head;
}

/** Verifies and decodes a handshake frame; throws AuthenticationError or ProtocolError. */
export function openFrame(
  key: Uint8Array,
  context: Uint8Array,
  seq: number,
  data: unknown,
): unknown {
  const frame = decodeFrame(toBytes(data));
  const expect = hmac(key, context, frame.signed);
  if (!timingSafeEqual(expect, frame.tag))
    throw new AuthenticationError("handshake frame signature does not verify");
  if (frame.seq !== seq)
    throw new AuthenticationError(`handshake frame sequence ${frame.seq}, expected ${seq}`);
  if (frame.flags !== 0 || frame.bufferLengths.length !== 0)
    throw new ProtocolError("handshake frames carry no buffers");
  return decodeHeader(frame.header);
}

/** A new random nonce. */
export function newNonce(): Uint8Array {
  return new Uint8Array(randomBytes(NONCE_BYTES));
}

/**
 * Reads the WebSocket byte stream of an open channel ourselves, so that large frames go
 * straight from the socket's chunks into their destination (one copy, no intermediate message
 * buffer, the MAC computed while the bytes arrive).
 *
 * After the handshake the reader takes the socket's `data` events from the `ws` library. It
 * parses each WebSocket frame header (RFC 6455 §5.2) and keeps for itself every complete,
 * unfragmented binary message that is framed as this side expects (masked with an all-zero key
 * towards an engine, unmasked towards a client, no extension bits, at most the largest frame
 * size): each is one protocol frame. Every other WebSocket frame (control frames: ping, pong,
 * close; text; fragmented messages; anything malformed or too large) is handed to `ws` byte for
 * byte, so `ws` answers pings, sees pongs and closes, and enforces the RFC as before. Frames
 * are handled in arrival order either way (`ws` emits a message synchronously when it gets
 * its last byte).
 *
 * A frame kept here is delivered whole (`FrameSink.frame`, a view into socket memory when it
 * lies in one chunk) unless it is large and its sink streams it (`FrameSink.open`).
 */
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import { FRAME_PREFIX_BYTES, padTo8 } from "../../core/protocol-frame.js";

/** Frames at least this large are offered to `FrameSink.open` for streaming. */
export const STREAM_MIN_BYTES = 64 * 1024;
/** The longest frame head (prefix, length table, header) collected before `open`. */
const MAX_STREAM_HEAD = 4096;

/** Receives the bytes of one streamed frame after its head. */
export interface FrameStream {
  /** The next bytes of the frame, in order (a view valid during the call only). */
  write(chunk: Uint8Array): void;
  /** The frame's last byte has arrived. */
  end(): void;
}

export interface FrameSink {
  /** One whole frame. `bytes` may be a view of socket memory: do not keep it. */
  frame(bytes: Uint8Array): void;
  /**
   * A frame of `total` bytes whose head (prefix, length table and header with padding) is
   * `head` has started: a stream for its remaining bytes, or undefined to get it whole.
   */
  open(head: Uint8Array, total: number): FrameStream | undefined;
}

/** The parts of `ws` internals the reader relies on; checked before use. */
interface WsInternals {
  _socket?: unknown;
  _receiver?: { _bufferedBytes?: unknown; _maxPayload?: unknown };
}

type DataListener = (chunk: Buffer) => void;

const MODE_HEADER = 0;
const MODE_FORWARD = 1;
const MODE_COLLECT = 2;
const MODE_HEAD = 3;
const MODE_STREAM = 4;

/**
 * Takes over the socket reads of `ws` (an open WebSocket with nothing buffered in its
 * receiver) and delivers binary messages to `sink`. Returns the socket, or undefined (and
 * changes nothing) when `ws` is not in a state the reader can take over from.
 */
export function takeOverReads(ws: WebSocket, server: boolean, sink: FrameSink): Socket | undefined {
  const inner = ws as unknown as WsInternals;
  const socket = inner._socket as Socket | undefined;
  const receiver = inner._receiver;
  if (
    socket === undefined ||
    typeof socket.on !== "function" ||
    receiver === undefined ||
    receiver._bufferedBytes !== 0 ||
    typeof receiver._maxPayload !== "number"
  )
    return undefined;
  const listeners = socket.listeners("data") as DataListener[];
  if (listeners.length !== 1) return undefined;
  const forward = listeners[0]!;
  const reader = new SocketReader(server, receiver._maxPayload, sink, (b) =>
    forward.call(socket, b),
  );
  socket.removeListener("data", forward);
  socket.on("data", (chunk: Buffer) => {
    if (ws.readyState === ws.CLOSED) return;
    reader.push(chunk);
  });
  return socket;
}

/** The WebSocket frame parser behind `takeOverReads`. */
export class SocketReader {
  #server: boolean;
  #maxPayload: number;
  #sink: FrameSink;
  #forward: (bytes: Buffer) => void;
  #mode = MODE_HEADER;
  /** WebSocket frame header bytes so far. */
  #hdr = Buffer.alloc(14);
  #hdrLen = 0;
  /** Bytes left in the current frame's payload. */
  #left = 0;
  /** Inside a fragmented message handed to ws. */
  #fragmented = false;
  #collect: Uint8Array | undefined;
  #collected = 0;
  #head: Uint8Array | undefined;
  #headLen = 0;
  #total = 0;
  #stream: FrameStream | undefined;

  constructor(
    server: boolean,
    maxPayload: number,
    sink: FrameSink,
    forward: (bytes: Buffer) => void,
  ) {
    this.#server = server;
    this.#maxPayload = maxPayload > 0 ? maxPayload : Number.MAX_SAFE_INTEGER;
    this.#sink = sink;
    this.#forward = forward;
  }

  /** The next bytes read from the socket. */
  push(chunk: Buffer): void {
    let at = 0;
    const n = chunk.byteLength;
    while (at < n) {
      switch (this.#mode) {
        case MODE_HEADER:
          at = this.#header(chunk, at);
          break;
        case MODE_FORWARD: {
          const k = Math.min(this.#left, n - at);
          this.#forward(chunk.subarray(at, at + k));
          at += k;
          this.#left -= k;
          if (this.#left === 0) this.#mode = MODE_HEADER;
          break;
        }
        case MODE_COLLECT: {
          const buf = this.#collect!;
          const k = Math.min(this.#left, n - at);
          buf.set(chunk.subarray(at, at + k), this.#collected);
          this.#collected += k;
          at += k;
          this.#left -= k;
          if (this.#left === 0) {
            this.#mode = MODE_HEADER;
            this.#collect = undefined;
            this.#sink.frame(buf);
          }
          break;
        }
        case MODE_HEAD:
          at = this.#frameHead(chunk, at);
          break;
        case MODE_STREAM: {
          const k = Math.min(this.#left, n - at);
          const s = this.#stream!;
          s.write(chunk.subarray(at, at + k));
          at += k;
          this.#left -= k;
          if (this.#left === 0) {
            this.#mode = MODE_HEADER;
            this.#stream = undefined;
            s.end();
          }
          break;
        }
      }
    }
  }

  /** Reads WebSocket frame header bytes; once complete, picks how to handle the payload. */
  #header(chunk: Buffer, at: number): number {
    const hdr = this.#hdr;
    if (this.#hdrLen < 2) {
      const k = Math.min(2 - this.#hdrLen, chunk.byteLength - at);
      hdr.set(chunk.subarray(at, at + k), this.#hdrLen);
      this.#hdrLen += k;
      at += k;
      if (this.#hdrLen < 2) return at;
    }
    const len7 = hdr[1]! & 0x7f;
    const masked = (hdr[1]! & 0x80) !== 0;
    const need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
    if (this.#hdrLen < need) {
      const k = Math.min(need - this.#hdrLen, chunk.byteLength - at);
      hdr.set(chunk.subarray(at, at + k), this.#hdrLen);
      this.#hdrLen += k;
      at += k;
      if (this.#hdrLen < need) return at;
    }
    this.#hdrLen = 0;
    let len = len7;
    let tooLong = false;
    if (len7 === 126) len = hdr.readUInt16BE(2);
    else if (len7 === 127) {
      const hi = hdr.readUInt32BE(2);
      len = hi * 2 ** 32 + hdr.readUInt32BE(6);
      tooLong = hi >= 2 ** 21;
    }
    const fin = (hdr[0]! & 0x80) !== 0;
    const rsv = hdr[0]! & 0x70;
    const opcode = hdr[0]! & 0x0f;
    let zeroMask = true;
    if (masked) for (let i = need - 4; i < need; i++) if (hdr[i] !== 0) zeroMask = false;
    const mine =
      !this.#fragmented &&
      fin &&
      rsv === 0 &&
      opcode === 2 &&
      masked === this.#server &&
      zeroMask &&
      !tooLong &&
      len <= this.#maxPayload;
    if (!mine) {
      if (opcode < 8) this.#fragmented = !fin;
      this.#forward(Buffer.from(hdr.subarray(0, need)));
      this.#left = len;
      this.#mode = len > 0 ? MODE_FORWARD : MODE_HEADER;
      return at;
    }
    const avail = chunk.byteLength - at;
    if (len < STREAM_MIN_BYTES && len <= avail) {
      this.#sink.frame(chunk.subarray(at, at + len));
      return at + len;
    }
    this.#left = len;
    this.#total = len;
    if (len < STREAM_MIN_BYTES) this.#startCollect(0);
    else {
      this.#head = new Uint8Array(Math.min(len, MAX_STREAM_HEAD));
      this.#headLen = 0;
      this.#mode = MODE_HEAD;
    }
    return at;
  }

  #startCollect(already: number): void {
    this.#collect = new Uint8Array(this.#total);
    this.#collected = already;
    this.#mode = MODE_COLLECT;
  }

  /**
   * Collects a large frame's head: the prefix, then (its length read from the prefix) the
   * length table and header; then asks the sink for a stream.
   */
  #frameHead(chunk: Buffer, at: number): number {
    const head = this.#head!;
    let want = FRAME_PREFIX_BYTES;
    if (this.#headLen >= FRAME_PREFIX_BYTES) want = this.#headLength(head);
    if (want < 0) return this.#giveUpHead(at);
    const k = Math.min(want - this.#headLen, chunk.byteLength - at);
    head.set(chunk.subarray(at, at + k), this.#headLen);
    this.#headLen += k;
    this.#left -= k;
    at += k;
    if (this.#headLen < want) return at;
    if (want === FRAME_PREFIX_BYTES) {
      const full = this.#headLength(head);
      if (full < 0) return this.#giveUpHead(at);
      if (full > FRAME_PREFIX_BYTES) return at;
    }
    const stream =
      this.#left > 0 ? this.#sink.open(head.subarray(0, this.#headLen), this.#total) : undefined;
    if (stream === undefined) return this.#giveUpHead(at);
    this.#stream = stream;
    this.#head = undefined;
    this.#mode = MODE_STREAM;
    return at;
  }

  /** The head length a frame prefix announces, or -1 when it cannot be streamed. */
  #headLength(head: Uint8Array): number {
    const dv = new DataView(head.buffer, head.byteOffset, FRAME_PREFIX_BYTES);
    const h = dv.getUint32(4, true);
    const n = dv.getUint32(8, true);
    const len = FRAME_PREFIX_BYTES + 8 * n + h + padTo8(h);
    return len <= head.byteLength && len < this.#total ? len : -1;
  }

  /** Falls back to collecting the whole frame, keeping the head bytes already read. */
  #giveUpHead(at: number): number {
    const got = this.#headLen;
    const head = this.#head!;
    this.#head = undefined;
    this.#startCollect(got);
    this.#collect!.set(head.subarray(0, got), 0);
    if (this.#left === 0) {
      const buf = this.#collect!;
      this.#collect = undefined;
      this.#mode = MODE_HEADER;
      this.#sink.frame(buf);
    }
    return at;
  }
}

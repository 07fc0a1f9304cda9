/**
 * One authenticated, ordered message channel over a WebSocket (both the client<->engine link
 * and the engine<->engine mesh use it). Frames as in core/protocol-frame.ts; every frame is
 * HMAC-SHA256 signed with the cluster key over the connection's nonces, its direction and
 * the frame; sequence numbers per direction stop replays. Large messages go in pieces that
 * are copied straight into their destination buffers.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { WebSocket } from "ws";
import { AuthenticationError, EngineDiedError, ProtocolError } from "../../core/errors.js";
import { DIRECTION, NONCE_BYTES } from "../../core/protocol.js";
import { decodeHeader, encodeHeader } from "../../core/protocol-codec.js";
import {
  authContext,
  decodeFrame,
  decodePieceHeader,
  encodeFrameHead,
  encodePieceHeader,
  FLAG_PIECE,
  FLAG_PIECED,
  FRAME_TAG_BYTES,
  padTo8,
  setFrameTag,
  signedParts,
  zeroPad,
} from "../../core/protocol-frame.js";

/** Defaults of every wire limit (all overridable per channel). */
export const WIRE_DEFAULTS = {
  /** Largest frame accepted (bytes); larger ones close the connection (ws maxPayload). */
  maxFrameBytes: 64 * 1024 * 1024,
  /** Messages whose buffers total more than this go in pieces of this size. */
  pieceBytes: 1024 * 1024,
  /** Frames up to this size are written as one buffer; larger as WebSocket fragments. */
  coalesceBytes: 64 * 1024,
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

import type { MessageEndpoint, MessageHandler } from "./endpoint.js";

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
  /** A frame failed authentication or decoding; the channel keeps going. */
  onReject: (error: Error) => void = () => {};
  onClose: (error: Error) => void = () => {};
  #key: Uint8Array;
  #pieceBytes: number;
  #allocate: (n: number) => Uint8Array;
  #sendSeq: number;
  #recvSeq: number;
  #sendCtx: Uint8Array;
  #recvCtx: Uint8Array;
  #incoming: Incoming | undefined;
  #destinations = new Map<
    number,
    (bufferIndex: number, byteLength: number) => Uint8Array | undefined
  >();
  #closed = false;

  constructor(
    ws: WebSocket,
    role: "connector" | "acceptor",
    auth: ChannelAuth,
    options: ChannelOptions,
  ) {
    this.ws = ws;
    this.role = role;
    this.#key = options.key;
    this.#pieceBytes = options.pieceBytes ?? WIRE_DEFAULTS.pieceBytes;
    this.#allocate = options.allocate ?? freshBytes;
    this.#sendSeq = auth.sendSeq;
    this.#recvSeq = auth.recvSeq;
    const mine = role === "connector" ? DIRECTION.fromConnector : DIRECTION.fromAcceptor;
    const theirs = role === "connector" ? DIRECTION.fromAcceptor : DIRECTION.fromConnector;
    this.#sendCtx = authContext(auth.acceptorNonce, auth.connectorNonce, mine);
    this.#recvCtx = authContext(auth.acceptorNonce, auth.connectorNonce, theirs);
    ws.on("message", (data, isBinary) => this.#receive(data, isBinary));
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
   * Sends one message. Buffers are not copied; the Promise resolves once the last frame is
   * handed to the socket, and rejects with EngineDiedError if the connection is closed.
   */
  send(header: unknown, buffers: readonly Uint8Array[] = []): Promise<void> {
    if (!this.open) return Promise.reject(new EngineDiedError("the connection is closed"));
    const hb = encodeHeader(header);
    let total = 0;
    for (const b of buffers) total += b.byteLength;
    const lengths = buffers.map((b) => b.byteLength);
    if (total <= this.#pieceBytes) {
      return this.#writeFrame(0, hb, lengths, buffers);
    }
    let last = this.#writeFrame(FLAG_PIECED, hb, lengths, []);
    buffers.forEach((b, i) => {
      for (let off = 0; off < b.byteLength; off += this.#pieceBytes) {
        const piece = b.subarray(off, Math.min(b.byteLength, off + this.#pieceBytes));
        last = this.#writeFrame(FLAG_PIECE, encodePieceHeader(i, off), [piece.byteLength], [piece]);
      }
    });
    return last;
  }

  /** Sends raw bytes as one binary WebSocket message (tests of rejection use it). */
  sendRaw(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) =>
      this.ws.send(bytes, { binary: true }, (e) => (e ? reject(e) : resolve())),
    );
  }

  #writeFrame(
    flags: number,
    header: Uint8Array,
    lengths: number[],
    buffers: readonly Uint8Array[],
  ): Promise<void> {
    const head = encodeFrameHead({ flags, seq: this.#sendSeq++, header, bufferLengths: lengths });
    const parts = signedParts(head, buffers);
    setFrameTag(head, hmac(this.#key, this.#sendCtx, parts));
    const wire: Uint8Array[] = [head];
    let size = head.byteLength;
    for (const b of buffers) {
      if (b.byteLength > 0) wire.push(b);
      const p = padTo8(b.byteLength);
      if (p > 0) wire.push(zeroPad(p));
      size += b.byteLength + p;
    }
    return new Promise((resolve, reject) => {
      const done = (e?: Error) =>
        e ? reject(new EngineDiedError(`send failed: ${e.message}`, { cause: e })) : resolve();
      if (wire.length === 1 || size <= WIRE_DEFAULTS.coalesceBytes) {
        this.ws.send(wire.length === 1 ? head : Buffer.concat(wire, size), { binary: true }, done);
        return;
      }
      for (let i = 0; i < wire.length; i++) {
        const fin = i === wire.length - 1;
        this.ws.send(wire[i]!, { binary: true, fin }, fin ? done : undefined);
      }
    });
  }

  #receive(data: unknown, isBinary: boolean): void {
    try {
      if (!isBinary) throw new ProtocolError("text messages are not accepted; frames are binary");
      const bytes = toBytes(data);
      const frame = decodeFrame(bytes);
      const expect = hmac(this.#key, this.#recvCtx, frame.signed);
      if (frame.tag.byteLength !== FRAME_TAG_BYTES || !timingSafeEqual(expect, frame.tag)) {
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
      const dest = this.#destinationFor(header);
      const inc: Incoming = { header, buffers: [], remaining: 0, error: undefined };
      frame.bufferLengths.forEach((len, i) => {
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
        if (flagsCarryData(frame.flags) && target) target.set(frame.buffers[i]!);
        else if (!flagsCarryData(frame.flags)) inc.remaining += len;
      });
      if (inc.remaining > 0) {
        this.#incoming = inc;
        return;
      }
      this.#deliver(inc);
    } catch (e) {
      this.onReject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  #destinationFor(header: unknown): ((i: number, n: number) => Uint8Array | undefined) | undefined {
    if (this.#destinations.size === 0 || typeof header !== "object" || header === null)
      return undefined;
    const h = header as { t?: unknown; id?: unknown };
    if (h.t !== "reply" || typeof h.id !== "number") return undefined;
    const fn = this.#destinations.get(h.id);
    this.#destinations.delete(h.id);
    return fn;
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

  #deliver(inc: Incoming): void {
    if (inc.error) this.onMessage(inc.header, [], inc.error);
    else this.onMessage(inc.header, inc.buffers as Uint8Array[]);
  }

  /** Closes the connection (code 1000). */
  close(code = 1000, reason = ""): void {
    this.#closed = true;
    this.ws.close(code, reason);
  }

  /** Drops the connection at once. */
  terminate(): void {
    this.#closed = true;
    this.ws.terminate();
  }
}

function flagsCarryData(flags: number): boolean {
  return flags !== FLAG_PIECED;
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

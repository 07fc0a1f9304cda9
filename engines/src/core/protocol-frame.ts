/**
 * The binary frame of protocol v1 (one WebSocket binary message = one frame). Pure.
 *
 * ```
 * offset size  field
 *      0    2  magic 0x44 0x41 ("DA")
 *      2    1  protocol version (1)
 *      3    1  flags: FLAG_PIECED 0x01, FLAG_PIECE 0x02, FLAG_BATCH 0x04 (at most one)
 *      4    4  header length H in bytes, u32 little-endian
 *      8    4  buffer count N, u32 LE
 *     12    4  reserved, 0
 *     16    8  sequence number, u64 LE (per connection and direction, from 0, +1 per frame)
 *     24   32  HMAC-SHA256 tag
 *     56  8*N  byte length of each buffer, u64 LE
 *  56+8N    H  header (msgpack), then zero padding to a multiple of 8
 *    ...       each buffer, each followed by zero padding to a multiple of 8
 * ```
 * So every buffer starts 8-byte aligned relative to the frame start. The tag of a handshake
 * frame is HMAC-SHA256(key, authContext || frame bytes 0..24 || frame bytes 56..end); after
 * the handshake it is a Poly1305 MAC over the same bytes (engine/wire/frame-mac.ts).
 *
 * A plain frame carries a whole message. A message whose buffers total more than the piece
 * size is sent as one FLAG_PIECED frame (the header and the buffer length table, no buffer
 * bytes) followed by FLAG_PIECE frames, each with a 16-byte binary header
 * `{buffer index u32, reserved u32, byte offset u64}` and one buffer (the piece); the pieces
 * fill the buffers in order and nothing else is sent on that connection in between.
 *
 * A FLAG_BATCH frame carries several small messages: its header is a msgpack array of
 * `[messageHeader, bufferCount]` pairs and its buffers are the messages' buffers in order.
 */
import { ProtocolError } from "./errors.js";
import { NONCE_BYTES, PROTOCOL_VERSION } from "./protocol.js";

export const FRAME_MAGIC_0 = 0x44;
export const FRAME_MAGIC_1 = 0x41;
export const FRAME_PREFIX_BYTES = 56;
export const FRAME_SEQ_OFFSET = 16;
export const FRAME_TAG_OFFSET = 24;
export const FRAME_TAG_BYTES = 32;
export const FRAME_ALIGN = 8;
export const FLAG_PIECED = 0x01;
export const FLAG_PIECE = 0x02;
export const FLAG_BATCH = 0x04;
export const PIECE_HEADER_BYTES = 16;

const TWO_32 = 2 ** 32;

/** Writes a safe integer as u64 little-endian (no BigInt on the hot path). */
function setU64(dv: DataView, offset: number, v: number): void {
  dv.setUint32(offset, v % TWO_32, true);
  dv.setUint32(offset + 4, Math.floor(v / TWO_32), true);
}

/** Reads a u64 little-endian; ProtocolError if it is not a safe integer. */
function getU64(dv: DataView, offset: number, what: string): number {
  const hi = dv.getUint32(offset + 4, true);
  if (hi >= 2 ** 21) throw new ProtocolError(`frame ${what} too large`);
  return hi * TWO_32 + dv.getUint32(offset, true);
}

/** Zero bytes to add after `n` bytes to reach a multiple of 8. */
export function padTo8(n: number): number {
  return (FRAME_ALIGN - (n % FRAME_ALIGN)) % FRAME_ALIGN;
}

const ZEROS = new Uint8Array(FRAME_ALIGN);

/** `n` zero bytes (n < 8), shared and read-only by convention. */
export function zeroPad(n: number): Uint8Array {
  return ZEROS.subarray(0, n);
}

/**
 * The bytes mixed into every tag before the frame: the engine's nonce, the connector's nonce
 * (zeros while not yet known) and the direction byte. Binds a frame to one connection and
 * one direction, so it cannot be replayed elsewhere; the sequence number stops replays
 * within the connection.
 */
export function authContext(
  acceptorNonce: Uint8Array | undefined,
  connectorNonce: Uint8Array | undefined,
  direction: number,
): Uint8Array {
  const out = new Uint8Array(2 * NONCE_BYTES + 1);
  if (acceptorNonce) out.set(acceptorNonce, 0);
  if (connectorNonce) out.set(connectorNonce, NONCE_BYTES);
  out[2 * NONCE_BYTES] = direction;
  return out;
}

export interface FrameHeadOptions {
  flags: number;
  seq: number;
  header: Uint8Array;
  bufferLengths: readonly number[];
}

/** Bytes of a frame head (prefix, length table, header and its padding). */
export function frameHeadBytes(headerBytes: number, bufferCount: number): number {
  return FRAME_PREFIX_BYTES + 8 * bufferCount + headerBytes + padTo8(headerBytes);
}

/**
 * The frame up to (not including) the first buffer: prefix, length table, header and its
 * padding. The tag field is zero; fill it with `setFrameTag` once computed over
 * `signedParts(head, buffers)`.
 */
export function encodeFrameHead(o: FrameHeadOptions): Uint8Array {
  const head = new Uint8Array(frameHeadBytes(o.header.byteLength, o.bufferLengths.length));
  writeFrameHead(head, 0, o);
  return head;
}

/**
 * Writes the frame head (as encodeFrameHead) into `out` from byte `at`, the tag field and
 * padding zeroed (`out` may hold anything); returns the offset after it. Lets a sender build
 * a whole frame in one buffer.
 */
export function writeFrameHead(out: Uint8Array, at: number, o: FrameHeadOptions): number {
  const n = o.bufferLengths.length;
  const h = o.header.byteLength;
  const end = at + frameHeadBytes(h, n);
  const dv = new DataView(out.buffer, out.byteOffset + at, end - at);
  out[at] = FRAME_MAGIC_0;
  out[at + 1] = FRAME_MAGIC_1;
  out[at + 2] = PROTOCOL_VERSION;
  out[at + 3] = o.flags;
  dv.setUint32(4, h, true);
  dv.setUint32(8, n, true);
  dv.setUint32(12, 0, true);
  setU64(dv, FRAME_SEQ_OFFSET, o.seq);
  out.fill(0, at + FRAME_TAG_OFFSET, at + FRAME_PREFIX_BYTES);
  for (let i = 0; i < n; i++) setU64(dv, FRAME_PREFIX_BYTES + 8 * i, o.bufferLengths[i]!);
  const headerAt = at + FRAME_PREFIX_BYTES + 8 * n;
  out.set(o.header, headerAt);
  out.fill(0, headerAt + h, end);
  return end;
}

/** The byte ranges the tag covers, in order (everything but the tag field). */
export function signedParts(head: Uint8Array, buffers: readonly Uint8Array[]): Uint8Array[] {
  const parts = [head.subarray(0, FRAME_TAG_OFFSET), head.subarray(FRAME_PREFIX_BYTES)];
  for (const b of buffers) {
    parts.push(b);
    const p = padTo8(b.byteLength);
    if (p > 0) parts.push(zeroPad(p));
  }
  return parts;
}

export function setFrameTag(head: Uint8Array, tag: Uint8Array): void {
  if (tag.byteLength !== FRAME_TAG_BYTES) throw new ProtocolError("a frame tag is 32 bytes");
  head.set(tag, FRAME_TAG_OFFSET);
}

/** A frame split into its fields; buffers are views into the frame bytes (not copied). */
export interface DecodedFrame {
  flags: number;
  seq: number;
  tag: Uint8Array;
  header: Uint8Array;
  /** The lengths from the table (for a FLAG_PIECED frame: the whole message's buffers). */
  bufferLengths: number[];
  /** Views of the buffers; empty for a FLAG_PIECED frame. */
  buffers: Uint8Array[];
  /** The byte ranges the tag covers (see signedParts). */
  signed: Uint8Array[];
}

/**
 * Splits a received frame, checking magic, version, flags and that every length fits.
 * Throws ProtocolError for anything malformed; never reads out of bounds.
 */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  const len = frame.byteLength;
  if (len < FRAME_PREFIX_BYTES) {
    throw new ProtocolError(`a frame is at least ${FRAME_PREFIX_BYTES} bytes; got ${len}`);
  }
  if (frame[0] !== FRAME_MAGIC_0 || frame[1] !== FRAME_MAGIC_1) {
    throw new ProtocolError("a frame starts with the magic bytes 0x44 0x41");
  }
  if (frame[2] !== PROTOCOL_VERSION) {
    throw new ProtocolError(`protocol version ${PROTOCOL_VERSION} expected; got ${frame[2]}`);
  }
  const flags = frame[3]!;
  if (flags !== 0 && flags !== FLAG_PIECED && flags !== FLAG_PIECE && flags !== FLAG_BATCH) {
    throw new ProtocolError(`unknown frame flags 0x${flags.toString(16)}`);
  }
  const dv = new DataView(frame.buffer, frame.byteOffset, len);
  const h = dv.getUint32(4, true);
  const n = dv.getUint32(8, true);
  if (dv.getUint32(12, true) !== 0) throw new ProtocolError("frame reserved field must be 0");
  const seq = getU64(dv, FRAME_SEQ_OFFSET, "sequence");
  const tableEnd = FRAME_PREFIX_BYTES + 8 * n;
  if (n > (len - FRAME_PREFIX_BYTES) / 8 || tableEnd + h > len) {
    throw new ProtocolError(
      `frame of ${len} bytes cannot hold ${n} buffers and a ${h}-byte header`,
    );
  }
  const header = frame.subarray(tableEnd, tableEnd + h);
  let pos = tableEnd + h + padTo8(h);
  const buffers: Uint8Array[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < n; i++) {
    lengths.push(getU64(dv, FRAME_PREFIX_BYTES + 8 * i, "buffer length"));
  }
  if (flags !== FLAG_PIECED) {
    for (const b of lengths) {
      if (pos + b > len) throw new ProtocolError(`frame buffer of ${b} bytes overruns the frame`);
      buffers.push(frame.subarray(pos, pos + b));
      pos += b + padTo8(b);
    }
    if (pos !== len)
      throw new ProtocolError(`frame length ${len} does not match its table (${pos})`);
  } else if (pos !== len) {
    throw new ProtocolError("a pieced frame carries no buffer bytes");
  }
  if (flags === FLAG_PIECE && (n !== 1 || h !== PIECE_HEADER_BYTES)) {
    throw new ProtocolError("a piece frame has a 16-byte header and one buffer");
  }
  return {
    flags,
    seq,
    tag: frame.subarray(FRAME_TAG_OFFSET, FRAME_TAG_OFFSET + FRAME_TAG_BYTES),
    header,
    bufferLengths: lengths,
    buffers,
    signed: [frame.subarray(0, FRAME_TAG_OFFSET), frame.subarray(FRAME_PREFIX_BYTES)],
  };
}

/** The 16-byte header of a piece frame. */
export function encodePieceHeader(bufferIndex: number, offset: number): Uint8Array {
  const out = new Uint8Array(PIECE_HEADER_BYTES);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, bufferIndex, true);
  setU64(dv, 8, offset);
  return out;
}

export function decodePieceHeader(h: Uint8Array): { bufferIndex: number; offset: number } {
  if (h.byteLength !== PIECE_HEADER_BYTES) throw new ProtocolError("a piece header is 16 bytes");
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  return { bufferIndex: dv.getUint32(0, true), offset: getU64(dv, 8, "piece offset") };
}

/**
 * The header bytes of a FLAG_BATCH frame from the already encoded headers of its messages and
 * their buffer counts: a msgpack array of `[header, count]` pairs, built without re-encoding.
 */
export function encodeBatchHeader(
  headers: readonly Uint8Array[],
  counts: readonly number[],
): Uint8Array {
  const n = headers.length;
  let size = n < 16 ? 1 : n < 0x10000 ? 3 : 5;
  for (let i = 0; i < n; i++) size += 1 + headers[i]!.byteLength + uintBytes(counts[i]!);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let pos: number;
  if (n < 16) {
    out[0] = 0x90 | n;
    pos = 1;
  } else if (n < 0x10000) {
    out[0] = 0xdc;
    dv.setUint16(1, n);
    pos = 3;
  } else {
    out[0] = 0xdd;
    dv.setUint32(1, n);
    pos = 5;
  }
  for (let i = 0; i < n; i++) {
    out[pos++] = 0x92;
    out.set(headers[i]!, pos);
    pos += headers[i]!.byteLength;
    const c = counts[i]!;
    if (c < 0x80) out[pos++] = c;
    else if (c < 0x10000) {
      out[pos] = 0xcd;
      dv.setUint16(pos + 1, c);
      pos += 3;
    } else {
      out[pos] = 0xce;
      dv.setUint32(pos + 1, c);
      pos += 5;
    }
  }
  return out;
}

function uintBytes(c: number): number {
  if (!Number.isInteger(c) || c < 0 || c >= TWO_32) throw new RangeError("bad buffer count");
  return c < 0x80 ? 1 : c < 0x10000 ? 3 : 5;
}

/**
 * Checks a decoded FLAG_BATCH header against the frame's buffer count and returns its
 * `[header, bufferCount]` pairs. Throws ProtocolError for anything else.
 */
export function parseBatchHeader(value: unknown, bufferCount: number): [unknown, number][] {
  if (!Array.isArray(value) || value.length < 1) {
    throw new ProtocolError("a batch frame header is a non-empty array of [header, count]");
  }
  let total = 0;
  for (const e of value) {
    if (
      !Array.isArray(e) ||
      e.length !== 2 ||
      !Number.isSafeInteger(e[1]) ||
      (e[1] as number) < 0
    ) {
      throw new ProtocolError("a batch entry is [header, buffer count]");
    }
    total += e[1] as number;
  }
  if (total !== bufferCount) {
    throw new ProtocolError(`a batch names ${total} buffers; the frame has ${bufferCount}`);
  }
  return value as [unknown, number][];
}

/**
 * The msgpack codec of message headers: a small encoder and decoder for exactly the values
 * headers hold (maps with string keys, arrays, strings, numbers, booleans, nil, binary, and
 * bigint as extension type 0 with the decimal digits as payload). Every header of every op
 * goes through it twice, so it is written for small messages: one reused output buffer, no
 * per-value objects, short ASCII strings without TextEncoder/TextDecoder. Pure.
 *
 * Encoding rules (msgpack's smallest forms): a safe integer is a fixint or the smallest
 * uint/int form (-0 encodes as 0); any other number is float64; undefined-valued map entries
 * are left out (undefined elsewhere is nil); a typed array is bin (its bytes); any other
 * object is a map of its own enumerable keys. Decoding accepts every msgpack type but
 * extensions other than type 0; bin decodes to a view of the input (no copy); map keys must
 * be strings or numbers, and `__proto__` is refused.
 */

/** msgpack extension type used for bigint (payload: the decimal digits, ASCII). */
export const EXT_BIGINT = 0;

/** Deepest nesting accepted either way. */
export const MAX_DEPTH = 100;

/** Errors of the codec; protocol-codec.ts turns decoding ones into ProtocolError. */
export class MsgpackError extends Error {
  override name = "MsgpackError";
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
/** Scratch for floats: msgpack stores them big-endian. */
const scratch = new DataView(new ArrayBuffer(8));

/** Strings at most this long are written/read with a plain loop when they are ASCII. */
const SHORT_STRING = 64;

class Writer {
  bytes = new Uint8Array(4096);
  pos = 0;

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = v;
  }

  /** A type byte followed by a big-endian unsigned integer of `n` bytes. */
  head(type: number, v: number, n: 1 | 2 | 4): void {
    this.ensure(1 + n);
    const b = this.bytes;
    let p = this.pos;
    b[p++] = type;
    if (n === 4) {
      b[p++] = (v >>> 24) & 0xff;
      b[p++] = (v >>> 16) & 0xff;
    }
    if (n >= 2) b[p++] = (v >>> 8) & 0xff;
    b[p++] = v & 0xff;
    this.pos = p;
  }

  raw(src: Uint8Array): void {
    this.ensure(src.length);
    this.bytes.set(src, this.pos);
    this.pos += src.length;
  }
}

const writer = new Writer();
let encoding = false;

/** msgpack bytes of `value` (a fresh copy). Throws MsgpackError for values msgpack cannot hold. */
export function encodeMsgpack(value: unknown): Uint8Array {
  // A re-entrant call (only possible from a getter) gets its own writer.
  const w = encoding ? new Writer() : writer;
  const outer = !encoding;
  encoding = true;
  try {
    w.pos = 0;
    encodeValue(w, value, 1);
    return w.bytes.slice(0, w.pos);
  } finally {
    if (outer) {
      encoding = false;
      // One huge header does not pin a huge buffer.
      if (w.bytes.length > 1024 * 1024) w.bytes = new Uint8Array(4096);
    }
  }
}

function encodeValue(w: Writer, v: unknown, depth: number): void {
  switch (typeof v) {
    case "string":
      encodeString(w, v);
      return;
    case "number":
      encodeNumber(w, v);
      return;
    case "boolean":
      w.u8(v ? 0xc3 : 0xc2);
      return;
    case "undefined":
      w.u8(0xc0);
      return;
    case "bigint":
      encodeExt(w, EXT_BIGINT, textEncoder.encode(v.toString()));
      return;
    case "object":
      break;
    default:
      throw new MsgpackError(`a ${typeof v} cannot be encoded`);
  }
  if (v === null) {
    w.u8(0xc0);
    return;
  }
  if (depth > MAX_DEPTH) throw new MsgpackError(`values nested deeper than ${MAX_DEPTH}`);
  if (Array.isArray(v)) {
    const n = v.length;
    if (n < 16) w.u8(0x90 + n);
    else if (n < 0x10000) w.head(0xdc, n, 2);
    else w.head(0xdd, n, 4);
    for (let i = 0; i < n; i++) encodeValue(w, v[i], depth + 1);
    return;
  }
  if (ArrayBuffer.isView(v)) {
    const n = v.byteLength;
    if (n < 0x100) w.head(0xc4, n, 1);
    else if (n < 0x10000) w.head(0xc5, n, 2);
    else if (n < 2 ** 32) w.head(0xc6, n, 4);
    else throw new MsgpackError(`binary of ${n} bytes is too large`);
    w.raw(new Uint8Array(v.buffer, v.byteOffset, n));
    return;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length < 16) {
    // One pass: a fixmap byte is reserved and then set to the count of defined values
    // (at most keys.length, so it stays a fixmap); each value is read once.
    w.ensure(1);
    const at = w.pos++;
    let count = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const x = o[k];
      if (x === undefined) continue;
      count++;
      encodeString(w, k);
      encodeValue(w, x, depth + 1);
    }
    // The writer may have moved to a bigger buffer; `at` is an offset, so it still holds.
    w.bytes[at] = 0x80 + count;
    return;
  }
  let count = 0;
  for (const k of keys) if (o[k] !== undefined) count++;
  if (count < 16) w.u8(0x80 + count);
  else if (count < 0x10000) w.head(0xde, count, 2);
  else w.head(0xdf, count, 4);
  for (const k of keys) {
    const x = o[k];
    if (x === undefined) continue;
    encodeString(w, k);
    encodeValue(w, x, depth + 1);
  }
}

function encodeNumber(w: Writer, v: number): void {
  if (Number.isSafeInteger(v)) {
    if (v >= 0) {
      if (v < 0x80) w.u8(v);
      else if (v < 0x100) w.head(0xcc, v, 1);
      else if (v < 0x10000) w.head(0xcd, v, 2);
      else if (v < 2 ** 32) w.head(0xce, v, 4);
      else {
        w.head(0xcf, Math.floor(v / 2 ** 32), 4);
        w.raw(u32Bytes(v >>> 0));
      }
      return;
    }
    if (v >= -0x20) w.u8(0xe0 | (v + 0x20));
    else if (v >= -0x80) w.head(0xd0, v & 0xff, 1);
    else if (v >= -0x8000) w.head(0xd1, v & 0xffff, 2);
    else if (v >= -(2 ** 31)) w.head(0xd2, v >>> 0, 4);
    else {
      // Two's complement of a negative safe integer as a 64-bit big-endian value.
      const hi = Math.floor(v / 2 ** 32);
      const lo = v - hi * 2 ** 32;
      w.head(0xd3, hi >>> 0, 4);
      w.raw(u32Bytes(lo));
    }
    return;
  }
  scratch.setFloat64(0, v);
  w.ensure(9);
  const b = w.bytes;
  let p = w.pos;
  b[p++] = 0xcb;
  for (let i = 0; i < 8; i++) b[p++] = scratch.getUint8(i);
  w.pos = p;
}

const u32Scratch = new Uint8Array(4);
function u32Bytes(v: number): Uint8Array {
  u32Scratch[0] = (v >>> 24) & 0xff;
  u32Scratch[1] = (v >>> 16) & 0xff;
  u32Scratch[2] = (v >>> 8) & 0xff;
  u32Scratch[3] = v & 0xff;
  return u32Scratch;
}

function encodeString(w: Writer, s: string): void {
  const n = s.length;
  if (n <= SHORT_STRING) {
    // Copy while checking for ASCII in one loop; a non-ASCII string rewinds and takes the
    // UTF-8 path below.
    const start = w.pos;
    if (n < 32) w.u8(0xa0 + n);
    else w.head(0xd9, n, 1);
    w.ensure(n);
    const b = w.bytes;
    let p = w.pos;
    let high = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      high |= c;
      b[p++] = c;
    }
    if (high < 0x80) {
      w.pos = p;
      return;
    }
    w.pos = start;
  }
  const bytes = textEncoder.encode(s);
  const m = bytes.length;
  if (m < 32) w.u8(0xa0 + m);
  else if (m < 0x100) w.head(0xd9, m, 1);
  else if (m < 0x10000) w.head(0xda, m, 2);
  else w.head(0xdb, m, 4);
  w.raw(bytes);
}

function encodeExt(w: Writer, type: number, data: Uint8Array): void {
  const n = data.length;
  const fixed = n === 1 ? 0xd4 : n === 2 ? 0xd5 : n === 4 ? 0xd6 : n === 8 ? 0xd7 : 0;
  if (fixed !== 0) w.u8(fixed);
  else if (n === 16) w.u8(0xd8);
  else if (n < 0x100) w.head(0xc7, n, 1);
  else if (n < 0x10000) w.head(0xc8, n, 2);
  else w.head(0xc9, n, 4);
  w.u8(type & 0xff);
  w.raw(data);
}

/**
 * Decodes one msgpack value that must fill `bytes` exactly. `ext(type, data)` turns an
 * extension into a value (or throws). Throws MsgpackError on malformed or truncated input.
 */
export function decodeMsgpack(
  bytes: Uint8Array,
  ext: (type: number, data: Uint8Array) => unknown,
): unknown {
  const r = new Reader(bytes, ext);
  const v = r.value(1);
  if (r.pos !== bytes.length)
    throw new MsgpackError(`${bytes.length - r.pos} extra byte(s) after the value`);
  return v;
}

/** Strings up to this many bytes (map keys, op and dtype names) are decoded once and reused. */
const CACHED_STRING = 16;
const CACHE_SLOTS = 1024;
const cacheBytes: (Uint8Array | undefined)[] = new Array(CACHE_SLOTS).fill(undefined);
const cacheStrings: string[] = new Array(CACHE_SLOTS).fill("");

/**
 * The string of the `n` (<= CACHED_STRING) UTF-8 bytes at `start`, from a small cache: the
 * same few keys occur in every header, and reusing one string instance spares decoding and
 * V8's hashing of a fresh property name.
 */
function cachedString(b: Uint8Array, start: number, n: number): string {
  let h = n;
  for (let i = start; i < start + n; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  const slot = (h >>> 0) % CACHE_SLOTS;
  const known = cacheBytes[slot];
  if (known !== undefined && known.length === n) {
    let same = true;
    for (let i = 0; i < n && same; i++) same = known[i] === b[start + i];
    if (same) return cacheStrings[slot]!;
  }
  const str = textDecoder.decode(b.subarray(start, start + n));
  cacheBytes[slot] = b.slice(start, start + n);
  cacheStrings[slot] = str;
  return str;
}

class Reader {
  readonly bytes: Uint8Array;
  readonly ext: (type: number, data: Uint8Array) => unknown;
  pos = 0;

  constructor(bytes: Uint8Array, ext: (type: number, data: Uint8Array) => unknown) {
    this.bytes = bytes;
    this.ext = ext;
  }

  need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new MsgpackError("truncated msgpack data");
  }

  uint(n: 1 | 2 | 4): number {
    this.need(n);
    const b = this.bytes;
    let p = this.pos;
    let v = b[p++]!;
    if (n >= 2) v = (v << 8) | b[p++]!;
    if (n === 4) v = ((v << 8) | b[p++]!) * 256 + b[p++]!;
    this.pos = p;
    return v;
  }

  int(n: 1 | 2 | 4): number {
    const u = this.uint(n);
    const bits = 8 * n;
    return u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
  }

  /** A 64-bit integer as a number (exact below 2^53, rounded beyond, as other decoders do). */
  int64(signed: boolean): number {
    const hi = this.uint(4);
    const lo = this.uint(4);
    if (signed && hi >= 0x80000000) return (hi - 2 ** 32) * 2 ** 32 + lo;
    return hi * 2 ** 32 + lo;
  }

  float(n: 4 | 8): number {
    this.need(n);
    const b = this.bytes;
    for (let i = 0; i < n; i++) scratch.setUint8(i, b[this.pos++]!);
    return n === 8 ? scratch.getFloat64(0) : scratch.getFloat32(0);
  }

  str(n: number): string {
    this.need(n);
    const b = this.bytes;
    const start = this.pos;
    this.pos += n;
    if (n <= CACHED_STRING) return cachedString(b, start, n);
    const view = b.subarray(start, start + n);
    if (n <= SHORT_STRING) {
      let ascii = true;
      for (let i = 0; i < n && ascii; i++) ascii = view[i]! < 0x80;
      if (ascii) return String.fromCharCode.apply(null, view as unknown as number[]);
    }
    return textDecoder.decode(view);
  }

  bin(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  extension(n: number): unknown {
    this.need(1);
    const raw = this.bytes[this.pos++]!;
    const type = raw >= 0x80 ? raw - 0x100 : raw;
    return this.ext(type, this.bin(n));
  }

  array(n: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) throw new MsgpackError(`values nested deeper than ${MAX_DEPTH}`);
    // Each element takes at least one byte: a length beyond the input is malformed.
    this.need(n);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = this.value(depth + 1);
    return out;
  }

  map(n: number, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw new MsgpackError(`values nested deeper than ${MAX_DEPTH}`);
    this.need(2 * n);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const k = this.value(depth + 1);
      if (typeof k !== "string" && typeof k !== "number")
        throw new MsgpackError(`a map key must be a string or a number, not ${typeof k}`);
      if (k === "__proto__") throw new MsgpackError("the map key __proto__ is not allowed");
      out[k] = this.value(depth + 1);
    }
    return out;
  }

  value(depth: number): unknown {
    this.need(1);
    const t = this.bytes[this.pos++]!;
    if (t < 0x80) return t;
    if (t < 0x90) return this.map(t - 0x80, depth);
    if (t < 0xa0) return this.array(t - 0x90, depth);
    if (t < 0xc0) return this.str(t - 0xa0);
    if (t >= 0xe0) return t - 0x100;
    switch (t) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.bin(this.uint(1));
      case 0xc5:
        return this.bin(this.uint(2));
      case 0xc6:
        return this.bin(this.uint(4));
      case 0xc7:
        return this.extension(this.uint(1));
      case 0xc8:
        return this.extension(this.uint(2));
      case 0xc9:
        return this.extension(this.uint(4));
      case 0xca:
        return this.float(4);
      case 0xcb:
        return this.float(8);
      case 0xcc:
        return this.uint(1);
      case 0xcd:
        return this.uint(2);
      case 0xce:
        return this.uint(4);
      case 0xcf:
        return this.int64(false);
      case 0xd0:
        return this.int(1);
      case 0xd1:
        return this.int(2);
      case 0xd2:
        return this.int(4);
      case 0xd3:
        return this.int64(true);
      case 0xd4:
        return this.extension(1);
      case 0xd5:
        return this.extension(2);
      case 0xd6:
        return this.extension(4);
      case 0xd7:
        return this.extension(8);
      case 0xd8:
        return this.extension(16);
      case 0xd9:
        return this.str(this.uint(1));
      case 0xda:
        return this.str(this.uint(2));
      case 0xdb:
        return this.str(this.uint(4));
      case 0xdc:
        return this.array(this.uint(2), depth);
      case 0xdd:
        return this.array(this.uint(4), depth);
      case 0xde:
        return this.map(this.uint(2), depth);
      case 0xdf:
        return this.map(this.uint(4), depth);
      default:
        throw new MsgpackError(`0x${t.toString(16)} is not a msgpack type byte`);
    }
  }
}

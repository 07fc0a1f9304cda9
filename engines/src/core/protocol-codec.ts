/**
 * Encoding of message headers (msgpack, with bigint as extension type 0) and packing of
 * values whose typed arrays travel as raw frame buffers (apply arguments and results,
 * collective payloads). Pure.
 */
import { ProtocolError } from "./errors.js";
import { decodeMsgpack, EXT_BIGINT, encodeMsgpack } from "./protocol-msgpack.js";

export { EXT_BIGINT } from "./protocol-msgpack.js";

const textDecoder = new TextDecoder();

function decodeExtension(type: number, data: Uint8Array): bigint {
  if (type !== EXT_BIGINT) throw new ProtocolError(`msgpack extension type ${type} in a header`);
  const s = textDecoder.decode(data);
  if (!/^-?\d+$/.test(s)) throw new ProtocolError("malformed bigint in a header");
  return BigInt(s);
}

/** msgpack bytes of a header object (undefined-valued keys are dropped). */
export function encodeHeader(header: unknown): Uint8Array {
  return encodeMsgpack(header);
}

/** Decodes header bytes; malformed msgpack throws ProtocolError. */
export function decodeHeader(bytes: Uint8Array): unknown {
  try {
    return decodeMsgpack(bytes, decodeExtension);
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError("a frame header is not valid msgpack", { cause: e });
  }
}

/** The typed-array constructors that may travel as buffers, by name. */
const TYPED_ARRAYS = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  BigInt64Array,
  BigUint64Array,
  Float32Array,
  Float64Array,
  Uint8ClampedArray,
} as const;

type TypedArrayName = keyof typeof TYPED_ARRAYS;

/** Marker key of a packed typed array: `{$ta: [constructorName, bufferIndex]}`. */
export const PACKED_TYPED_ARRAY = "$ta";

export interface PackedValue {
  /** The value with each typed array replaced by a marker. */
  skeleton: unknown;
  /** The typed arrays' bytes (views, not copies), in marker order. */
  buffers: Uint8Array[];
}

function isPlainObject(x: object): boolean {
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
}

/**
 * Replaces every typed array inside `value` (plain objects and arrays are walked) by a
 * marker and collects its bytes. Class instances other than typed arrays throw TypeError
 * (use toJSON-like plain data); functions too.
 */
export function packValue(value: unknown, buffers: Uint8Array[] = []): PackedValue {
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") {
      if (typeof v === "function" || typeof v === "symbol") {
        throw new TypeError(`a ${typeof v} cannot be sent to or from an engine`);
      }
      return v;
    }
    if (ArrayBuffer.isView(v)) {
      const name = v.constructor.name;
      if (!Object.hasOwn(TYPED_ARRAYS, name)) throw new TypeError(`${name} cannot be sent`);
      buffers.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      return { [PACKED_TYPED_ARRAY]: [name, buffers.length - 1] };
    }
    if (Array.isArray(v)) return v.map(walk);
    if (!isPlainObject(v)) {
      throw new TypeError(`a ${v.constructor?.name ?? "object"} cannot be sent; use plain data`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    return out;
  };
  return { skeleton: walk(value), buffers };
}

/**
 * Inverse of packValue. Buffers 8-byte aligned in their ArrayBuffer become views (no copy);
 * misaligned ones are copied. A marker with a bad name or index throws ProtocolError.
 */
export function unpackValue(skeleton: unknown, buffers: readonly Uint8Array[]): unknown {
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (v instanceof Uint8Array) return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    const m = o[PACKED_TYPED_ARRAY];
    if (m !== undefined && Object.keys(o).length === 1) {
      if (
        !Array.isArray(m) ||
        m.length !== 2 ||
        typeof m[0] !== "string" ||
        typeof m[1] !== "number"
      ) {
        throw new ProtocolError("malformed typed-array marker");
      }
      const [name, index] = m as [string, number];
      const buf = buffers[index];
      if (!Object.hasOwn(TYPED_ARRAYS, name) || buf === undefined) {
        throw new ProtocolError(`bad typed-array marker ${name}#${index}`);
      }
      const Ctor = TYPED_ARRAYS[name as TypedArrayName];
      const bpe = Ctor.BYTES_PER_ELEMENT;
      if (buf.byteLength % bpe !== 0)
        throw new ProtocolError(`${name} bytes not a multiple of ${bpe}`);
      const src = buf.byteOffset % 8 === 0 ? buf : buf.slice();
      return new Ctor(src.buffer, src.byteOffset, src.byteLength / bpe);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = walk(x);
    return out;
  };
  return walk(skeleton);
}

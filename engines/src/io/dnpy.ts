/**
 * DistArray's flat per-engine format, `.dnpy` 1.0 (DistArray `localapi/format.py`,
 * REFERENCE 7.1), byte for byte:
 *
 * | offset | bytes | content |
 * |---|---|---|
 * | 0 | 6 | magic `\x93DARRY` |
 * | 6 | 2 | major 1, minor 0 |
 * | 8 | 2 | HEADER_LEN, uint16 little-endian |
 * | 10 | HEADER_LEN | `{'__version__': '0.10.0', 'dim_data': (...), }`, 1..16 spaces, `\n` |
 * | 10+HEADER_LEN | ... | a complete `.npy` stream of the local buffer |
 *
 * The padding makes `10 + HEADER_LEN` a multiple of 16 and is never empty (16 spaces when
 * the text is already aligned). Dim dicts are the engine (DAP) form; unstructured axes
 * store `indices` as a list so that, unlike DistArray 0.3, they round-trip.
 *
 * Pure: no Node built-ins.
 */
import type { DType } from "../core/dtypes.js";
import { FormatError } from "../core/errors.js";
import { type EncodeNpyHeaderOptions, encodeNpyHeader } from "./npy-header.js";
import {
  headerDictText,
  isPyDict,
  isPyTuple,
  type PyValue,
  parsePyLiteral,
  pyTuple,
} from "./py-literal.js";

/** `\x93DARRY` */
export const DNPY_MAGIC: Uint8Array = Uint8Array.of(0x93, 0x44, 0x41, 0x52, 0x52, 0x59);

/** The one format version written and read. */
export const DNPY_VERSION = [1, 0] as const;

/** The DAP version stored in `__version__`. */
export const DAP_VERSION = "0.10.0";

/** The alignment of the `.npy` stream inside a `.dnpy` file. */
export const DNPY_ALIGN = 16;

/** Bytes before the header text: magic 6, version 2, length 2. */
export const DNPY_PREFIX_LENGTH = 10;

/** One DAP dim dict as stored in a `.dnpy` header (engine form, REFERENCE 4.2). */
export type DnpyDimDict = { readonly [key: string]: PyValue };

/** The order DistArray's engines build dim dict keys in; other keys follow in their own order. */
const DIM_KEY_ORDER = [
  "dist_type",
  "size",
  "proc_grid_rank",
  "proc_grid_size",
  "start",
  "stop",
  "block_size",
  "padding",
  "periodic",
  "indices",
  "one_to_one",
];

/**
 * A DAP dim dict as the header stores it: keys in DistArray's order, `indices` buffers as
 * lists, `padding` arrays as tuples. Accepts the engine-form dicts of LocalDistribution.
 * @throws TypeError for a value with no Python literal.
 */
export function toHeaderDimDict(dd: object): DnpyDimDict {
  const src = dd as Record<string, unknown>;
  const keys = Object.keys(src);
  const ordered = [
    ...DIM_KEY_ORDER.filter((k) => keys.includes(k)),
    ...keys.filter((k) => !DIM_KEY_ORDER.includes(k)),
  ];
  const out: Record<string, PyValue> = {};
  for (const k of ordered) {
    const v = src[k];
    if (v === undefined) continue;
    if (k === "indices" && (ArrayBuffer.isView(v) || Array.isArray(v))) {
      out[k] = Array.from(v as ArrayLike<number | bigint>, (x) => Number(x));
    } else if (k === "padding" && Array.isArray(v)) {
      out[k] = pyTuple(...(v as PyValue[]));
    } else {
      out[k] = toPy(v, k);
    }
  }
  return out;
}

function toPy(v: unknown, where: string): PyValue {
  if (v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string") {
    return v;
  }
  if (typeof v === "bigint") return v;
  if (Array.isArray(v)) {
    const items = v.map((x) => toPy(x, where));
    return Object.isFrozen(v) ? Object.freeze(items) : items;
  }
  if (typeof v === "object" && !ArrayBuffer.isView(v)) {
    const o: Record<string, PyValue> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toPy(x, `${where}.${k}`);
    return o;
  }
  throw new TypeError(`dim dict value '${where}' has no Python literal form`);
}

/**
 * The `.dnpy` prefix and header for a rank's dim data (magic, version, HEADER_LEN, text,
 * padding, newline); the `.npy` stream follows it.
 */
export function encodeDnpyHeader(dimData: readonly object[]): Uint8Array {
  const text = headerDictText({
    __version__: DAP_VERSION,
    dim_data: pyTuple(...dimData.map(toHeaderDimDict)),
  });
  const body = new TextEncoder().encode(text);
  // DistArray: topad = 16 - ((8 + 2 + len(text) + 1) % 16); header = text + ' '*topad + '\n'
  const topad = DNPY_ALIGN - ((DNPY_PREFIX_LENGTH + body.length + 1) % DNPY_ALIGN);
  const headerLen = body.length + topad + 1;
  if (headerLen > 0xffff) {
    throw new FormatError(
      `a .dnpy header of ${headerLen} bytes does not fit format 1.0 (max 65535)`,
    );
  }
  const out = new Uint8Array(DNPY_PREFIX_LENGTH + headerLen);
  out.set(DNPY_MAGIC, 0);
  out[6] = DNPY_VERSION[0];
  out[7] = DNPY_VERSION[1];
  new DataView(out.buffer).setUint16(8, headerLen, true);
  out.set(body, DNPY_PREFIX_LENGTH);
  out.fill(0x20, DNPY_PREFIX_LENGTH + body.length, out.length - 1);
  out[out.length - 1] = 0x0a;
  return out;
}

/**
 * Everything before the local data: the `.dnpy` header followed by the `.npy` header of a
 * `dtype` array of `localShape` (as np.save writes it, 64-byte aligned by default).
 */
export function encodeDnpyPrefix(
  dimData: readonly object[],
  dtype: DType,
  localShape: readonly number[],
  npyOptions: EncodeNpyHeaderOptions = {},
): Uint8Array {
  const dnpy = encodeDnpyHeader(dimData);
  const npy = encodeNpyHeader(dtype, localShape, npyOptions);
  const out = new Uint8Array(dnpy.length + npy.length);
  out.set(dnpy, 0);
  out.set(npy, dnpy.length);
  return out;
}

/** What a `.dnpy` header holds. */
export interface DnpyHeader {
  readonly version: string;
  /** One engine-form dim dict per axis ('u' indices as number arrays). */
  readonly dimData: readonly DnpyDimDict[];
  /** Where the `.npy` stream starts. */
  readonly npyOffset: number;
}

/**
 * Reads the HEADER_LEN from the first 10 bytes of a `.dnpy` file.
 * @throws FormatError naming `file`: wrong magic, unsupported version, truncated prefix.
 */
export function dnpyHeaderLength(prefix: Uint8Array, file: string): number {
  if (prefix.length < DNPY_PREFIX_LENGTH) {
    throw new FormatError(
      `${file}: EOF: truncated .dnpy file (${prefix.length} bytes; the prefix needs ${DNPY_PREFIX_LENGTH})`,
    );
  }
  for (let i = 0; i < DNPY_MAGIC.length; i++) {
    if (prefix[i] !== DNPY_MAGIC[i]) {
      throw new FormatError(`${file}: the magic string is not correct (expected \\x93DARRY)`);
    }
  }
  if (prefix[6] !== DNPY_VERSION[0] || prefix[7] !== DNPY_VERSION[1]) {
    throw new FormatError(
      `${file}: unsupported .dnpy version ${prefix[6]}.${prefix[7]} (only 1.0 is read)`,
    );
  }
  return new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength).getUint16(8, true);
}

/**
 * Decodes a `.dnpy` header from bytes holding at least the prefix and the header. Accepts
 * any Python-literal dict with exactly the keys `__version__` and `dim_data`, whatever its
 * spacing, quoting or key order; `dim_data` may be a tuple or a list of dicts.
 * @throws FormatError naming `file` and the reason.
 */
export function decodeDnpyHeader(bytes: Uint8Array, file: string): DnpyHeader {
  const headerLen = dnpyHeaderLength(bytes, file);
  const end = DNPY_PREFIX_LENGTH + headerLen;
  if (bytes.length < end) {
    throw new FormatError(
      `${file}: EOF: truncated .dnpy header (needs ${end} bytes, found ${bytes.length})`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("latin1", { fatal: true }).decode(
      bytes.subarray(DNPY_PREFIX_LENGTH, end),
    );
  } catch (e) {
    throw new FormatError(`${file}: the .dnpy header is not text`, { cause: e });
  }
  let d: PyValue;
  try {
    d = parsePyLiteral(text);
  } catch (e) {
    throw new FormatError(`${file}: cannot parse the .dnpy header (${(e as Error).message})`, {
      cause: e,
    });
  }
  if (!isPyDict(d)) throw new FormatError(`${file}: the .dnpy header is not a dict`);
  const keys = Object.keys(d).sort();
  if (keys.join(",") !== "__version__,dim_data") {
    throw new FormatError(
      `${file}: the .dnpy header must have exactly the keys __version__ and dim_data; got ${keys.join(", ") || "none"}`,
    );
  }
  const version = d.__version__;
  const dimData = d.dim_data;
  if (typeof version !== "string") throw new FormatError(`${file}: __version__ is not a string`);
  if (!Array.isArray(dimData) || !dimData.every(isPyDict)) {
    throw new FormatError(`${file}: dim_data is not a tuple of dicts`);
  }
  return {
    version,
    dimData: (dimData as readonly DnpyDimDict[]).map(normalizeDimDict),
    npyOffset: end,
  };
}

function normalizeDimDict(dd: DnpyDimDict): DnpyDimDict {
  if (isPyTuple(dd.padding) || !Array.isArray(dd.padding)) return dd;
  return { ...dd, padding: pyTuple(...(dd.padding as PyValue[])) };
}

/**
 * The `.npy` header (NumPy's `numpy.lib.format`, versions 1.0, 2.0 and 3.0): encoding it
 * exactly as `np.save` does, and decoding any valid one.
 *
 * Layout: magic `\x93NUMPY`, major, minor, header length (uint16 LE for 1.0, uint32 LE for
 * 2.0 and 3.0), then the header: a Python-literal dict with keys `descr`, `fortran_order`
 * and `shape`, padded with spaces and ended by `\n` so that the data starts on an
 * alignment boundary (64 bytes in today's NumPy, 16 in older writers; readers take the
 * length from the prefix, so both are read). Version 3.0 only differs by a UTF-8 header.
 *
 * Pure: no Node built-ins.
 */
import { DTYPE_INFO, DTYPES, type DType } from "../core/dtypes.js";
import { FormatError } from "../core/errors.js";
import {
  headerDictText,
  isPyDict,
  isPyTuple,
  type PyValue,
  parsePyLiteral,
  pyRepr,
  pyTuple,
} from "./py-literal.js";

/** `\x93NUMPY` */
export const NPY_MAGIC: Uint8Array = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59);

/** NumPy's `ARRAY_ALIGN`: today's writers align the data to 64 bytes. */
export const NPY_ALIGN = 64;

/** NumPy's `GROWTH_AXIS_MAX_DIGITS`: spare header room so the first axis can grow in place. */
export const NPY_GROWTH_AXIS_MAX_DIGITS = 21;

/** Bytes that always cover a prefix of any version (magic 6 + version 2 + length 4). */
export const NPY_PREFIX_MAX = 12;

/** Largest header this reader accepts. */
export const NPY_MAX_HEADER_BYTES = 1 << 20;

export type NpyVersion = 1 | 2 | 3;

/** What a `.npy` header says. */
export interface NpyHeader {
  /** The dtype the descr names (in either byte order). */
  readonly dtype: DType;
  /** The descr string as written, e.g. `'<f8'`, `'|b1'`, `'>i4'`. */
  readonly descr: string;
  /** True when the data is big-endian and must be byte-swapped after reading. */
  readonly bigEndian: boolean;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  readonly version: NpyVersion;
  /** Byte offset of the first data byte (prefix + header). */
  readonly dataOffset: number;
}

export interface EncodeNpyHeaderOptions {
  /** Force a version; by default the oldest that fits (as np.save does). */
  version?: NpyVersion;
  /** Data alignment: 64 (np.save today) or 16 (older NumPy, DistArray 2014). */
  align?: number;
  /** Add NumPy's spare room for growing the first axis (default true, as np.save). */
  growthPadding?: boolean;
  fortranOrder?: boolean;
}

/**
 * Encodes the prefix and header that `np.save` writes for an array of `dtype` and
 * `shape` (C order unless `fortranOrder`). The data follows directly.
 * @throws FormatError if a forced version 1.0 cannot hold the header.
 */
export function encodeNpyHeader(
  dtype: DType,
  shape: readonly number[],
  options: EncodeNpyHeaderOptions = {},
): Uint8Array {
  const align = options.align ?? NPY_ALIGN;
  const fortranOrder = options.fortranOrder ?? false;
  let text = headerDictText({
    descr: DTYPE_INFO[dtype].descr,
    fortran_order: fortranOrder,
    shape: pyTuple(...shape),
  });
  if ((options.growthPadding ?? true) && shape.length > 0) {
    const axisLen = String(shape[fortranOrder ? shape.length - 1 : 0]).length;
    text += " ".repeat(Math.max(0, NPY_GROWTH_AXIS_MAX_DIGITS - axisLen));
  }
  const body = new TextEncoder().encode(text);
  const candidates: NpyVersion[] = options.version === undefined ? [1, 2] : [options.version];
  for (const version of candidates) {
    const lenBytes = version === 1 ? 2 : 4;
    const hlen = body.length + 1;
    const padlen = align - ((NPY_MAGIC.length + 2 + lenBytes + hlen) % align);
    const total = hlen + padlen;
    if (version === 1 && total > 0xffff) continue;
    const out = new Uint8Array(NPY_MAGIC.length + 2 + lenBytes + total);
    out.set(NPY_MAGIC, 0);
    out[6] = version;
    out[7] = 0;
    const dv = new DataView(out.buffer);
    if (version === 1) dv.setUint16(8, total, true);
    else dv.setUint32(8, total, true);
    const start = 8 + lenBytes;
    out.set(body, start);
    out.fill(0x20, start + body.length, out.length - 1);
    out[out.length - 1] = 0x0a;
    return out;
  }
  throw new FormatError(`a .npy header of ${body.length} bytes does not fit format version 1.0`);
}

/**
 * Reads the version and the total prefix+header length from the first bytes of a file
 * (10 are enough for version 1.0, 12 for 2.0 and 3.0).
 * @throws FormatError (naming `file`) on a bad magic, version or a truncated prefix.
 */
export function npyHeaderLength(
  prefix: Uint8Array,
  file: string,
): { version: NpyVersion; total: number } {
  if (prefix.length < 10) {
    throw new FormatError(
      `${file}: truncated .npy file (${prefix.length} bytes; the prefix needs 10)`,
    );
  }
  for (let i = 0; i < NPY_MAGIC.length; i++) {
    if (prefix[i] !== NPY_MAGIC[i]) {
      throw new FormatError(`${file}: not a .npy file (the magic string \\x93NUMPY is missing)`);
    }
  }
  const major = prefix[6]!;
  const minor = prefix[7]!;
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    throw new FormatError(
      `${file}: unsupported .npy format version ${major}.${minor} (1.0, 2.0 and 3.0 are read)`,
    );
  }
  const lenBytes = major === 1 ? 2 : 4;
  if (prefix.length < 8 + lenBytes) {
    throw new FormatError(`${file}: truncated .npy file (the header length is cut off)`);
  }
  const dv = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (hlen > NPY_MAX_HEADER_BYTES) {
    throw new FormatError(
      `${file}: .npy header length ${hlen} exceeds the limit of ${NPY_MAX_HEADER_BYTES} bytes`,
    );
  }
  return { version: major, total: 8 + lenBytes + hlen };
}

/**
 * Decodes the prefix and header at the start of `bytes` (which must hold at least the
 * whole header; see `npyHeaderLength`).
 * @throws FormatError naming `file` and the reason: bad magic or version, truncation, a
 *   header that is not a literal dict or has other keys, an unsupported descr, a bad shape.
 */
export function decodeNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const { version, total } = npyHeaderLength(bytes, file);
  if (bytes.length < total) {
    throw new FormatError(
      `${file}: truncated .npy file (the header needs ${total} bytes, found ${bytes.length})`,
    );
  }
  const start = version === 1 ? 10 : 12;
  const raw = bytes.subarray(start, total);
  let text: string;
  try {
    text = new TextDecoder(version === 3 ? "utf-8" : "latin1", { fatal: true }).decode(raw);
  } catch (e) {
    throw new FormatError(`${file}: the .npy header is not valid text`, { cause: e });
  }
  let d: PyValue;
  try {
    d = parsePyLiteral(text);
  } catch (e) {
    throw new FormatError(
      `${file}: the .npy header is not a Python literal (${(e as Error).message})`,
      { cause: e },
    );
  }
  if (!isPyDict(d)) throw new FormatError(`${file}: the .npy header is not a dict`);
  const keys = Object.keys(d).sort();
  if (keys.join(",") !== "descr,fortran_order,shape") {
    throw new FormatError(
      `${file}: the .npy header must have exactly the keys descr, fortran_order, shape; got ${keys.join(", ")}`,
    );
  }
  const descr = d.descr;
  const fortranOrder = d.fortran_order;
  const shape = d.shape;
  if (typeof fortranOrder !== "boolean") {
    throw new FormatError(`${file}: fortran_order is not a bool`);
  }
  if (
    !isPyTuple(shape) ||
    !shape.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0)
  ) {
    throw new FormatError(`${file}: shape is not a tuple of non-negative ints`);
  }
  if (typeof descr !== "string") {
    throw new FormatError(
      `${file}: unsupported dtype ${pyRepr(descr ?? null)} (structured dtypes are not read)`,
    );
  }
  const { dtype, bigEndian } = dtypeFromDescr(descr, file);
  return {
    dtype,
    descr,
    bigEndian,
    fortranOrder,
    shape: shape as readonly number[],
    version,
    dataOffset: total,
  };
}

/**
 * Maps a NumPy descr (`'<f8'`, `'>i4'`, `'|b1'`, `'=u2'`, `'<c16'`) to one of our dtypes.
 * @throws FormatError for any other dtype (strings, objects, float16, datetimes, ...).
 */
export function dtypeFromDescr(descr: string, file: string): { dtype: DType; bigEndian: boolean } {
  const order = descr[0];
  const hasOrder = order === "<" || order === ">" || order === "|" || order === "=";
  const body = hasOrder ? descr.slice(1) : descr;
  for (const d of DTYPES) {
    if (DTYPE_INFO[d].descr.slice(1) === body) {
      return { dtype: d, bigEndian: order === ">" && DTYPE_INFO[d].itemsize > 1 };
    }
  }
  throw new FormatError(`${file}: unsupported dtype '${descr}' (supported: ${DTYPES.join(", ")})`);
}

/** Reverses the bytes of each `laneBytes`-sized lane in place (big-endian data). */
export function byteSwapInPlace(bytes: Uint8Array, laneBytes: number): void {
  if (laneBytes <= 1) return;
  for (let i = 0; i + laneBytes <= bytes.length; i += laneBytes) {
    for (let a = i, b = i + laneBytes - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

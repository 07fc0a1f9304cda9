/**
 * Element casts between the 13 dtypes with `ndarray.astype` semantics (casting='unsafe').
 *
 * - integer -> integer wraps modulo 2^bits (two's complement), as C casts do;
 * - float -> integer truncates toward zero; NaN, infinities and out-of-range values give
 *   what NumPy gives on x86-64, where the conversion goes through the CPU's truncating
 *   convert (cvttsd2si), whose "integer indefinite" answer for anything it cannot
 *   represent is the most negative integer of its width: int8/int16/uint8/uint16 convert
 *   via int32 and keep the low bits, int32 and int64 convert directly, uint32/uint64
 *   convert values >= 2^31 (2^63) after subtracting that bias (this is NumPy's vectorised
 *   cast loop; its scalar remainder loop takes the low 32 bits of a 64-bit convert for
 *   uint32, so NumPy's own answer for an out-of-range float depends on the element's
 *   position; C leaves it undefined);
 * - int64/uint64 -> float rounds to nearest (ties to even), once;
 * - complex -> real drops the imaginary part (NumPy warns with ComplexWarning);
 * - anything -> bool is `value != 0` (for complex: either part nonzero; NaN is true).
 */
import {
  DTYPE_INFO,
  type DType,
  isBigIntDType,
  isComplexDType,
  type TypedArray,
} from "./dtypes.js";
import { DistArrayError } from "./errors.js";
import { tryBroadcastShapes } from "./shape.js";
import { broadcastStrides, forEachRun, type StridedOperand } from "./strided.js";

const TWO31 = 2 ** 31;
const TWO63 = 2 ** 63;
const INT32_MIN = -TWO31;

/** cvttsd2si with a 32-bit destination: truncation, or INT32_MIN when not representable. */
function cvt32(x: number): number {
  const t = Math.trunc(x);
  return t >= INT32_MIN && t < TWO31 ? t : INT32_MIN;
}

/** cvttsd2si with a 64-bit destination, as a bigint (INT64_MIN when not representable). */
function cvt64(x: number): bigint {
  const t = Math.trunc(x);
  return t >= -TWO63 && t < TWO63 ? BigInt(t) : -(2n ** 63n);
}

/**
 * A double (or float32 value) converted to an integer dtype of up to 32 bits, as the
 * number to store into that dtype's typed array (the store keeps the low bits).
 */
export function floatToSmallInt(x: number, dtype: DType): number {
  if (dtype === "uint32") {
    return x >= TWO31 ? (cvt32(x - TWO31) ^ INT32_MIN) >>> 0 : cvt32(x) >>> 0;
  }
  return cvt32(x);
}

/** A double converted to int64 or uint64 as NumPy does on x86-64 (see the module comment). */
export function floatToBigInt(x: number, dtype: "int64" | "uint64"): bigint {
  if (dtype === "uint64") {
    return x >= TWO63
      ? BigInt.asUintN(64, cvt64(x - TWO63) ^ -(2n ** 63n))
      : BigInt.asUintN(64, cvt64(x));
  }
  return cvt64(x);
}

/** A bigint rounded once to the nearest float32 (ties to even). */
export function bigIntToFloat32(v: bigint): number {
  const neg = v < 0n;
  const a = neg ? -v : v;
  if (a < 2n ** 53n) return Math.fround(Number(v));
  const bitLength = a.toString(2).length;
  const shift = BigInt(bitLength - 24);
  let q = a >> shift;
  const rem = a - (q << shift);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  const r = Number(q) * 2 ** Number(shift);
  return neg ? -r : r;
}

/** Converts one real value (number or bigint, already exact for its source dtype) for a store into `dtype`. */
export function castReal(v: number | bigint, dtype: DType): number | bigint {
  const { kind } = DTYPE_INFO[dtype];
  if (typeof v === "bigint") {
    switch (kind) {
      case "b":
        return v !== 0n ? 1 : 0;
      case "i":
      case "u":
        if (dtype === "int64") return BigInt.asIntN(64, v);
        if (dtype === "uint64") return BigInt.asUintN(64, v);
        return Number(BigInt.asIntN(32, v));
      case "f":
      case "c":
        return dtype === "float32" || dtype === "complex64" ? bigIntToFloat32(v) : Number(v);
    }
  }
  switch (kind) {
    case "b":
      return v !== 0 ? 1 : 0;
    case "i":
    case "u":
      if (dtype === "int64" || dtype === "uint64") return floatToBigInt(v, dtype);
      return floatToSmallInt(v, dtype);
    default:
      return v;
  }
}

/**
 * Copies `src` into `dst` converting every element to `dst.dtype` (`ndarray.astype`
 * semantics, casting='unsafe'); `src` broadcasts to `dst.shape`. `dst` may be strided.
 * @throws DistArrayError (DA_ERR_SHAPE) if src does not broadcast to dst's shape.
 */
export function castInto(src: StridedOperand, dst: StridedOperand): void {
  const shape = tryBroadcastShapes(src.shape, dst.shape);
  if (
    shape === null ||
    shape.length !== dst.shape.length ||
    shape.some((n, k) => n !== dst.shape[k])
  ) {
    throw new DistArrayError(
      `cannot cast an array of shape [${src.shape.join(", ")}] into one of shape [${dst.shape.join(", ")}]`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  const sStrides = broadcastStrides(src, dst.shape);
  const copy = makeRunCopier(src.dtype, dst.dtype, src.data, dst.data);
  forEachRun(dst.shape, [sStrides, dst.strides], [src.offset, dst.offset], (offs, len, inner) =>
    copy(offs[0]!, inner[0]!, offs[1]!, inner[1]!, len),
  );
}

type RunCopier = (s: number, ss: number, d: number, ds: number, len: number) => void;

/**
 * Shortest contiguous run copied with TypedArray.set: below it the subarray view costs more
 * than the element loop.
 */
const SET_MIN_RUN = 64;

function makeRunCopier(from: DType, to: DType, src: TypedArray, dst: TypedArray): RunCopier {
  const fromComplex = isComplexDType(from);
  const toComplex = isComplexDType(to);
  const fromBig = isBigIntDType(from);
  const toBig = isBigIntDType(to);
  const fk = DTYPE_INFO[from].kind;
  const tk = DTYPE_INFO[to].kind;
  // Stores where the typed array's own conversion is NumPy's: same dtype, anything to a
  // float, and integers (or bool) to 8-32-bit integers (modular stores).
  const plainStore =
    !fromBig &&
    !toBig &&
    !fromComplex &&
    !toComplex &&
    tk !== "b" &&
    (tk === "f" || fk === "b" || fk === "i" || fk === "u");
  if (from === to || plainStore) {
    const lanes = fromComplex ? 2 : 1;
    const sameStorage = src.constructor === dst.constructor;
    return (s, ss, d, ds, len) => {
      if (sameStorage && ss === 1 && ds === 1 && len >= SET_MIN_RUN) {
        // A contiguous run of one storage type: one block copy (overlap-safe).
        (dst as Float64Array).set(
          (src as Float64Array).subarray(s * lanes, (s + len) * lanes),
          d * lanes,
        );
        return;
      }
      if (lanes === 1) {
        if (ss === 1 && ds === 1) {
          for (let i = 0; i < len; i++) dst[d + i] = src[s + i]!;
        } else {
          for (let i = 0; i < len; i++) dst[d + i * ds] = src[s + i * ss]!;
        }
        return;
      }
      for (let i = 0; i < len; i++) {
        const a = 2 * (s + i * ss);
        const b = 2 * (d + i * ds);
        dst[b] = src[a]!;
        dst[b + 1] = src[a + 1]!;
      }
    };
  }
  if (fromComplex) {
    const cs = src as Float64Array | Float32Array;
    if (toComplex) {
      return (s, ss, d, ds, len) => {
        for (let i = 0; i < len; i++) {
          const a = 2 * (s + i * ss);
          const b = 2 * (d + i * ds);
          dst[b] = cs[a]!;
          dst[b + 1] = cs[a + 1]!;
        }
      };
    }
    if (tk === "b") {
      return (s, ss, d, ds, len) => {
        for (let i = 0; i < len; i++) {
          const a = 2 * (s + i * ss);
          dst[d + i * ds] = cs[a] !== 0 || cs[a + 1] !== 0 ? 1 : 0;
        }
      };
    }
    return (s, ss, d, ds, len) => {
      for (let i = 0; i < len; i++)
        (dst as unknown as Store)[d + i * ds] = castReal(cs[2 * (s + i * ss)]!, to);
    };
  }
  if (toComplex) {
    return (s, ss, d, ds, len) => {
      for (let i = 0; i < len; i++) {
        const b = 2 * (d + i * ds);
        dst[b] = castReal(src[s + i * ss]!, to) as number;
        dst[b + 1] = 0;
      }
    };
  }
  return (s, ss, d, ds, len) => {
    for (let i = 0; i < len; i++)
      (dst as unknown as Store)[d + i * ds] = castReal(src[s + i * ss]!, to);
  };
}

/** A typed array written with the value castReal produced for its dtype. */
type Store = { [i: number]: number | bigint };

/** `ndarray.astype(dtype)` of a whole operand into new contiguous storage. */
export function astype(src: StridedOperand, dtype: DType): TypedArray {
  let size = 1;
  for (const n of src.shape) size *= n;
  const data = new DTYPE_INFO[dtype].storage(size * DTYPE_INFO[dtype].lanes);
  const strides: number[] = [];
  let s = 1;
  for (let k = src.shape.length - 1; k >= 0; k--) {
    strides[k] = s;
    s *= src.shape[k]!;
  }
  castInto(src, { dtype, data, offset: 0, strides, shape: src.shape });
  return data;
}

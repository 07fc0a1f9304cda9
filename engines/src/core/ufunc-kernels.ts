/**
 * Element kernels of the ufuncs, one per (ufunc, loop dtype), in three domains:
 * - "num": JS numbers, for loops on bool, 8-32-bit integers, float32 and float64. Stores
 *   into the output typed array do the wrap-around (integers) or the rounding (float32).
 * - "big": bigints, for loops on int64/uint64 (stores into BigInt64Array/BigUint64Array wrap).
 * - "complex": real/imaginary pairs written into a 2-slot scratch array.
 * Comparison kernels return 1 or 0 in every domain. These run in the general strided
 * path; contiguous float and int32 operands take the tight loops of ufunc-fast.ts.
 */
import { floatToBigInt, floatToSmallInt } from "./cast.js";
import * as CI from "./complex-inverse.js";
import * as C from "./complex-math.js";
import { DTYPE_INFO, type DType } from "./dtypes.js";
import * as I from "./int-math.js";
import type { BinaryUfunc, UnaryUfunc } from "./ufunc-table.js";

export type NumUnary = (x: number) => number;
export type NumBinary = (x: number, y: number) => number;
export type BigUnary = (x: bigint) => bigint | number;
export type BigBinary = (x: bigint, y: bigint) => bigint | number;
export type ComplexUnary = (re: number, im: number, out: C.ComplexOut) => void;
export type ComplexBinary = (
  ar: number,
  ai: number,
  br: number,
  bi: number,
  out: C.ComplexOut,
) => void;

const identity = (x: number): number => x;

function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x;
}

/** C pow: unlike Math.pow, pow(1, y) and pow(-1, +-inf) are 1. */
export function cPow(x: number, y: number): number {
  if (x === 1) return 1;
  if ((x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY)) || y === 0) {
    return 1;
  }
  return x ** y;
}

/**
 * npy_divmod for floats (npy_math_internal.h.src): floor quotient and Python-signed
 * modulus. `r` rounds to the loop's precision (Math.fround for float32).
 */
function floatDivmod(a: number, b: number, r: NumUnary, wantMod: boolean): number {
  let mod = a % b;
  if (b === 0) return wantMod ? mod : a / b;
  let div = r(r(a - mod) / b);
  if (mod !== 0) {
    if (b < 0 !== mod < 0) {
      mod = r(mod + b);
      div = r(div - 1);
    }
  } else {
    mod = b < 0 || Object.is(b, -0) ? -0 : 0;
  }
  if (wantMod) return mod;
  if (div !== 0) {
    let floordiv = Math.floor(div);
    if (r(div - floordiv) > 0.5) floordiv = r(floordiv + 1);
    return floordiv;
  }
  const q = a / b;
  return q < 0 || Object.is(q, -0) ? -0 : 0;
}

export function numUnaryKernel(name: UnaryUfunc, dtype: DType): NumUnary {
  const { kind, bits } = DTYPE_INFO[dtype];
  if (kind === "f") {
    switch (name) {
      case "absolute":
        return Math.abs;
      case "arccos":
        return Math.acos;
      case "arccosh":
        return Math.acosh;
      case "arcsin":
        return Math.asin;
      case "arcsinh":
        return Math.asinh;
      case "arctan":
        return Math.atan;
      case "arctanh":
        return Math.atanh;
      case "conjugate":
        return identity;
      case "cos":
        return Math.cos;
      case "cosh":
        return Math.cosh;
      case "exp":
        return Math.exp;
      case "expm1":
        return Math.expm1;
      case "log":
        return Math.log;
      case "log10":
        return Math.log10;
      case "log1p":
        return Math.log1p;
      case "negative":
        return (x) => -x;
      case "reciprocal":
        return (x) => 1 / x;
      case "rint":
        return C.rint;
      case "sign":
        return sign;
      case "sin":
        return Math.sin;
      case "sinh":
        return Math.sinh;
      case "sqrt":
        return Math.sqrt;
      case "square":
        return (x) => x * x;
      case "tan":
        return Math.tan;
      case "tanh":
        return Math.tanh;
      default:
        break;
    }
  } else if (kind === "b") {
    if (name === "absolute") return identity;
    if (name === "invert") return (x) => (x ? 0 : 1);
  } else {
    switch (name) {
      case "absolute":
        return Math.abs;
      case "conjugate":
        return identity;
      case "invert":
        return (x) => ~x;
      case "negative":
        return (x) => -x;
      case "reciprocal":
        return (x) => floatToSmallInt(1 / x, dtype);
      case "sign":
        return sign;
      case "square":
        return bits === 32 ? (x) => Math.imul(x, x) : (x) => x * x;
      default:
        break;
    }
  }
  throw new TypeError(`no ${dtype} loop for ${name}`);
}

export function numBinaryKernel(name: BinaryUfunc, dtype: DType): NumBinary {
  const { kind, bits } = DTYPE_INFO[dtype];
  switch (name) {
    case "less":
      return (x, y) => (x < y ? 1 : 0);
    case "lessEqual":
      return (x, y) => (x <= y ? 1 : 0);
    case "equal":
      return (x, y) => (x === y ? 1 : 0);
    case "notEqual":
      return (x, y) => (x !== y ? 1 : 0);
    case "greater":
      return (x, y) => (x > y ? 1 : 0);
    case "greaterEqual":
      return (x, y) => (x >= y ? 1 : 0);
    default:
      break;
  }
  if (kind === "f") {
    const r = dtype === "float32" ? Math.fround : identity;
    switch (name) {
      case "add":
        return (x, y) => x + y;
      case "subtract":
        return (x, y) => x - y;
      case "multiply":
        return (x, y) => x * y;
      case "divide":
      case "trueDivide":
        return (x, y) => x / y;
      case "floorDivide":
        return (x, y) => floatDivmod(x, y, r, false);
      case "remainder":
      case "mod":
        return (x, y) => floatDivmod(x, y, r, true);
      case "fmod":
        return (x, y) => x % y;
      case "power":
        return cPow;
      case "arctan2":
        return Math.atan2;
      case "hypot":
        return Math.hypot;
      default:
        break;
    }
  } else if (kind === "b") {
    switch (name) {
      case "add":
      case "bitwiseOr":
        return (x, y) => x | y;
      case "multiply":
      case "bitwiseAnd":
        return (x, y) => x & y;
      case "bitwiseXor":
        return (x, y) => x ^ y;
      default:
        break;
    }
  } else {
    switch (name) {
      case "add":
        return (x, y) => x + y;
      case "subtract":
        return (x, y) => x - y;
      case "multiply":
        return bits === 32 ? Math.imul : (x, y) => x * y;
      case "floorDivide":
        return I.intFloorDivide;
      case "remainder":
      case "mod":
        return I.intRemainder;
      case "fmod":
        return I.intFmod;
      case "power":
        return I.intPower;
      case "bitwiseAnd":
        return (x, y) => x & y;
      case "bitwiseOr":
        return (x, y) => x | y;
      case "bitwiseXor":
        return (x, y) => x ^ y;
      case "leftShift":
        return (x, y) => I.intLeftShift(x, y, bits);
      case "rightShift":
        return (x, y) => I.intRightShift(x, y, bits);
      default:
        break;
    }
  }
  throw new TypeError(`no ${dtype} loop for ${name}`);
}

export function bigUnaryKernel(name: UnaryUfunc, dtype: "int64" | "uint64"): BigUnary {
  switch (name) {
    case "absolute":
      return (x) => (x < 0n ? -x : x);
    case "conjugate":
      return (x) => x;
    case "invert":
      return (x) => ~x;
    case "negative":
      return (x) => -x;
    case "reciprocal":
      return (x) => floatToBigInt(1 / Number(x), dtype);
    case "sign":
      return (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n);
    case "square":
      return (x) => x * x;
    default:
      throw new TypeError(`no ${dtype} loop for ${name}`);
  }
}

export function bigBinaryKernel(name: BinaryUfunc, dtype: "int64" | "uint64"): BigBinary {
  switch (name) {
    case "less":
      return (x, y) => (x < y ? 1 : 0);
    case "lessEqual":
      return (x, y) => (x <= y ? 1 : 0);
    case "equal":
      return (x, y) => (x === y ? 1 : 0);
    case "notEqual":
      return (x, y) => (x !== y ? 1 : 0);
    case "greater":
      return (x, y) => (x > y ? 1 : 0);
    case "greaterEqual":
      return (x, y) => (x >= y ? 1 : 0);
    case "add":
      return (x, y) => x + y;
    case "subtract":
      return (x, y) => x - y;
    case "multiply":
      return (x, y) => x * y;
    case "floorDivide":
      return I.bigFloorDivide;
    case "remainder":
    case "mod":
      return I.bigRemainder;
    case "fmod":
      return I.bigFmod;
    case "power":
      return I.bigPower;
    case "bitwiseAnd":
      return (x, y) => x & y;
    case "bitwiseOr":
      return (x, y) => x | y;
    case "bitwiseXor":
      return (x, y) => x ^ y;
    case "leftShift":
      return I.bigLeftShift;
    case "rightShift":
      return I.bigRightShift;
    default:
      throw new TypeError(`no ${dtype} loop for ${name}`);
  }
}

export function complexUnaryKernel(name: UnaryUfunc, dtype: DType): ComplexUnary {
  switch (name) {
    case "absolute":
      return (r, i, out) => {
        out[0] = Math.hypot(r, i);
      };
    case "arccos":
      return CI.cacos;
    case "arccosh":
      return CI.cacosh;
    case "arcsin":
      return CI.casin;
    case "arcsinh":
      return CI.casinh;
    case "arctan":
      return CI.catan;
    case "arctanh":
      return CI.catanh;
    case "conjugate":
      return (r, i, out) => {
        out[0] = r;
        out[1] = -i;
      };
    case "cos":
      return C.ccos;
    case "cosh":
      return C.ccosh;
    case "exp":
      return C.cexp;
    case "expm1":
      return C.cexpm1;
    case "log":
      return C.clog;
    case "log10":
      return C.clog10;
    case "log1p":
      // complex64: NumPy forms 1 + z in single precision.
      return dtype === "complex64"
        ? (r, i, out) => C.clog1p(Math.fround(r + 1) - 1, i, out)
        : C.clog1p;
    case "negative":
      return (r, i, out) => {
        out[0] = -r;
        out[1] = -i;
      };
    case "reciprocal":
      return C.creciprocal;
    case "rint":
      return (r, i, out) => {
        out[0] = C.rint(r);
        out[1] = C.rint(i);
      };
    case "sign":
      return C.csign;
    case "sin":
      return C.csin;
    case "sinh":
      return C.csinh;
    case "sqrt":
      return C.csqrt;
    case "square":
      return C.csquare;
    case "tan":
      return C.ctan;
    case "tanh":
      return C.ctanh;
    default:
      throw new TypeError(`no complex loop for ${name}`);
  }
}

export function complexBinaryKernel(name: BinaryUfunc, dtype: DType): ComplexBinary {
  switch (name) {
    case "add":
      return (ar, ai, br, bi, out) => {
        out[0] = ar + br;
        out[1] = ai + bi;
      };
    case "subtract":
      return (ar, ai, br, bi, out) => {
        out[0] = ar - br;
        out[1] = ai - bi;
      };
    case "multiply":
      return C.cmul;
    case "divide":
    case "trueDivide":
      return C.cdiv;
    case "power":
      return dtype === "complex64" ? C.cpow64 : C.cpow;
    case "less":
      return (ar, ai, br, bi, out) => {
        out[0] = C.cless(ar, ai, br, bi) ? 1 : 0;
      };
    case "lessEqual":
      return (ar, ai, br, bi, out) => {
        out[0] = C.clessEqual(ar, ai, br, bi) ? 1 : 0;
      };
    case "greater":
      return (ar, ai, br, bi, out) => {
        out[0] = C.cgreater(ar, ai, br, bi) ? 1 : 0;
      };
    case "greaterEqual":
      return (ar, ai, br, bi, out) => {
        out[0] = C.cgreaterEqual(ar, ai, br, bi) ? 1 : 0;
      };
    case "equal":
      return (ar, ai, br, bi, out) => {
        out[0] = ar === br && ai === bi ? 1 : 0;
      };
    case "notEqual":
      return (ar, ai, br, bi, out) => {
        out[0] = ar !== br || ai !== bi ? 1 : 0;
      };
    default:
      throw new TypeError(`no complex loop for ${name}`);
  }
}

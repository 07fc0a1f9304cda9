/**
 * Integer arithmetic with NumPy's semantics: floor division and modulo with Python's
 * signs, division by zero giving 0, shifts by a count outside [0, bits) giving 0 (or -1
 * for a right shift of a negative value), power by squaring with wrap-around, and a
 * ValueError for negative exponents. Numbers serve the 8-32-bit dtypes (storing the
 * result into the typed array wraps it); bigints serve int64/uint64 (BigInt64Array and
 * BigUint64Array stores wrap modulo 2^64).
 */
import { DistArrayError } from "./errors.js";

/** numpy's message for an integer raised to a negative integer power. */
export function negativePowerError(): DistArrayError {
  return new DistArrayError("Integers to negative integer powers are not allowed.", {
    code: "DA_ERR_VALUE",
  });
}

// --- numbers (integers of up to 32 bits, held exactly in doubles) -------------------------

/** Python's a // b for integers; 0 when b is 0 (NumPy's result, with a warning there). */
export function intFloorDivide(a: number, b: number): number {
  if (b === 0) return 0;
  return Math.floor(a / b);
}

/** Python's a % b (sign of b); 0 when b is 0. */
export function intRemainder(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r + 0;
}

/** C's a % b (sign of a); 0 when b is 0. */
export function intFmod(a: number, b: number): number {
  if (b === 0) return 0;
  return (a % b) + 0;
}

/** a * b modulo 2^32 (the low 32 bits of the product, signed). */
export function intMultiply32(a: number, b: number): number {
  return Math.imul(a, b);
}

/**
 * a ** b by squaring, modulo 2^32; storing the result into an 8/16/32-bit typed array
 * gives NumPy's wrapped value.
 * @throws DistArrayError (DA_ERR_VALUE) if b < 0.
 */
export function intPower(a: number, b: number): number {
  if (b < 0) throw negativePowerError();
  let result = 1;
  let base = a | 0;
  let e = b;
  while (e > 0) {
    if (e % 2 === 1) result = Math.imul(result, base);
    e = Math.floor(e / 2);
    if (e > 0) base = Math.imul(base, base);
  }
  return result;
}

/** NumPy's a << b for a `bits`-wide integer: 0 when b is negative or >= bits. */
export function intLeftShift(a: number, b: number, bits: number): number {
  if (b < 0 || b >= bits) return 0;
  return bits === 32 ? a << b : a * 2 ** b;
}

/** NumPy's a >> b: for b negative or >= bits, -1 if a < 0 else 0 (arithmetic shift). */
export function intRightShift(a: number, b: number, bits: number): number {
  if (b < 0 || b >= bits) return a < 0 ? -1 : 0;
  return Math.floor(a / 2 ** b);
}

// --- bigints (int64/uint64) ------------------------------------------------------------

export function bigFloorDivide(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function bigRemainder(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

export function bigFmod(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  return a % b;
}

/**
 * a ** b by squaring modulo 2^64.
 * @throws DistArrayError (DA_ERR_VALUE) if b < 0.
 */
export function bigPower(a: bigint, b: bigint): bigint {
  if (b < 0n) throw negativePowerError();
  let result = 1n;
  let base = BigInt.asUintN(64, a);
  let e = b;
  while (e > 0n) {
    if (e & 1n) result = BigInt.asUintN(64, result * base);
    e >>= 1n;
    if (e > 0n) base = BigInt.asUintN(64, base * base);
  }
  return result;
}

export function bigLeftShift(a: bigint, b: bigint): bigint {
  if (b < 0n || b >= 64n) return 0n;
  return BigInt.asUintN(64, a << b);
}

export function bigRightShift(a: bigint, b: bigint): bigint {
  if (b < 0n || b >= 64n) return a < 0n ? -1n : 0n;
  return a >> b;
}

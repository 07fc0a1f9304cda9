/**
 * The 49 ufuncs as functions: `da.add(a, b)`, `da.sin(a)`, ... (NumPy's names,
 * camelCased). Each returns a new DistArray at once (pipelined) with the distribution of
 * its DistArray operand(s) and NumPy's result dtype (NEP 50: a JS number on either side
 * of a binary ufunc is a weak scalar).
 *
 * Rules (DistArray's dist/functions.py): at least one operand must be a DistArray
 * (TypeError otherwise); two DistArrays must come from the same Context (ContextError)
 * and have compatible distributions (IncompatibleDistributionError); an NDArray or any
 * other non-scalar operand is a TypeError.
 */
import {
  type BinaryUfunc,
  ContextError,
  IncompatibleDistributionError,
  isScalar,
  isUfuncName,
  NDArray,
  type Scalar,
  type UfuncName,
  type UnaryUfunc,
  ufuncArity,
  ufuncResultType,
} from "@distarray/engines/core";
import { alignOperands } from "./broadcast.js";
import { DistArray } from "./distarray.js";
import { sendUfunc } from "./distarray-ops.js";

/** An operand of a ufunc: a DistArray, an NDArray (broadcast and scattered) or a JS scalar. */
export type UfuncOperand = DistArray | NDArray | Scalar;

/**
 * Applies ufunc `name` to `operands` (one for unary, two for binary ufuncs).
 * @throws TypeError for a wrong operand count or type; ContextError; IncompatibleDistributionError;
 *   DTypeError when NumPy has no loop for the operand types.
 */
export function ufunc(name: UfuncName, operands: readonly unknown[]): DistArray {
  if (!isUfuncName(name)) throw new TypeError(`unknown ufunc '${String(name)}'`);
  const arity = ufuncArity(name);
  if (operands.length !== arity) {
    throw new TypeError(`${name} takes ${arity} operand(s); got ${operands.length}`);
  }
  // Different shapes or distributions, or NDArray operands: broadcast and align (broadcast.ts).
  const aligned = arity === 2 ? alignOperands(operands) : undefined;
  if (aligned !== undefined) {
    const types = operands.map((o) =>
      o instanceof DistArray || o instanceof NDArray ? o.dtype : (o as Scalar),
    );
    return sendUfunc(aligned.leader, name, aligned.operands, ufuncResultType(name, ...types));
  }
  let first: DistArray | undefined;
  for (const op of operands) {
    if (op instanceof DistArray) {
      if (first === undefined) first = op;
      else {
        if (op.context !== first.context) {
          throw new ContextError(`${name}: the DistArrays belong to different contexts`);
        }
        if (
          op.distribution !== first.distribution &&
          !op.distribution.isCompatible(first.distribution)
        ) {
          throw new IncompatibleDistributionError(
            `${name}: distributions not compatible: shape [${first.shape.join(", ")}] dist ${first.dist.join("")} on targets [${first.targets.join(", ")}] vs shape [${op.shape.join(", ")}] dist ${op.dist.join("")} on targets [${op.targets.join(", ")}]`,
          );
        }
      }
    } else if (!isScalar(op)) {
      throw new TypeError(
        `${name}: only DistArray or scalars are accepted; got ${op === null ? "null" : typeof op === "object" ? (op.constructor?.name ?? "object") : typeof op}`,
      );
    }
  }
  if (first === undefined) {
    throw new TypeError(`${name}: at least one operand must be a DistArray`);
  }
  const ops = operands as readonly (DistArray | Scalar)[];
  const dtype = ufuncResultType(name, ...ops.map((o) => (o instanceof DistArray ? o.dtype : o)));
  return sendUfunc(first, name, ops, dtype);
}

function unary(name: UnaryUfunc): (a: DistArray) => DistArray {
  return (a) => ufunc(name, [a]);
}

function binary(name: BinaryUfunc): (a: UfuncOperand, b: UfuncOperand) => DistArray {
  return (a, b) => ufunc(name, [a, b]);
}

/** Absolute value element-wise (complex: the modulus, as a real dtype). Returns a new DistArray at once (pipelined). */
export const absolute = unary("absolute");
/** Inverse cosine element-wise. Returns a new DistArray at once (pipelined). */
export const arccos = unary("arccos");
/** Inverse hyperbolic cosine element-wise. Returns a new DistArray at once (pipelined). */
export const arccosh = unary("arccosh");
/** Inverse sine element-wise. Returns a new DistArray at once (pipelined). */
export const arcsin = unary("arcsin");
/** Inverse hyperbolic sine element-wise. Returns a new DistArray at once (pipelined). */
export const arcsinh = unary("arcsinh");
/** Inverse tangent element-wise. Returns a new DistArray at once (pipelined). */
export const arctan = unary("arctan");
/** Inverse hyperbolic tangent element-wise. Returns a new DistArray at once (pipelined). */
export const arctanh = unary("arctanh");
/** Complex conjugate element-wise (real dtypes unchanged). Returns a new DistArray at once (pipelined). */
export const conjugate = unary("conjugate");
/** Cosine element-wise. Returns a new DistArray at once (pipelined). */
export const cos = unary("cos");
/** Hyperbolic cosine element-wise. Returns a new DistArray at once (pipelined). */
export const cosh = unary("cosh");
/** Exponential element-wise. Returns a new DistArray at once (pipelined). */
export const exp = unary("exp");
/** `exp(x) - 1` element-wise, accurate for small x. Returns a new DistArray at once (pipelined). */
export const expm1 = unary("expm1");
/** Bitwise NOT element-wise (logical NOT for bool); integer and bool dtypes only. Returns a new DistArray at once (pipelined). */
export const invert = unary("invert");
/** Natural logarithm element-wise. Returns a new DistArray at once (pipelined). */
export const log = unary("log");
/** Base-10 logarithm element-wise. Returns a new DistArray at once (pipelined). */
export const log10 = unary("log10");
/** `log(1 + x)` element-wise, accurate for small x. Returns a new DistArray at once (pipelined). */
export const log1p = unary("log1p");
/** Numerical negative element-wise. Returns a new DistArray at once (pipelined). */
export const negative = unary("negative");
/** `1 / x` element-wise (integer division for integer dtypes, as NumPy). Returns a new DistArray at once (pipelined). */
export const reciprocal = unary("reciprocal");
/** Round to the nearest integer element-wise, halves to even. Returns a new DistArray at once (pipelined). */
export const rint = unary("rint");
/** Sign element-wise: -1, 0 or 1 (NaN stays NaN). Returns a new DistArray at once (pipelined). */
export const sign = unary("sign");
/** Sine element-wise. Returns a new DistArray at once (pipelined). */
export const sin = unary("sin");
/** Hyperbolic sine element-wise. Returns a new DistArray at once (pipelined). */
export const sinh = unary("sinh");
/** Square root element-wise (NaN for negative reals). Returns a new DistArray at once (pipelined). */
export const sqrt = unary("sqrt");
/** `x * x` element-wise. Returns a new DistArray at once (pipelined). */
export const square = unary("square");
/** Tangent element-wise. Returns a new DistArray at once (pipelined). */
export const tan = unary("tan");
/** Hyperbolic tangent element-wise. Returns a new DistArray at once (pipelined). */
export const tanh = unary("tanh");

/** `a + b` element-wise. Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const add = binary("add");
/** Angle of the point `(b, a)` element-wise (NumPy's `arctan2(y, x)`). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const arctan2 = binary("arctan2");
/** Bitwise AND element-wise (logical AND for bool). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const bitwiseAnd = binary("bitwiseAnd");
/** Bitwise OR element-wise (logical OR for bool). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const bitwiseOr = binary("bitwiseOr");
/** Bitwise XOR element-wise (logical XOR for bool). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const bitwiseXor = binary("bitwiseXor");
/** True division `a / b` element-wise (float result); same as `trueDivide`. Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const divide = binary("divide");
/** Floor division element-wise (NumPy's `//`). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const floorDivide = binary("floorDivide");
/** Remainder with the sign of the dividend element-wise (C's fmod). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const fmod = binary("fmod");
/** `sqrt(a*a + b*b)` element-wise, without intermediate overflow. Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const hypot = binary("hypot");
/** `a << b` element-wise; integer dtypes only. Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const leftShift = binary("leftShift");
/** Remainder with the sign of the divisor element-wise (Python's `%`); same as `remainder`. Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const mod = binary("mod");
/** `a * b` element-wise. Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const multiply = binary("multiply");
/** `a ** b` element-wise. Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const power = binary("power");
/** Remainder with the sign of the divisor element-wise (Python's `%`). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const remainder = binary("remainder");
/** `a >> b` element-wise; integer dtypes only. Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const rightShift = binary("rightShift");
/** `a - b` element-wise. Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const subtract = binary("subtract");
/** True division `a / b` element-wise (float result). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const trueDivide = binary("trueDivide");
/** `a < b` element-wise (bool result). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const less = binary("less");
/** `a <= b` element-wise (bool result). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const lessEqual = binary("lessEqual");
/** `a == b` element-wise (bool result). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const equal = binary("equal");
/** `a != b` element-wise (bool result). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const notEqual = binary("notEqual");
/** `a > b` element-wise (bool result). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const greater = binary("greater");
/** `a >= b` element-wise (bool result). Either operand may be a JS scalar. Returns a new DistArray at once (pipelined). */
export const greaterEqual = binary("greaterEqual");

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
  isUfuncName,
  type Scalar,
  type UfuncName,
  type UnaryUfunc,
  ufuncArity,
  ufuncResultType,
} from "@distarray/engines/core";
import { DistArray } from "./distarray.js";
import { sendUfunc } from "./distarray-ops.js";

/** An operand of a ufunc: a DistArray or a JS scalar. */
export type UfuncOperand = DistArray | Scalar;

function isScalar(x: unknown): x is Scalar {
  if (typeof x === "number" || typeof x === "bigint" || typeof x === "boolean") return true;
  return (
    typeof x === "object" &&
    x !== null &&
    !(x instanceof DistArray) &&
    typeof (x as { re?: unknown }).re === "number" &&
    typeof (x as { im?: unknown }).im === "number"
  );
}

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
  let first: DistArray | undefined;
  for (const op of operands) {
    if (op instanceof DistArray) {
      if (first === undefined) first = op;
      else {
        if (op.context !== first.context) {
          throw new ContextError(`${name}: the DistArrays belong to different contexts`);
        }
        if (!op.distribution.isCompatible(first.distribution)) {
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
  const ops = operands as readonly UfuncOperand[];
  const dtype = ufuncResultType(name, ...ops.map((o) => (o instanceof DistArray ? o.dtype : o)));
  return sendUfunc(first, name, ops, dtype);
}

function unary(name: UnaryUfunc): (a: DistArray) => DistArray {
  return (a) => ufunc(name, [a]);
}

function binary(name: BinaryUfunc): (a: UfuncOperand, b: UfuncOperand) => DistArray {
  return (a, b) => ufunc(name, [a, b]);
}

export const absolute = unary("absolute");
export const arccos = unary("arccos");
export const arccosh = unary("arccosh");
export const arcsin = unary("arcsin");
export const arcsinh = unary("arcsinh");
export const arctan = unary("arctan");
export const arctanh = unary("arctanh");
export const conjugate = unary("conjugate");
export const cos = unary("cos");
export const cosh = unary("cosh");
export const exp = unary("exp");
export const expm1 = unary("expm1");
export const invert = unary("invert");
export const log = unary("log");
export const log10 = unary("log10");
export const log1p = unary("log1p");
export const negative = unary("negative");
export const reciprocal = unary("reciprocal");
export const rint = unary("rint");
export const sign = unary("sign");
export const sin = unary("sin");
export const sinh = unary("sinh");
export const sqrt = unary("sqrt");
export const square = unary("square");
export const tan = unary("tan");
export const tanh = unary("tanh");

export const add = binary("add");
export const arctan2 = binary("arctan2");
export const bitwiseAnd = binary("bitwiseAnd");
export const bitwiseOr = binary("bitwiseOr");
export const bitwiseXor = binary("bitwiseXor");
export const divide = binary("divide");
export const floorDivide = binary("floorDivide");
export const fmod = binary("fmod");
export const hypot = binary("hypot");
export const leftShift = binary("leftShift");
export const mod = binary("mod");
export const multiply = binary("multiply");
export const power = binary("power");
export const remainder = binary("remainder");
export const rightShift = binary("rightShift");
export const subtract = binary("subtract");
export const trueDivide = binary("trueDivide");
export const less = binary("less");
export const lessEqual = binary("lessEqual");
export const equal = binary("equal");
export const notEqual = binary("notEqual");
export const greater = binary("greater");
export const greaterEqual = binary("greaterEqual");

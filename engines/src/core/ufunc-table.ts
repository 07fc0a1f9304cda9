/**
 * The 49 ufuncs of the API: names, arity, and NumPy 2's type resolution.
 *
 * Type resolution follows NumPy's default (legacy) resolver: the loops of each ufunc are
 * tried in NumPy's order (`np.<ufunc>.types`) and the first one every input can be cast
 * to under the 'safe' rule is used. JS scalars are weak (NEP 50): each is first given the
 * dtype `resultType(arrays..., scalar)` gives, as NumPy 2 does for Python scalars.
 * We have no float16, so its loops are left out: where NumPy would pick float16
 * (sin of int8/uint8/bool) the next loop, float32, is used instead.
 */
import {
  canCast,
  DTYPE_INFO,
  type DType,
  defaultDTypeOfScalar,
  integerRange,
  resultType,
  type Scalar,
  weakKindOf,
} from "./dtypes.js";
import { DTypeError } from "./errors.js";

export const UNARY_UFUNCS = [
  "absolute",
  "arccos",
  "arccosh",
  "arcsin",
  "arcsinh",
  "arctan",
  "arctanh",
  "conjugate",
  "cos",
  "cosh",
  "exp",
  "expm1",
  "invert",
  "log",
  "log10",
  "log1p",
  "negative",
  "reciprocal",
  "rint",
  "sign",
  "sin",
  "sinh",
  "sqrt",
  "square",
  "tan",
  "tanh",
] as const;

export const BINARY_UFUNCS = [
  "add",
  "arctan2",
  "bitwiseAnd",
  "bitwiseOr",
  "bitwiseXor",
  "divide",
  "floorDivide",
  "fmod",
  "hypot",
  "leftShift",
  "mod",
  "multiply",
  "power",
  "remainder",
  "rightShift",
  "subtract",
  "trueDivide",
  "less",
  "lessEqual",
  "equal",
  "notEqual",
  "greater",
  "greaterEqual",
] as const;

export type UnaryUfunc = (typeof UNARY_UFUNCS)[number];
export type BinaryUfunc = (typeof BINARY_UFUNCS)[number];
export type UfuncName = UnaryUfunc | BinaryUfunc;

/** All 49 ufunc names, unary first. */
export const UFUNC_NAMES: readonly UfuncName[] = [...UNARY_UFUNCS, ...BINARY_UFUNCS];

const UNARY_SET: ReadonlySet<string> = new Set(UNARY_UFUNCS);
const BINARY_SET: ReadonlySet<string> = new Set(BINARY_UFUNCS);

export function isUfuncName(x: unknown): x is UfuncName {
  return typeof x === "string" && (UNARY_SET.has(x) || BINARY_SET.has(x));
}

export function isUnaryUfunc(x: unknown): x is UnaryUfunc {
  return typeof x === "string" && UNARY_SET.has(x);
}

export function isBinaryUfunc(x: unknown): x is BinaryUfunc {
  return typeof x === "string" && BINARY_SET.has(x);
}

/** Number of inputs: 1 or 2. */
export function ufuncArity(name: UfuncName): 1 | 2 {
  if (UNARY_SET.has(name)) return 1;
  if (BINARY_SET.has(name)) return 2;
  throw new TypeError(`unknown ufunc '${String(name)}'`);
}

/** NumPy's snake_case name of a ufunc (for messages): floorDivide -> floor_divide. */
export function numpyName(name: UfuncName): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// NumPy type characters of our dtypes.
const CHAR: Readonly<Record<string, DType>> = {
  "?": "bool",
  b: "int8",
  B: "uint8",
  h: "int16",
  H: "uint16",
  i: "int32",
  I: "uint32",
  q: "int64",
  Q: "uint64",
  f: "float32",
  d: "float64",
  F: "complex64",
  D: "complex128",
};

const INTS = "bBhHiIqQ";
const FLOATS = "fd";
const COMPLEX = "FD";

function same(chars: string, arity: 1 | 2, out?: string): string[] {
  return [...chars].map((c) => c.repeat(arity) + (out ?? c));
}

/**
 * Loops per ufunc as NumPy 2.4 lists them (`np.<ufunc>.types`), restricted to our dtypes:
 * "xy" inputs then the output type character.
 */
const LOOPS: Readonly<Record<UfuncName, readonly string[]>> = (() => {
  const floatUnary = same(FLOATS + COMPLEX, 1);
  const numUnary = same(INTS + FLOATS + COMPLEX, 1);
  const arith = same(INTS + FLOATS + COMPLEX, 2);
  const intFloat2 = same(INTS + FLOATS, 2);
  const bits2 = same(INTS, 2);
  const cmp = [...same(`?${INTS}`, 2, "?"), "qQ?", "Qq?", ...same(FLOATS + COMPLEX, 2, "?")];
  return {
    absolute: [...same(`?${INTS}${FLOATS}`, 1), "Ff", "Dd"],
    arccos: floatUnary,
    arccosh: floatUnary,
    arcsin: floatUnary,
    arcsinh: floatUnary,
    arctan: floatUnary,
    arctanh: floatUnary,
    conjugate: numUnary,
    cos: floatUnary,
    cosh: floatUnary,
    exp: floatUnary,
    expm1: floatUnary,
    invert: same(`?${INTS}`, 1),
    log: floatUnary,
    log10: floatUnary,
    log1p: floatUnary,
    negative: numUnary,
    reciprocal: numUnary,
    rint: floatUnary,
    sign: numUnary,
    sin: floatUnary,
    sinh: floatUnary,
    sqrt: floatUnary,
    square: numUnary,
    tan: floatUnary,
    tanh: floatUnary,
    add: ["???", ...arith],
    arctan2: same(FLOATS, 2),
    bitwiseAnd: ["???", ...bits2],
    bitwiseOr: ["???", ...bits2],
    bitwiseXor: ["???", ...bits2],
    divide: same(FLOATS + COMPLEX, 2),
    floorDivide: intFloat2,
    fmod: intFloat2,
    hypot: same(FLOATS, 2),
    leftShift: bits2,
    mod: intFloat2,
    multiply: ["???", ...arith],
    power: arith,
    remainder: intFloat2,
    rightShift: bits2,
    subtract: arith,
    trueDivide: same(FLOATS + COMPLEX, 2),
    less: cmp,
    lessEqual: cmp,
    equal: cmp,
    notEqual: cmp,
    greater: cmp,
    greaterEqual: cmp,
  };
})();

/** The loop a call runs: the dtype each input is cast to, and the output dtype. */
export interface UfuncLoop {
  readonly inputs: readonly DType[];
  readonly output: DType;
}

const COMPARISONS: ReadonlySet<string> = new Set([
  "less",
  "lessEqual",
  "equal",
  "notEqual",
  "greater",
  "greaterEqual",
]);

export function isComparison(name: UfuncName): boolean {
  return COMPARISONS.has(name);
}

function unsupported(name: UfuncName, dtypes: readonly DType[]): DTypeError {
  return new DTypeError(
    `ufunc '${numpyName(name)}' not supported for the input types (${dtypes.join(", ")}), and ` +
      "the inputs could not be safely coerced to any supported types according to the casting rule 'safe'",
  );
}

/**
 * The dtype a weak JS scalar takes beside the strong dtypes of a call (NEP 50): an int
 * scalar takes an integer array's dtype (whether it fits is checked once the loop is
 * known, as NumPy only objects when the loop is an integer one). For comparisons an
 * integer scalar that does not fit the array's integer dtype is compared exactly, as
 * NumPy 2 does, so it takes int64 (or uint64 when it only fits there).
 */
function scalarDType(name: UfuncName, strong: readonly DType[], x: Scalar): DType {
  if (strong.length === 0) return defaultDTypeOfScalar(x);
  const base = strong.length === 1 ? strong[0]! : resultType(...strong);
  const kind = DTYPE_INFO[base].kind;
  if (weakKindOf(x) === "int" && (kind === "i" || kind === "u")) {
    if (COMPARISONS.has(name) && !fits(base, x as number | bigint)) {
      return (typeof x === "bigint" ? x : BigInt(x as number)) > integerRange("int64").max
        ? "uint64"
        : "int64";
    }
    return base;
  }
  return resultType(base, x);
}

function fits(d: DType, x: number | bigint): boolean {
  const { min, max } = integerRange(d);
  const v = typeof x === "bigint" ? x : BigInt(x);
  return v >= min && v <= max;
}

/**
 * Resolves the loop of a ufunc for its operands (dtypes of arrays, or JS scalars).
 * @throws DTypeError (DA_ERR_DTYPE) when NumPy has no loop for the inputs (e.g. invert of
 *   float64, arctan2 of complex, subtract or negative of bool); DTypeError with code
 *   DA_ERR_OVERFLOW when an integer scalar does not fit the array's integer dtype.
 * @throws TypeError for a wrong number of operands or an unknown name.
 */
export function resolveUfuncLoop(name: UfuncName, ...operands: (DType | Scalar)[]): UfuncLoop {
  // Operands that are dtypes, non-integer numbers, or integer numbers beside a float or
  // complex array resolve the same way whatever the value: the result is remembered. (An
  // integer scalar beside an integer or bool array is checked against the loop per call.)
  const token = (o: DType | Scalar | undefined, other: DType | Scalar | undefined) => {
    if (typeof o === "string") return o;
    if (typeof o !== "number") return undefined;
    if (!Number.isInteger(o)) return "~f";
    const k = typeof other === "string" ? DTYPE_INFO[other]?.kind : undefined;
    return k === "f" || k === "c" ? "~i" : undefined;
  };
  const t0 = token(operands[0], operands[1]);
  const t1 = operands.length === 2 ? token(operands[1], operands[0]) : "";
  const key = t0 !== undefined && t1 !== undefined ? `${name}|${t0}|${t1}` : undefined;
  if (key !== undefined) {
    const known = resolvedMemo.get(key);
    if (known !== undefined && operands.length === ufuncArity(name)) return known;
  }
  const loop = resolveUncached(name, operands);
  if (key !== undefined) resolvedMemo.set(key, Object.freeze(loop));
  return loop;
}

/** Loops resolved for operands that are dtypes or non-integer numbers (see resolveUfuncLoop). */
const resolvedMemo = new Map<string, UfuncLoop>();

function resolveUncached(name: UfuncName, operands: readonly (DType | Scalar)[]): UfuncLoop {
  const arity = ufuncArity(name);
  if (operands.length !== arity) {
    throw new TypeError(`${name} takes ${arity} operand(s); got ${operands.length}`);
  }
  const strong = operands.filter((o): o is DType => typeof o === "string");
  const dtypes = operands.map((o) => (typeof o === "string" ? o : scalarDType(name, strong, o)));
  if (name === "subtract" && dtypes.every((d) => d === "bool")) {
    throw new DTypeError(
      "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead",
    );
  }
  if (name === "sign" && dtypes[0] === "bool") throw unsupported(name, dtypes);
  if (name === "negative" && dtypes[0] === "bool") {
    throw new DTypeError(
      "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead",
    );
  }
  // NumPy's true-division resolver sends integer and bool inputs to the float64 loop.
  if (
    (name === "trueDivide" || name === "divide") &&
    dtypes.every((d) => DTYPE_INFO[d].kind !== "f" && DTYPE_INFO[d].kind !== "c")
  ) {
    return { inputs: ["float64", "float64"], output: "float64" };
  }
  const memoKey = arity === 1 ? `${name}|${dtypes[0]}` : `${name}|${dtypes[0]}|${dtypes[1]}`;
  let loop = loopMemo.get(memoKey);
  if (loop === undefined) {
    loop = LOOPS[name].find((l) => {
      for (let j = 0; j < arity; j++) if (!canCast(dtypes[j]!, CHAR[l[j]!]!, "safe")) return false;
      return true;
    });
    if (loop === undefined) throw unsupported(name, dtypes);
    loopMemo.set(memoKey, loop);
  }
  const inputs = [...loop.slice(0, arity)].map((c) => CHAR[c]!);
  operands.forEach((o, j) => {
    if (typeof o === "string" || weakKindOf(o) !== "int") return;
    const d = inputs[j]!;
    const k = DTYPE_INFO[d].kind;
    if ((k === "i" || k === "u") && !fits(d, o as number | bigint)) {
      throw new DTypeError(`Python integer ${o} out of bounds for ${d}`, {
        code: "DA_ERR_OVERFLOW",
      });
    }
  });
  return { inputs, output: CHAR[loop[arity]!]! };
}

/** The loop found for a ufunc and its input dtypes (the search runs once per combination). */
const loopMemo = new Map<string, string>();

/**
 * The result dtype of a ufunc for the given operands (NumPy 2 with NEP 50 weak scalars):
 * e.g. `ufuncResultType('sin', 'int16')` is float32, `('trueDivide', 'int32', 'int32')`
 * float64, `('add', 'int8', 3)` int8, `('less', 'float64', 'int8')` bool.
 * @throws DTypeError as resolveUfuncLoop.
 */
export function ufuncResultType(name: UfuncName, ...operands: (DType | Scalar)[]): DType {
  return resolveUfuncLoop(name, ...operands).output;
}

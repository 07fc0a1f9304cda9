// The 49 ufuncs against NumPy 2 (fixtures from scripts/gen-fixtures.py).
//
// Results are compared bit for bit (integers, bools, and every float result of IEEE
// basic operations: + - * / sqrt, floor division, modulo, rint, comparisons, ...).
// Transcendental functions (sin, exp, log, arctan2, hypot, power, ...) go through the
// platform's libm in NumPy (glibc, or NumPy's own SIMD code for float32) and through V8's
// fdlibm port here; their last bits may differ, so those are compared within a few ulp
// (TRANSCENDENTAL_ULPS), and complex ones componentwise within a few ulp of the larger
// component. Special values (NaN, inf, the sign of zero) must match everywhere.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DTYPE_INFO,
  DTYPES,
  type DType,
  type Scalar,
  type TypedArray,
} from "@distarray/engines/core/dtypes";
import { DistArrayError, DTypeError } from "@distarray/engines/core/errors";
import { contiguousOperand, type StridedOperand } from "@distarray/engines/core/strided";
import { binaryLoop, unaryLoop } from "@distarray/engines/core/ufunc-loops";
import {
  BINARY_UFUNCS,
  type BinaryUfunc,
  UFUNC_NAMES,
  UNARY_UFUNCS,
  type UnaryUfunc,
  ufuncArity,
  ufuncResultType,
} from "@distarray/engines/core/ufunc-table";
import {
  decodeArray,
  type Encoded,
  loadFixture,
  sameFloat,
  show,
  ulpDistance,
} from "../helpers/numeric-fixtures.js";

interface Types {
  unary: Record<string, Record<string, string | null>>;
  binary: Record<string, Record<string, string | null>>;
}

interface Result {
  out_dtype?: DType;
  output?: Encoded[];
  error?: string;
}

interface UnaryCase extends Result {
  ufunc: UnaryUfunc;
  dtype: DType;
  input?: Encoded[];
}

interface BinaryCase extends Result {
  ufunc: BinaryUfunc;
  a_dtype: DType;
  b_dtype: DType;
  a?: Encoded[];
  b?: Encoded[];
}

interface ScalarCase extends Result {
  ufunc: BinaryUfunc;
  dtype: DType;
  input?: Encoded[];
  scalar: {
    kind: "bool" | "int" | "float" | "complex";
    value: boolean | number | [number, number];
  };
  side: "left" | "right";
}

/** Where V8's libm and NumPy's may disagree in the last bits. */
const TRANSCENDENTAL = new Set<string>([
  "arccos",
  "arccosh",
  "arcsin",
  "arcsinh",
  "arctan",
  "arctanh",
  "cos",
  "cosh",
  "exp",
  "expm1",
  "log",
  "log10",
  "log1p",
  "sin",
  "sinh",
  "tan",
  "tanh",
  "arctan2",
  "hypot",
  "power",
]);
const TRANSCENDENTAL_ULPS = 4;
/** Complex results of these come from formulas, not NumPy's exact loop code: compare within COMPLEX_ULPS. */
const COMPLEX_APPROX = new Set<string>([...TRANSCENDENTAL, "absolute", "sqrt", "sign"]);
const COMPLEX_ULPS = 8;

const types = loadFixture<Types>("ufunc-types.json");

function mismatches(
  name: string,
  got: TypedArray,
  want: TypedArray,
  dtype: DType,
  inputs: string[][],
): string[] {
  const { kind } = DTYPE_INFO[dtype];
  const single = dtype === "float32" || dtype === "complex64";
  const bad: string[] = [];
  const n = want.length / DTYPE_INFO[dtype].lanes;
  for (let i = 0; i < n; i++) {
    let ok: boolean;
    if (kind === "f") {
      const g = got[i] as number;
      const w = want[i] as number;
      ok = TRANSCENDENTAL.has(name)
        ? ulpDistance(g, w, single) <= TRANSCENDENTAL_ULPS && (w !== 0 || Object.is(g, w))
        : sameFloat(g, w);
    } else if (kind === "c") {
      const [gr, gi, wr, wi] = [
        got[2 * i],
        got[2 * i + 1],
        want[2 * i],
        want[2 * i + 1],
      ] as number[];
      if (COMPLEX_APPROX.has(name) || single) {
        const scale = Math.max(Math.abs(wr!), Math.abs(wi!));
        const eps = single ? 2 ** -23 : 2 ** -52;
        const close = (g: number, w: number): boolean =>
          sameFloat(g, w) ||
          (Number.isFinite(w) &&
            Number.isFinite(g) &&
            Math.abs(g - w) <= COMPLEX_ULPS * eps * scale);
        ok = close(gr!, wr!) && close(gi!, wi!);
      } else {
        ok = sameFloat(gr!, wr!) && sameFloat(gi!, wi!);
      }
    } else {
      ok = got[i] === want[i];
    }
    if (!ok) {
      bad.push(
        `[${inputs.map((x) => x[i]).join(", ")}] -> ${show(got, dtype, i)}, numpy ${show(want, dtype, i)}`,
      );
    }
  }
  return bad;
}

function check(bad: string[], label: string): void {
  assert.equal(
    bad.length,
    0,
    `${label}: ${bad.length} mismatch(es), e.g.\n  ${bad.slice(0, 6).join("\n  ")}`,
  );
}

function operand(dtype: DType, values: readonly Encoded[]): StridedOperand {
  return contiguousOperand(dtype, decodeArray(values, dtype), [values.length]);
}

function texts(op: StridedOperand): string[] {
  const n = op.shape[0]!;
  return Array.from({ length: n }, (_, i) => show(op.data, op.dtype, i));
}

function scalarOf(s: ScalarCase["scalar"]): Scalar {
  if (s.kind === "complex") {
    const [re, im] = s.value as [number, number];
    return { re, im };
  }
  return s.value as boolean | number;
}

function expectNumPyError(error: string, fn: () => void): void {
  assert.throws(fn, (e: unknown) => {
    if (error === "ValueError") return e instanceof DistArrayError && e.code === "DA_ERR_VALUE";
    if (error === "OverflowError") return e instanceof DTypeError && e.code === "DA_ERR_OVERFLOW";
    return e instanceof DTypeError && e.code === "DA_ERR_DTYPE";
  });
}

describe("ufunc table", () => {
  it("has the 49 names of the API with their arity", () => {
    assert.equal(UFUNC_NAMES.length, 49);
    for (const n of UNARY_UFUNCS) assert.equal(ufuncArity(n), 1);
    for (const n of BINARY_UFUNCS) assert.equal(ufuncArity(n), 2);
  });

  it("resolves the result dtype of every unary ufunc and dtype as NumPy (float16 -> float32)", () => {
    const bad: string[] = [];
    for (const name of UNARY_UFUNCS) {
      for (const d of DTYPES) {
        let want = types.unary[name]![d]!;
        if (want === "float16") want = "float32";
        let got: string | null;
        try {
          got = ufuncResultType(name, d);
        } catch (e) {
          if (!(e instanceof DTypeError)) throw e;
          got = null;
        }
        if (got !== want) bad.push(`${name}(${d}): ${got}, numpy ${want}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it("resolves the result dtype of every binary ufunc and dtype pair as NumPy", () => {
    const bad: string[] = [];
    for (const name of BINARY_UFUNCS) {
      for (const a of DTYPES) {
        for (const b of DTYPES) {
          let want = types.binary[name]![`${a},${b}`]!;
          if (want === "float16") want = "float32";
          let got: string | null;
          try {
            got = ufuncResultType(name, a, b);
          } catch (e) {
            if (!(e instanceof DTypeError)) throw e;
            got = null;
          }
          if (got !== want) bad.push(`${name}(${a}, ${b}): ${got}, numpy ${want}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  it("names NumPy's rule in the unsupported-type error", () => {
    assert.throws(
      () => ufuncResultType("invert", "float64"),
      /ufunc 'invert' not supported for the input types/,
    );
    assert.throws(() => ufuncResultType("arctan2", "complex128", 1), DTypeError);
  });
});

function run(
  label: string,
  name: string,
  outDtype: DType,
  want: TypedArray,
  n: number,
  call: (out: StridedOperand) => void,
  inputs: string[][],
): void {
  const out = contiguousOperand(outDtype, new DTYPE_INFO[outDtype].storage(want.length), [n]);
  call(out);
  check(mismatches(name, out.data, want, outDtype, inputs), label);
}

describe("unary ufuncs against NumPy", () => {
  const { cases } = loadFixture<{ cases: UnaryCase[] }>("ufunc-unary.json");
  for (const c of cases) {
    const label = `${c.ufunc}(${c.dtype})`;
    it(label, () => {
      if (c.error !== undefined) {
        expectNumPyError(c.error, () => ufuncResultType(c.ufunc, c.dtype));
        return;
      }
      const x = operand(c.dtype, c.input!);
      const want = decodeArray(c.output!, c.out_dtype!);
      run(
        label,
        c.ufunc,
        c.out_dtype!,
        want,
        c.input!.length,
        (out) => unaryLoop(c.ufunc, x, out),
        [texts(x)],
      );
    });
  }
});

describe("binary ufuncs against NumPy", () => {
  const { inputs, cases } = loadFixture<{
    inputs: Record<string, { a: Encoded[]; b: Encoded[] }>;
    cases: BinaryCase[];
  }>("ufunc-binary.json");
  for (const c of cases) {
    const label = `${c.ufunc}(${c.a_dtype}, ${c.b_dtype})`;
    it(label, () => {
      const av = c.a ?? inputs[c.a_dtype]!.a;
      const bv = c.b ?? inputs[c.b_dtype]!.b;
      const a = operand(c.a_dtype, av);
      const b = operand(c.b_dtype, bv);
      if (c.error !== undefined) {
        expectNumPyError(c.error, () => {
          const d = ufuncResultType(c.ufunc, c.a_dtype, c.b_dtype);
          binaryLoop(
            c.ufunc,
            a,
            b,
            contiguousOperand(d, new DTYPE_INFO[d].storage(av.length * DTYPE_INFO[d].lanes), [
              av.length,
            ]),
          );
        });
        return;
      }
      const want = decodeArray(c.output!, c.out_dtype!);
      run(label, c.ufunc, c.out_dtype!, want, av.length, (out) => binaryLoop(c.ufunc, a, b, out), [
        texts(a),
        texts(b),
      ]);
    });
  }
});

describe("binary ufuncs with a JS scalar (NEP 50 weak scalars) against NumPy", () => {
  const { cases } = loadFixture<{ cases: ScalarCase[] }>("ufunc-scalars.json");
  for (const c of cases) {
    const s = scalarOf(c.scalar);
    const sText = typeof s === "object" ? `${s.re}+${s.im}j` : String(s);
    const label =
      c.side === "right"
        ? `${c.ufunc}(${c.dtype}[], ${sText})`
        : `${c.ufunc}(${sText}, ${c.dtype}[])`;
    it(label, () => {
      const x = operand(c.dtype, c.input!);
      if (c.error !== undefined) {
        expectNumPyError(c.error, () => {
          const d =
            c.side === "right"
              ? ufuncResultType(c.ufunc, c.dtype, s)
              : ufuncResultType(c.ufunc, s, c.dtype);
          const n = c.input!.length;
          const out = contiguousOperand(d, new DTYPE_INFO[d].storage(n * DTYPE_INFO[d].lanes), [n]);
          if (c.side === "right") binaryLoop(c.ufunc, x, s, out);
          else binaryLoop(c.ufunc, s, x, out);
        });
        return;
      }
      const want = decodeArray(c.output!, c.out_dtype!);
      run(
        label,
        c.ufunc,
        c.out_dtype!,
        want,
        c.input!.length,
        (out) =>
          c.side === "right" ? binaryLoop(c.ufunc, x, s, out) : binaryLoop(c.ufunc, s, x, out),
        [texts(x)],
      );
    });
  }
});

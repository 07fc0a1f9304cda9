import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  array,
  complexScalarStr,
  DTYPE_INFO,
  type DType,
  type FloatFormatOptions,
  floatScalarStr,
  formatFloatPositional,
  formatFloatScientific,
  NDArray,
  type TrimMode,
  toDType,
} from "@distarray/engines/core";
import { repoRoot } from "../helpers/paths.js";

// Expected strings come from NumPy through scripts/gen-format-fixtures.py.
const FIXTURES = join(repoRoot, "test", "fixtures", "format");

function load<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as T;
}

function decodeFloat(s: string): number {
  if (s === "nan") return Number.NaN;
  if (s === "inf") return Number.POSITIVE_INFINITY;
  if (s === "-inf") return Number.NEGATIVE_INFINITY;
  return Number(s);
}

function decodeData(dtype: DType, values: readonly (string | boolean)[]): NDArray["data"] {
  const info = DTYPE_INFO[dtype];
  const out = new info.storage(values.length);
  values.forEach((v, i) => {
    if (info.kind === "b") out[i] = v ? 1 : 0;
    else if (dtype === "int64" || dtype === "uint64") out[i] = BigInt(v as string);
    else if (info.kind === "i" || info.kind === "u") out[i] = Number(v);
    else out[i] = decodeFloat(v as string);
  });
  return out;
}

interface PyOptions {
  precision?: number;
  min_digits?: number;
  trim?: TrimMode;
  sign?: boolean;
  pad_left?: number;
  pad_right?: number;
  exp_digits?: number;
}

function toOptions(o: PyOptions, float32: boolean): FloatFormatOptions {
  return {
    precision: o.precision,
    minDigits: o.min_digits,
    trim: o.trim,
    sign: o.sign,
    padLeft: o.pad_left,
    padRight: o.pad_right,
    expDigits: o.exp_digits,
    float32,
  };
}

interface FloatCase {
  dtype: string;
  value: string | [string, string];
  str: string;
  positional?: string[];
  scientific?: string[];
}

interface FloatFixture {
  positional_options: PyOptions[];
  scientific_options: PyOptions[];
  cases: FloatCase[];
}

describe("Dragon4 float formatting matches numpy.format_float_*", () => {
  const fx = load<FloatFixture>("floats.json");
  for (const dtype of ["float64", "float32"]) {
    it(`${dtype}: positional, scientific and str() of scalars`, () => {
      const float32 = dtype === "float32";
      const bad: string[] = [];
      let checked = 0;
      for (const c of fx.cases.filter((k) => k.dtype === dtype)) {
        const x = decodeFloat(c.value as string);
        const check = (what: string, got: string, want: string): void => {
          checked++;
          if (got !== want)
            bad.push(
              `${what}(${c.value}): got ${JSON.stringify(got)} want ${JSON.stringify(want)}`,
            );
        };
        fx.positional_options.forEach((o, k) => {
          check(
            `positional#${k}`,
            formatFloatPositional(x, toOptions(o, float32)),
            c.positional![k]!,
          );
        });
        fx.scientific_options.forEach((o, k) => {
          check(
            `scientific#${k}`,
            formatFloatScientific(x, toOptions(o, float32)),
            c.scientific![k]!,
          );
        });
        check("str", floatScalarStr(x, float32), c.str);
      }
      assert.ok(checked > 1000, `only ${checked} checks ran`);
      assert.deepEqual(bad.slice(0, 10), []);
    });
  }

  it("complex scalars print as NumPy's str()", () => {
    const bad: string[] = [];
    for (const c of fx.cases.filter((k) => k.dtype.startsWith("complex"))) {
      const [re, im] = (c.value as [string, string]).map(decodeFloat) as [number, number];
      const got = complexScalarStr(re, im, c.dtype === "complex64");
      if (got !== c.str) bad.push(`${c.dtype} ${c.value}: got ${got} want ${c.str}`);
    }
    assert.deepEqual(bad, []);
  });
});

interface ArrayCase {
  name: string;
  dtype: string;
  shape: number[];
  data: (string | boolean)[];
  str: string;
  repr: string;
}

describe("NDArray toString()/repr() match NumPy's str()/repr()", () => {
  const { cases } = load<{ cases: ArrayCase[] }>("arrays.json");
  it("covers every dtype, 0-d, empty and summarized arrays", () => {
    const dtypes = new Set(cases.map((c) => c.dtype));
    assert.equal(dtypes.size, 13);
    assert.ok(cases.some((c) => c.shape.length === 0));
    assert.ok(cases.some((c) => c.shape.includes(0)));
    assert.ok(cases.some((c) => c.repr.includes("...")));
  });
  for (const c of cases) {
    it(c.name, () => {
      const dtype = toDType(c.dtype);
      const a = new NDArray({ dtype, shape: c.shape, data: decodeData(dtype, c.data) });
      assert.equal(a.toString(), c.str);
      assert.equal(a.repr(), c.repr);
    });
  }
});

describe("printing arrays built in TypeScript", () => {
  it("prints a 2x3 float array like NumPy", () => {
    const a = array([
      [1, 2.5, -3],
      [0.25, 10, 100],
    ]);
    assert.equal(a.toString(), "[[  1.     2.5   -3.  ]\n [  0.25  10.   100.  ]]");
    assert.equal(a.repr(), "array([[  1.  ,   2.5 ,  -3.  ],\n       [  0.25,  10.  , 100.  ]])");
  });

  it("prints int64 extremes held as bigints", () => {
    const a = array([-(2n ** 63n), 2n ** 63n - 1n]);
    assert.equal(a.dtype, "int64");
    assert.equal(a.toString(), "[-9223372036854775808  9223372036854775807]");
  });
});

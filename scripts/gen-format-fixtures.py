#!/usr/bin/env python3
"""Writes test/fixtures/format/*.json: how NumPy prints arrays and floats.

Run with the `python3` first on PATH (NumPy 2.x, default print options):

    python3 scripts/gen-format-fixtures.py

Seeded and deterministic: running it twice gives the same files.

Values are encoded so JSON carries them exactly:
  - bool -> true/false; integers -> decimal strings;
  - floats -> the repr of the exact double (float32 values widened to double), so
    "nan", "inf", "-inf" and "-0.0" are strings like every other float;
  - complex -> the interleaved [re0, im0, re1, im1, ...] list of float strings.

Files:
  - floats.json: numpy.format_float_positional / format_float_scientific (unique=True)
    for float64 and float32 values under several option sets, and str() of the scalars.
  - arrays.json: str(arr) and repr(arr) of arrays of every dtype and many shapes,
    including 0-d, empty, wrapped and summarized (> 1000 elements) arrays.
"""

import json
import os

import numpy as np

SEED = 20261125
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "format")


def enc_float(x):
    return repr(float(x))


def encode(arr):
    """The flat C-order data of `arr` in the JSON encoding described above."""
    flat = np.ascontiguousarray(arr).reshape(-1)
    k = arr.dtype.kind
    if k == "b":
        return [bool(v) for v in flat]
    if k in "iu":
        return [str(int(v)) for v in flat]
    if k == "f":
        return [enc_float(v) for v in flat]
    out = []
    for v in flat:
        out.append(enc_float(v.real))
        out.append(enc_float(v.imag))
    return out


# ---------------------------------------------------------------------------
# Scalars


def float_values(rng, dtype):
    ftype = np.dtype(dtype).type
    vals = [
        0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 10.0, 100.0, 1e16, 1e15,
        9999999999999998.0, 1e-4, 9.999999e-5, 1e-5, 123456789.0, 0.125, 0.375, 2.5, 3.5,
        0.001953125, 1.5e-8, 5e-9, 4.9e-9, 1e22, 1e23, 5e-324, 2.2250738585072014e-308,
        1.7976931348623157e308, 2 ** 52, 2 ** 53 + 2, 2 ** -10, 2 ** 60, 0.999999999,
        9.999999999, 99.99999999, 0.000123456789, 1234.5678, 65504.0, 3.4028234663852886e38,
        1.1754943508222875e-38, 1e-45, 16777216.0, 16777217.0, 0.7, 1.05, 2.675,
    ]
    for e in range(-30, 31, 3):
        vals.extend(float(v) for v in rng.uniform(-10, 10, 3) * 10.0 ** e)
    vals.extend(float(v) for v in rng.standard_normal(20))
    vals.extend(float(v) for v in np.ldexp(rng.integers(1, 2 ** 20, 10), rng.integers(-40, 0, 10)))
    # Arbitrary bit patterns: every exponent range, subnormals included.
    if dtype == "float64":
        bits = rng.integers(0, 2 ** 63, 150, dtype=np.uint64)
        vals.extend(float(v) for v in bits.view(np.float64))
    else:
        bits = rng.integers(0, 2 ** 31, 150, dtype=np.uint32)
        vals.extend(float(v) for v in bits.view(np.float32))
    out = []
    with np.errstate(over="ignore", under="ignore"):
        for v in vals:
            x = ftype(v)
            if np.isfinite(x):
                out.append(x)
    return out


OPTION_SETS = [
    {},
    {"trim": "."},
    {"trim": "0"},
    {"trim": "-"},
    {"precision": 8, "trim": "."},
    {"precision": 3, "trim": "k"},
    {"precision": 0, "trim": "-"},
    {"precision": 8, "min_digits": 8, "trim": "k"},
    {"precision": 5, "min_digits": 2, "trim": "k", "sign": True},
    {"precision": 8, "trim": ".", "pad_left": 4, "pad_right": 9},
    {"trim": "-", "pad_left": 3, "pad_right": 2},
]

SCI_OPTION_SETS = [
    {},
    {"trim": "."},
    {"trim": "0"},
    {"trim": "-"},
    {"precision": 8, "trim": "."},
    {"precision": 3, "trim": "k"},
    {"precision": 0, "trim": "k"},
    {"precision": 8, "min_digits": 8, "trim": "k"},
    {"precision": 4, "min_digits": 2, "trim": "k", "sign": True, "exp_digits": 3},
    {"precision": 8, "trim": ".", "pad_left": 3},
]


def gen_floats(rng):
    cases = []
    for dtype in ["float64", "float32"]:
        for x in float_values(rng, dtype):
            case = {
                "dtype": dtype,
                "value": enc_float(x),
                "str": str(x),
                "positional": [np.format_float_positional(x, **o) for o in OPTION_SETS],
                "scientific": [np.format_float_scientific(x, **o) for o in SCI_OPTION_SETS],
            }
            cases.append(case)
    for dtype in ["complex128", "complex64"]:
        ftype = np.dtype(dtype).type
        for re, im in [
            (1, 2), (0, 2), (-0.0, 2), (0, -2.5), (1.5, 0), (1e20, -1e-20), (np.nan, 1),
            (1, np.nan), (np.inf, -np.inf), (0, np.inf), (0.1, 0.2), (-1, -0.0), (0, 0),
        ]:
            z = ftype(complex(re, im))
            cases.append({"dtype": dtype, "value": [enc_float(z.real), enc_float(z.imag)], "str": str(z)})
    return {
        "positional_options": OPTION_SETS,
        "scientific_options": SCI_OPTION_SETS,
        "cases": cases,
    }


# ---------------------------------------------------------------------------
# Arrays


def array_cases(rng):
    cases = []

    def add(name, arr):
        arr = np.asarray(arr)
        cases.append({
            "name": name,
            "dtype": arr.dtype.name,
            "shape": list(arr.shape),
            "data": encode(arr),
            "str": str(arr),
            "repr": repr(arr),
        })

    ints = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"]
    for d in ints:
        info = np.iinfo(d)
        add(f"{d} small", np.arange(6, dtype=d))
        add(f"{d} 2x3", np.arange(6, dtype=d).reshape(2, 3))
        add(f"{d} extremes", np.array([info.min, 0, info.max, 1], dtype=d))
        add(f"{d} random long", rng.integers(info.min, info.max, 40, dtype=d, endpoint=True))
        add(f"{d} 0-d", np.array(info.max, dtype=d))
        add(f"{d} empty", np.zeros(0, dtype=d))
    add("int64 negative column", np.array([[-5], [12], [-300]]))
    add("int64 arange 100", np.arange(100))
    add("int64 arange 3x4x5", np.arange(60).reshape(3, 4, 5))
    add("int64 2x3x4x2", np.arange(48).reshape(2, 3, 4, 2) - 20)
    add("int64 summarized 1-d", np.arange(2000))
    add("int64 summarized 2-d", np.arange(40 * 40).reshape(40, 40))
    add("int64 summarized 3-d", np.arange(11 ** 3).reshape(11, 11, 11) * 7 - 4000)
    add("int64 summarized short axis", np.arange(2 * 600).reshape(2, 600))
    add("int32 summarized", np.arange(1001, dtype=np.int32))

    add("bool small", np.array([True, False, True]))
    add("bool 2x2", np.array([[True, False], [False, False]]))
    add("bool 0-d true", np.array(True))
    add("bool 0-d false", np.array(False))
    add("bool long", rng.random(50) > 0.5)
    add("bool summarized", np.ones(1500, dtype=bool))
    add("bool empty 2-d", np.zeros((0, 3), dtype=bool))

    for d in ["float64", "float32"]:
        f = np.dtype(d).type
        add(f"{d} simple", np.array([1.5, 2.25, -3], dtype=d))
        add(f"{d} integers", np.arange(5, dtype=d))
        add(f"{d} thirds", np.array([1 / 3, 2 / 3, 1], dtype=d))
        add(f"{d} tenths", np.array([0.1, 0.2, 0.3], dtype=d))
        add(f"{d} exp small", np.array([1e-5, 1.5], dtype=d))
        add(f"{d} exp ratio", np.array([1, 1001], dtype=d))
        add(f"{d} no exp ratio", np.array([1, 1000], dtype=d))
        add(f"{d} big", np.array([1e7, 1.5e6, 99999999.0, 1e8], dtype=d))
        add(f"{d} just below 1e6", np.array([999999.0, 2.0], dtype=d))
        add(f"{d} 1e6", np.array([1e6, 2.0], dtype=d))
        add(f"{d} 1e-4", np.array([1e-4, 0.5], dtype=d))
        add(f"{d} nonfinite", np.array([np.nan, np.inf, -np.inf, 1.5], dtype=d))
        add(f"{d} only nan", np.array([np.nan, np.nan], dtype=d))
        add(f"{d} nan inf", np.array([np.nan, np.inf], dtype=d))
        add(f"{d} nan -inf", np.array([np.nan, -np.inf], dtype=d))
        add(f"{d} nonfinite exp", np.array([np.nan, 1e-10, -np.inf], dtype=d))
        add(f"{d} negative zero", np.array([-0.0, 1.0], dtype=d))
        add(f"{d} zeros", np.zeros(4, dtype=d))
        add(f"{d} zero and tiny", np.array([0.0, 1e-30], dtype=d))
        add(f"{d} 0-d", np.array(3.25, dtype=d))
        add(f"{d} 0-d big", np.array(1e20, dtype=d))
        add(f"{d} 0-d small", np.array(1.5e-7, dtype=d))
        add(f"{d} 0-d nan", np.array(np.nan, dtype=d))
        add(f"{d} 0-d -inf", np.array(-np.inf, dtype=d))
        add(f"{d} 0-d integer", np.array(7.0, dtype=d))
        add(f"{d} empty", np.zeros(0, dtype=d))
        add(f"{d} empty 2-d", np.zeros((2, 0), dtype=d))
        add(f"{d} empty 3-d", np.zeros((3, 0, 2), dtype=d))
        add(f"{d} normal 5x5", rng.standard_normal((5, 5)).astype(d))
        add(f"{d} normal 30", rng.standard_normal(30).astype(d))
        add(f"{d} uniform 4x3x2", rng.uniform(0, 100, (4, 3, 2)).astype(d))
        add(f"{d} wide range", (rng.standard_normal(12) * 10.0 ** rng.integers(-8, 9, 12)).astype(d))
        add(f"{d} linspace", np.linspace(0, 1, 11, dtype=d))
        add(f"{d} summarized", np.linspace(-1, 1, 1100, dtype=d))
        add(f"{d} summarized 2-d", rng.standard_normal((35, 35)).astype(d))
        add(f"{d} summarized 3-d", np.arange(10 * 10 * 12, dtype=d).reshape(10, 10, 12) / 7)
        add(f"{d} 3-d newline", rng.uniform(-1, 1, (2, 2, 3)).astype(d))
        add(f"{d} 1x1x1x1", np.ones((1, 1, 1, 1), dtype=d))
        add(f"{d} rounding ties", np.array([0.001953125, 0.125, 2.5e-9 + 1], dtype=d))
        add(f"{d} nines", np.array([0.999999999, 9.9999999999, 1.0], dtype=d))
        add(f"{d} exp nines", np.array([9.9999999999e-5, 1.0], dtype=d))
        with np.errstate(over="ignore"):
            add(f"{d} large exponent", np.array([1e100, 1e-5, 3e300], dtype=d))
            add(f"{d} subnormal", np.array([5e-324, 1.0], dtype=d))
        add(f"{d} row wraps", rng.uniform(0, 1e4, (3, 17)).astype(d))
    add("float64 max", np.array([np.finfo(np.float64).max, 1.0]))
    add("float64 1e16 str", np.array(1e16))
    add("float64 9999999999999998", np.array(9999999999999998.0))
    add("float64 1e-4 0-d", np.array(1e-4))
    add("float64 9.9999e-5 0-d", np.array(9.9999e-5))

    for d in ["complex128", "complex64"]:
        add(f"{d} simple", np.array([1 + 2j, 3 - 4j], dtype=d))
        add(f"{d} pure imaginary", np.array([2j, -1j, 0], dtype=d))
        add(f"{d} mixed", np.array([1.5 + 0.25j, -3 + 1e-3j, 0.1 - 0.2j], dtype=d))
        add(f"{d} exp", np.array([1e-5 + 1j, 1e10 - 2j], dtype=d))
        add(f"{d} nonfinite", np.array([complex(np.nan, 1), complex(1, np.inf), complex(-np.inf, np.nan)], dtype=d))
        add(f"{d} 0-d", np.array(1 + 2j, dtype=d))
        add(f"{d} 0-d imag", np.array(2.5j, dtype=d))
        add(f"{d} 0-d neg zero real", np.array(complex(-0.0, 2), dtype=d))
        add(f"{d} 0-d nan", np.array(complex(np.nan, -np.inf), dtype=d))
        add(f"{d} 0-d exp", np.array(complex(1e20, -1e-20), dtype=d))
        add(f"{d} empty", np.zeros(0, dtype=d))
        add(f"{d} random 4x4", (rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))).astype(d))
        add(f"{d} summarized", (np.arange(1200) * (1 + 0.5j)).astype(d))

    rng2 = np.random.default_rng(SEED + 1)
    for k in range(60):
        d = ["float64", "float32", "complex128", "int64", "int16", "uint32", "bool"][k % 7]
        ndim = int(rng2.integers(1, 5))
        shape = tuple(int(s) for s in rng2.integers(1, 8, ndim))
        if rng2.random() < 0.15:
            shape = shape[:-1] + (int(rng2.integers(20, 60)),)
        n = int(np.prod(shape))
        scale = 10.0 ** int(rng2.integers(-6, 10))
        if d.startswith("complex"):
            vals = (rng2.standard_normal(n) + 1j * rng2.standard_normal(n)) * scale
        elif d == "bool":
            vals = rng2.random(n) < 0.5
        elif d.startswith("float"):
            vals = rng2.standard_normal(n) * scale
            if rng2.random() < 0.3:
                vals = np.round(vals, int(rng2.integers(0, 4)))
        else:
            info = np.iinfo(d)
            hi = min(int(info.max), int(10 ** int(rng2.integers(1, 12))))
            lo = max(int(info.min), -hi)
            vals = rng2.integers(lo, hi, n, endpoint=True)
        with np.errstate(over="ignore"):
            add(f"random {k} {d} {shape}", np.asarray(vals).astype(d).reshape(shape))
    return cases


def write(name, obj):
    path = os.path.join(OUT, name)
    # One case per line: readable diffs without one line per number.
    head = {k: v for k, v in obj.items() if k != "cases"}
    with open(path, "w") as f:
        f.write(json.dumps(head)[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c) for c in obj["cases"]))
        f.write("\n]}\n")
    print(f"wrote {os.path.relpath(path, ROOT)}")


def main():
    rng = np.random.default_rng(SEED)
    os.makedirs(OUT, exist_ok=True)
    write("floats.json", {"numpy": np.__version__, **gen_floats(rng)})
    write("arrays.json", {"numpy": np.__version__, "cases": array_cases(rng)})


if __name__ == "__main__":
    main()

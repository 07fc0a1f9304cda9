#!/usr/bin/env python3
"""Writes test/fixtures/numeric/*.json: NumPy's answers for the numeric loops of the core.

Run with the `python3` first on PATH (NumPy 2.x):

    python3 scripts/gen-fixtures.py

Seeded and deterministic: running it twice gives the same files. Values are encoded so
JSON round-trips them exactly:
  - bool -> true/false; integers up to 32 bits -> JSON numbers;
  - int64/uint64 -> decimal strings;
  - floats -> the repr of the exact double (float32 values widened to double first),
    with "nan", "inf", "-inf" as strings; -0.0 stays -0.0;
  - complex -> [re, im] with the float encoding for each part.
A failing call is recorded as {"error": "<ExceptionName>"} instead of an output.
"""

import json
import math
import os
import warnings

import numpy as np

SEED = 20240611
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "numeric")

DTYPES = [
    "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
    "float32", "float64", "complex64", "complex128",
]

UNARY = {
    "absolute": "absolute", "arccos": "arccos", "arccosh": "arccosh", "arcsin": "arcsin",
    "arcsinh": "arcsinh", "arctan": "arctan", "arctanh": "arctanh", "conjugate": "conjugate",
    "cos": "cos", "cosh": "cosh", "exp": "exp", "expm1": "expm1", "invert": "invert",
    "log": "log", "log10": "log10", "log1p": "log1p", "negative": "negative",
    "reciprocal": "reciprocal", "rint": "rint", "sign": "sign", "sin": "sin", "sinh": "sinh",
    "sqrt": "sqrt", "square": "square", "tan": "tan", "tanh": "tanh",
}
BINARY = {
    "add": "add", "arctan2": "arctan2", "bitwiseAnd": "bitwise_and", "bitwiseOr": "bitwise_or",
    "bitwiseXor": "bitwise_xor", "divide": "divide", "floorDivide": "floor_divide",
    "fmod": "fmod", "hypot": "hypot", "leftShift": "left_shift", "mod": "mod",
    "multiply": "multiply", "power": "power", "remainder": "remainder",
    "rightShift": "right_shift", "subtract": "subtract", "trueDivide": "true_divide",
    "less": "less", "lessEqual": "less_equal", "equal": "equal", "notEqual": "not_equal",
    "greater": "greater", "greaterEqual": "greater_equal",
}


def enc_float(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def enc(value, dtype):
    """Encodes one element of `dtype` exactly."""
    if dtype == "bool":
        return bool(value)
    if dtype in ("int64", "uint64"):
        return str(int(value))
    if dtype.startswith("int") or dtype.startswith("uint"):
        return int(value)
    if dtype.startswith("float"):
        return enc_float(value)
    return [enc_float(value.real), enc_float(value.imag)]


def enc_array(arr):
    dt = str(arr.dtype)
    return [enc(v, dt) for v in arr.reshape(-1)]


def ints(dtype):
    info = np.iinfo(dtype)
    vals = [0, 1, 2, 3, 5, 7, 13, 100, info.max, info.max - 1, info.max // 2 + 1]
    if info.min < 0:
        vals += [-1, -2, -3, -7, -13, -100, info.min, info.min + 1]
    else:
        vals += [info.max // 3, 128 if info.max > 128 else 64]
    out = []
    for v in vals:
        if info.min <= v <= info.max and v not in out:
            out.append(v)
    return np.array(out, dtype=dtype)


FLOATS = [
    0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.5, -2.5, 3.0, 0.1, -0.7, 0.999, 1.0000001,
    2.0, 7.0, -7.0, 100.0, 1e-10, 1e10, -1e10, 30.0, 1e300, 5e-324, 2.2250738585072014e-308,
    math.nan, math.inf, -math.inf, 3.7, -3.3, 0.25, 710.0, 89.0,
]

COMPLEX_PARTS = [0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 2.0, 1e-8, 3.5, math.inf, -math.inf, math.nan]


def floats(dtype):
    a = np.array(FLOATS, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return a.astype(dtype)


def complexes(dtype):
    vals = []
    for re in COMPLEX_PARTS:
        for im in COMPLEX_PARTS:
            vals.append(complex(re, im))
    vals += [complex(0.3, 0.4), complex(-1.5, 2.5), complex(1e300, 1e300), complex(-0.2, -0.9),
             complex(1.0, 1e-20), complex(-1.0, -1e-20), complex(1e-20, 1.0), complex(2.0, -1e-300)]
    return np.array(vals, dtype=dtype)


def values(dtype):
    if dtype == "bool":
        return np.array([False, True], dtype=bool)
    if dtype.startswith("int") or dtype.startswith("uint"):
        return ints(dtype)
    if dtype.startswith("float"):
        return floats(dtype)
    return complexes(dtype)


def pair_values(dtype):
    """A smaller set whose full cross product is the binary-ufunc input."""
    if dtype == "bool":
        base = np.array([False, True], dtype=bool)
    elif dtype.startswith("int") or dtype.startswith("uint"):
        info = np.iinfo(dtype)
        cand = [0, 1, 2, 3, 7, 8, 63, 64, info.max, info.min, -1, -2, -7, -8]
        base = np.array([v for v in dict.fromkeys(cand) if info.min <= v <= info.max], dtype=dtype)
    elif dtype.startswith("float"):
        base = np.array([0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 3.0, 0.5, -7.0, 1e300, math.nan,
                         math.inf, -math.inf], dtype=dtype)
    else:
        base = np.array([0j, complex(-0.0, 0.0), 1 + 0j, -1 + 0j, 1j, complex(2, -3),
                         complex(-0.5, 0.25), complex(3, 3), complex(math.nan, 0),
                         complex(math.inf, 0), complex(0, -math.inf), 2 + 0j, -2 + 0j], dtype=dtype)
    a = np.repeat(base, len(base))
    b = np.tile(base, len(base))
    return a, b


def call(fn):
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(), None
    except Exception as e:  # NumPy's refusal is the expected answer
        return None, type(e).__name__


def as_f32(x):
    """Inputs NumPy would run in a float16 loop, cast for its float32 loop instead."""
    if isinstance(x, np.ndarray) and x.dtype.kind in "biu" and x.dtype.itemsize <= 1:
        return x.astype(np.float32)
    if isinstance(x, np.ndarray) and x.dtype == np.bool_:
        return x.astype(np.float32)
    return x


def result_of(f, *args):
    """NumPy's answer for f(*args). We have no float16: where NumPy answers in float16,
    record its float32 loop's answer (inputs cast to float32), noting numpy_dtype."""
    res, err = call(lambda: f(*args))
    if err is not None:
        return {"error": err}
    out = {}
    if res.dtype == np.float16:
        out["numpy_dtype"] = "float16"
        res, err = call(lambda: f(*[as_f32(a) for a in args]))
        assert err is None and res.dtype == np.float32, (f, args)
    out.update({"out_dtype": str(res.dtype), "output": enc_array(np.asarray(res))})
    return out


def gen_types():
    unary = {}
    for name, np_name in UNARY.items():
        f = getattr(np, np_name)
        unary[name] = {}
        for d in DTYPES:
            res, err = call(lambda: f(np.zeros(1, dtype=d)))
            unary[name][d] = None if err else str(res.dtype)
    binary = {}
    for name, np_name in BINARY.items():
        f = getattr(np, np_name)
        binary[name] = {}
        for d1 in DTYPES:
            for d2 in DTYPES:
                res, err = call(lambda: f(np.ones(1, dtype=d1), np.ones(1, dtype=d2)))
                binary[name][f"{d1},{d2}"] = None if err else str(res.dtype)
    return {"unary": unary, "binary": binary}


def gen_unary():
    cases = []
    for name, np_name in UNARY.items():
        f = getattr(np, np_name)
        for d in DTYPES:
            x = values(d)
            case = {"ufunc": name, "dtype": d, "input": enc_array(x)}
            case.update(result_of(f, x))
            if "error" in case:
                del case["input"]
            cases.append(case)
    return cases


MIXED = [
    ("int8", "uint8"), ("int8", "uint64"), ("int64", "uint64"), ("uint64", "int64"),
    ("int32", "float32"), ("int16", "float32"), ("uint32", "int32"), ("bool", "int8"),
    ("float32", "float64"), ("float32", "complex64"), ("float64", "complex64"),
    ("int64", "float64"), ("uint64", "float32"), ("bool", "float32"), ("int8", "complex64"),
    ("uint8", "int64"), ("uint16", "float64"), ("int32", "complex128"), ("bool", "bool"),
]


def gen_binary():
    inputs = {}
    for d in DTYPES:
        a, b = pair_values(d)
        inputs[d] = {"a": enc_array(a), "b": enc_array(b)}
    cases = []
    for name, np_name in BINARY.items():
        f = getattr(np, np_name)
        for d in DTYPES:
            a, b = pair_values(d)
            if name == "power" and (d.startswith("int") or d.startswith("uint")):
                # Integer power refuses negative exponents as a whole: test that apart.
                b = np.where(b < 0, np.array(3, dtype=d), b)
                b = np.where(b > 64, np.array(5, dtype=d), b)
                case = {"ufunc": name, "a_dtype": d, "b_dtype": d, "a": enc_array(a),
                        "b": enc_array(b)}
            else:
                case = {"ufunc": name, "a_dtype": d, "b_dtype": d}
            case.update(result_of(f, a, b))
            cases.append(case)
        for d1, d2 in MIXED:
            a = values(d1)[:6]
            b = values(d2)[1:7]
            n = min(len(a), len(b))
            a, b = a[:n], b[:n]
            case = {"ufunc": name, "a_dtype": d1, "b_dtype": d2, "a": enc_array(a),
                    "b": enc_array(b)}
            case.update(result_of(f, a, b))
            cases.append(case)
    return {"inputs": inputs, "cases": cases}


# JS scalars: integers are Python ints, non-integers Python floats, {re, im} complex.
SCALARS = [3, -2, 300, 2.5, -0.75, True, complex(1, 2)]


def enc_scalar(s):
    if isinstance(s, bool):
        return {"kind": "bool", "value": s}
    if isinstance(s, int):
        return {"kind": "int", "value": s}
    if isinstance(s, float):
        return {"kind": "float", "value": s}
    return {"kind": "complex", "value": [s.real, s.imag]}


def gen_scalars():
    cases = []
    for name, np_name in BINARY.items():
        f = getattr(np, np_name)
        for d in DTYPES:
            x = values(d)[:8]
            for s in SCALARS:
                for side in ("right", "left"):
                    args = (x, s) if side == "right" else (s, x)
                    case = {"ufunc": name, "dtype": d, "input": enc_array(x),
                            "scalar": enc_scalar(s), "side": side}
                    case.update(result_of(f, *args))
                    cases.append(case)
    return cases


def gen_cast():
    cases = []
    for src in DTYPES:
        x = values(src)
        if src.startswith("float") or src.startswith("complex"):
            extra = [300.7, -300.7, 3e9, -3e9, 1e19, -1e19, 2.0**63, 2.0**64, 4e19, 255.9,
                     -129.5, 65541.0, 2.0**31, -(2.0**31) - 1, 4294967295.5, 1e40]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                x = np.concatenate([x, np.array(extra).astype(src)])
        if src in ("int64", "uint64"):
            extra = [2**53 + 1, 2**53 + 3, 2**62 + 2**38 + 1, 2**24 + 1, 2**63 - 1 - 2**30]
            if src == "uint64":
                extra += [2**64 - 1, 2**63 + 2**39 + 1]
            else:
                extra += [-(2**53) - 1, -(2**62) - 2**38 - 1]
            x = np.concatenate([x, np.array(extra, dtype=src)])
        case = {"src": src, "input": enc_array(x), "to": {}}
        for dst in DTYPES:
            res, err = call(lambda: x.astype(dst))
            case["to"][dst] = {"error": err} if err else enc_array(res)
        cases.append(case)
    return cases


def gen_reductions(rng):
    arrays = []
    cases = []

    def add(label, arr, ops, axes_list, dtypes=(None,)):
        arrays.append({"label": label, "dtype": str(arr.dtype), "shape": list(arr.shape),
                       "input": enc_array(arr)})
        index = len(arrays) - 1
        for op in ops:
            for axes in axes_list:
                for dt in dtypes:
                    if op in ("argmin", "argmax") and isinstance(axes, list):
                        continue
                    kw = {}
                    if dt is not None:
                        kw["dtype"] = dt
                    ax = tuple(axes) if isinstance(axes, list) else axes
                    if op in ("argmin", "argmax"):
                        fn = lambda: np.asarray(getattr(np, op)(arr, axis=ax))
                    elif op == "countNonzero":
                        fn = lambda: np.asarray(np.count_nonzero(arr, axis=ax), dtype=np.int64)
                    else:
                        fn = lambda: np.asarray(getattr(np, op)(arr, axis=ax, **kw))
                    res, err = call(fn)
                    case = {"array": index, "op": op, "axes": axes}
                    if dt is not None:
                        case["opts_dtype"] = dt
                    if err:
                        case["error"] = err
                    else:
                        case["out_dtype"] = str(res.dtype)
                        case["out_shape"] = list(res.shape)
                        case["output"] = enc_array(res)
                    cases.append(case)

    all_ops = ["sum", "mean", "min", "max", "var", "std", "any", "all", "countNonzero",
               "argmin", "argmax"]
    axes3 = [None, 0, 1, 2, -1, [0, 2], [1, 2], [0, 1, 2]]
    for d in DTYPES:
        if d == "bool":
            a = rng.integers(0, 2, size=(3, 4, 5)).astype(bool)
        elif d.startswith("int") or d.startswith("uint"):
            info = np.iinfo(d)
            lo = max(info.min, -50)
            a = rng.integers(lo, min(info.max, 60), size=(3, 4, 5), endpoint=True).astype(d)
            a[0, 0, 0] = info.max
            a[2, 3, 1] = info.min
        elif d.startswith("float"):
            a = (rng.standard_normal((3, 4, 5)) * 10).astype(d)
            a[1, 1, 1] = a[0, 0, 0]
        else:
            a = (rng.standard_normal((3, 4, 5)) + 1j * rng.standard_normal((3, 4, 5))).astype(d)
        add("3d", a, all_ops, axes3)
    a = np.arange(16, dtype=np.int64).reshape(4, 4)
    add("reference-4x4", a, ["sum", "mean", "min", "max", "var", "std"], [None, 0, 1, -1, [1], [0, 1]])
    f = (rng.standard_normal(1000) * 100).astype(np.float32)
    add("pairwise-f32", f, ["sum", "mean", "var", "std"], [None, 0])
    f64 = rng.standard_normal((6, 300)) * 1e3 + 1e6
    add("pairwise-f64", f64, ["sum", "mean", "var", "std"], [None, 1, -1])
    i8 = rng.integers(-128, 128, size=(7, 9)).astype(np.int8)
    add("sum-dtype", i8, ["sum"], [None, 0, 1], dtypes=(None, "int8", "float32", "float64", "uint8"))
    nan = np.array([[1.0, np.nan, 3.0], [np.nan, -2.0, 5.0], [4.0, 4.0, -6.0], [0.0, -0.0, 7.0]])
    add("nan", nan, all_ops, [None, 0, 1])
    nan32 = nan.astype(np.float32)
    add("nan-f32", nan32, ["min", "max", "argmin", "argmax", "sum", "mean"], [None, 0, 1])
    ties = np.array([[3, 1, 1, 3], [1, 3, 3, 1], [2, 2, 2, 2]], dtype=np.int32)
    add("ties", ties, ["min", "max", "argmin", "argmax"], [None, 0, 1, -1])
    zeros = np.array([[0.0, -0.0], [-0.0, 0.0]])
    add("signed-zeros", zeros, ["min", "max", "sum"], [None, 0, 1])
    cties = np.array([1 + 1j, 1 + 2j, 1 + 1j, complex(np.nan, 0), 0 + 5j, 1 + 2j])
    add("complex-ties", cties, ["min", "max", "argmin", "argmax"], [None, 0])
    empty = np.zeros((0, 3))
    add("empty", empty, all_ops, [None, 0, 1])
    emptyi = np.zeros((2, 0), dtype=np.int32)
    add("empty-int", emptyi, all_ops, [None, 0, 1])
    return {"arrays": arrays, "cases": cases}


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as fh:
        json.dump(obj, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main():
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    rng = np.random.default_rng(SEED)
    os.makedirs(OUT, exist_ok=True)
    meta = {"numpy": np.__version__, "seed": SEED}
    write("ufunc-types.json", {**meta, **gen_types()})
    write("ufunc-unary.json", {**meta, "cases": gen_unary()})
    write("ufunc-binary.json", {**meta, **gen_binary()})
    write("ufunc-scalars.json", {**meta, "cases": gen_scalars()})
    write("cast.json", {**meta, "cases": gen_cast()})
    write("reductions.json", {**meta, **gen_reductions(rng)})


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes test/fixtures/fancy/*.json: NumPy's answers for fancy indexing (take, integer
index arrays, boolean masks, masked assignment), where, any/all/count_nonzero and
argmin/argmax, on seeded random arrays of 1 to 3 dimensions, including empty selections.

Run with the numpy on PATH:  python3 scripts/gen-fancy-fixtures.py
Arrays are stored as {dtype, shape, data} with data flat in C order; float values are
multiples of 0.25 so they survive JSON exactly.
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "fancy")
SHAPES = {"1d": [9], "2d": [5, 6], "3d": [3, 4, 5]}


def enc(a):
    a = np.asarray(a)
    if a.dtype == np.bool_:
        data = [bool(v) for v in a.ravel()]
    elif a.dtype.kind in "iu":
        data = [int(v) for v in a.ravel()]
    else:
        data = [float(v) for v in a.ravel()]
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": data}


def case(name, seed, shape):
    rng = np.random.default_rng(seed)
    x = (rng.integers(-8, 8, size=shape) / 4).astype(np.float64)
    xi = rng.integers(-20, 20, size=shape).astype(np.int32)
    y = rng.integers(-5, 5, size=shape).astype(np.int32)
    mask = rng.random(shape) < 0.4
    none = np.zeros(shape, dtype=bool)
    arrays = {"x": enc(x), "xi": enc(xi), "y": enc(y), "mask": enc(mask), "none": enc(none)}
    takes = []
    for axis in range(len(shape)):
        n = shape[axis]
        idx = rng.integers(-n, n, size=int(rng.integers(1, 7)))
        takes.append({"axis": axis, "indices": [int(i) for i in idx],
                      "expected": enc(np.take(x, idx, axis=axis))})
        takes.append({"axis": axis, "indices": [],
                      "expected": enc(np.take(x, np.array([], dtype=np.int64), axis=axis))})
    idx0 = rng.integers(-shape[0], shape[0], size=4)
    index0 = {"indices": [int(i) for i in idx0], "expected": enc(x[idx0])}
    masks = {"mask": enc(x[mask]), "none": enc(x[none])}
    count = int(mask.sum())
    s1 = x.copy()
    s1[mask] = 9.5
    s2 = x.copy()
    vals = np.arange(count, dtype=np.float64) * 0.5
    s2[mask] = vals
    set_at = {"scalar": 9.5, "scalarExpected": enc(s1), "values": enc(vals), "valuesExpected": enc(s2)}
    where = {
        "xy": enc(np.where(mask, x, y)),
        "x2": enc(np.where(mask, x, 2)),
        "xi25": enc(np.where(mask, xi, 2.5)),
        "xi7": enc(np.where(mask, xi, 7)),
        "condInt": enc(np.where(y, xi, y)),
    }
    reductions = []
    for axis in [None] + list(range(len(shape))):
        r = {"axis": axis}
        for src_name, src in (("mask", mask), ("xi", xi)):
            r[src_name] = {
                "any": enc(np.any(src, axis=axis)),
                "all": enc(np.all(src, axis=axis)),
                "countNonzero": enc(np.asarray(np.count_nonzero(src, axis=axis), dtype=np.int64)),
            }
        r["argmin"] = enc(np.asarray(np.argmin(x, axis=axis), dtype=np.int64))
        r["argmax"] = enc(np.asarray(np.argmax(x, axis=axis), dtype=np.int64))
        r["argminInt"] = enc(np.asarray(np.argmin(xi, axis=axis), dtype=np.int64))
        reductions.append(r)
    return {"name": name, "shape": shape, "arrays": arrays, "takes": takes, "index0": index0,
            "masks": masks, "count": count, "setAt": set_at, "where": where,
            "reductions": reductions}


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, (name, shape) in enumerate(SHAPES.items()):
        data = case(name, 1234 + i, shape)
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(data, f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()

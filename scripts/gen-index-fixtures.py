"""Basic-indexing fixtures: NumPy's results of index strings on arange arrays.

Writes test/fixtures/index/basic.json: per case the shape, the index text, the result
shape and values (C order), for views of views a second index, and for setAt the array
after assignment of a seeded random value broadcast into the selection.
Run with the numpy on PATH: python3 scripts/gen-index-fixtures.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(7)

CASES = {
    (9,): ["2:7", "::-1", "-2:1:-3", "5", "...", "None, :", "7:2", "::4", "-1", "1:8:2, None"],
    (5, 7): [":-1, 2::2", "..., 1", ":, None", "3", "::-2, ::3", "1:4, -1:0:-2", "2:2, :",
             "-1, ::-1", "None, 1:3, ...", "4:, 6"],
    (4, 3, 5): ["1:3, :, ::2", "..., 1", "::-1, 1, 1:4", "2, 0, 3", "None, ::2, ..., None",
                ":, ::-1, ::-2", "1:1", "-1, :, -2:"],
}
# (first index, second index applied to the view)
NESTED = {
    (9,): [("1:8", "::-2"), ("::-1", "1:5:2")],
    (5, 7): [("::-1, 1:", "1:4, ::2"), (":, 3", "::-2"), ("1:4, None, ::-1", "..., 0, 2:5")],
    (4, 3, 5): [("::-1, :, 1:4", "1, ::-1"), ("1:, 1", "::-1, ::2")],
}


def ev(text):
    return eval(f"np.s_[{text}]", {"np": np}) if text else ()


out = {"basic": [], "nested": [], "assign": []}
for shape, idxs in CASES.items():
    base = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    for t in idxs:
        r = base[ev(t)]
        out["basic"].append({"shape": list(shape), "index": t, "resultShape": list(r.shape),
                             "values": np.asarray(r).ravel().tolist()})
        # setAt with a value broadcast from the trailing axis (or a scalar for 0-d)
        r = np.asarray(r)
        vshape = [r.shape[-1]] if r.ndim > 0 else []
        value = rng.integers(-50, 50, size=vshape).astype(np.float64)
        after = base.copy()
        after[ev(t)] = value
        out["assign"].append({"shape": list(shape), "index": t, "valueShape": vshape,
                              "value": np.asarray(value).ravel().tolist(),
                              "after": after.ravel().tolist()})
for shape, pairs in NESTED.items():
    base = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    for a, b in pairs:
        r = base[ev(a)][ev(b)]
        out["nested"].append({"shape": list(shape), "index": a, "index2": b,
                              "resultShape": list(r.shape), "values": np.asarray(r).ravel().tolist()})

# CPython's slice.indices over small lengths, for the index parser's unit tests.
out["slices"] = []
parts = [None, -9, -4, -1, 0, 1, 3, 8]
for n in [0, 1, 5]:
    for _ in range(60):
        start, stop = (parts[i] for i in rng.integers(0, len(parts), size=2))
        step = [None, -3, -1, 1, 2][int(rng.integers(0, 5))]
        st, sp, sd = slice(start, stop, step).indices(n)
        out["slices"].append({"length": n, "start": start, "stop": stop, "step": step,
                              "indices": [st, sp, sd], "count": len(range(st, sp, sd))})

# Broadcasting of binary ufuncs: operand shapes, seeded integer values, add and multiply.
out["broadcast"] = []
for left, right in [([5, 7], [7]), ([5, 7], [5, 1]), ([4, 3, 5], [3, 1]), ([4, 3, 5], [4, 1, 5]),
                    ([9], [1]), ([3, 1], [1, 4]), ([4, 3, 5], [4, 3, 5]), ([5, 7], [])]:
    x = rng.integers(-20, 20, size=left).astype(np.float64)
    y = rng.integers(-20, 20, size=right).astype(np.float64)
    out["broadcast"].append({"left": left, "right": right, "x": x.ravel().tolist(),
                             "y": np.asarray(y).ravel().tolist(),
                             "shape": list(np.broadcast_shapes(tuple(left), tuple(right))),
                             "add": (x + y).ravel().tolist(), "multiply": (x * y).ravel().tolist()})

here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, "..", "test", "fixtures", "index", "basic.json")
with open(path, "w") as f:
    json.dump(out, f)
    f.write("\n")

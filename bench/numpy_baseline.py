"""NumPy baseline for the DistArray benchmark: one process, the same workloads.

Reads a JSON spec on stdin: {"warmup": int, "repeats": int, "tasks": [{"name", "op", ...}]}
and writes {"numpy", "python", "results": [{"name", "samples_ms"}]} as JSON on stdout.
Ops: add (a + b), sin2b (np.sin(a) * 2 + b) and chain (the ufunc chain of W6) on n float64
elements; sum, sum0 (axis 0) and std of a side x side float64 matrix. Inputs are uniform
[0, 1) from a seeded generator, made before timing.
"""

import json
import platform
import sys
import time

try:
    import numpy as np
except ImportError as exc:  # reported as "absent" by the benchmark
    json.dump({"absent": f"numpy is not importable: {exc}"}, sys.stdout)
    sys.exit(0)

CHAIN_STEPS = (
    lambda x: np.sin(x),
    lambda x: np.add(x, 1.0),
    lambda x: np.multiply(x, 0.5),
    lambda x: np.sqrt(x),
)


def make_runner(task, rng):
    op = task["op"]
    if op in ("add", "sin2b", "chain"):
        n = int(task["n"])
        a = rng.random(n)
        b = rng.random(n)
        if op == "add":
            return lambda: a + b
        if op == "sin2b":
            return lambda: np.sin(a) * 2 + b
        length = int(task["length"])

        def chain():
            x = a
            for i in range(length):
                x = CHAIN_STEPS[i % len(CHAIN_STEPS)](x)
            return x

        return chain
    side = int(task["side"])
    m = rng.random((side, side))
    if op == "sum":
        return lambda: m.sum()
    if op == "sum0":
        return lambda: m.sum(axis=0)
    if op == "std":
        return lambda: m.std()
    raise ValueError(f"unknown op {op!r}")


def main():
    spec = json.load(sys.stdin)
    warmup = int(spec.get("warmup", 1))
    repeats = int(spec.get("repeats", 7))
    rng = np.random.default_rng(20240601)
    results = []
    for task in spec["tasks"]:
        run = make_runner(task, rng)
        samples = []
        for i in range(warmup + repeats):
            t0 = time.perf_counter()
            run()
            ms = (time.perf_counter() - t0) * 1000.0
            if i >= warmup:
                samples.append(ms)
        results.append({"name": task["name"], "samples_ms": samples})
        del run
    json.dump(
        {"numpy": np.__version__, "python": platform.python_version(), "results": results},
        sys.stdout,
    )


if __name__ == "__main__":
    main()

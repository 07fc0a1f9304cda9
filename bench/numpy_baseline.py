"""NumPy baseline for the DistArray benchmark: one process, the same workloads.

Reads a JSON spec on stdin: {"warmup": int, "warmup_ms": float, "max_warmup": int,
"repeats": int, "measure_ms": float, "max_timed": int, "tasks": [{"name", "op", ...}]} and
measures each task as the benchmark measures its own figures: untimed warm-up runs (at least
"warmup", more until they took "warmup_ms", at most "max_warmup"), then timed runs (at least
"repeats", more until they took "measure_ms", at most "max_timed"). Writes {"numpy", "python", "results": [{"name", "samples_ms"}]} as JSON on stdout.
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


def timed(run):
    """Milliseconds one call of run takes."""
    t0 = time.perf_counter()
    run()
    return (time.perf_counter() - t0) * 1000.0


def main():
    spec = json.load(sys.stdin)
    warmup = int(spec.get("warmup", 1))
    warmup_ms = float(spec.get("warmup_ms", 0))
    max_warmup = int(spec.get("max_warmup", 2000))
    repeats = max(1, int(spec.get("repeats", 7)))
    measure_ms = float(spec.get("measure_ms", 0))
    max_timed = int(spec.get("max_timed", 1000))
    rng = np.random.default_rng(20240601)
    results = []
    for task in spec["tasks"]:
        run = make_runner(task, rng)
        runs, total = 0, 0.0
        while runs < warmup or (total < warmup_ms and runs < max_warmup):
            total += timed(run)
            runs += 1
        samples = []
        total = 0.0
        while len(samples) < repeats or (total < measure_ms and len(samples) < max_timed):
            samples.append(timed(run))
            total += samples[-1]
        results.append({"name": task["name"], "samples_ms": samples, "warmup_runs": runs})
        del run
    json.dump(
        {"numpy": np.__version__, "python": platform.python_version(), "results": results},
        sys.stdout,
    )


if __name__ == "__main__":
    main()

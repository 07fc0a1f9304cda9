import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  arange,
  DistArrayError,
  IndexError,
  LocalArray,
  type LocalComm,
  LocalDistribution,
  NDArray,
  validateDap,
} from "@distarray/engines/core";

// REFERENCE 4.2: shape (5, 9), dist ('b', 'c'), grid (2, 2), rank 1 = coords (0, 1).
function example(): LocalDistribution {
  return LocalDistribution.fromShape([5, 9], {
    dist: "bc",
    gridShape: [2, 2],
    commSize: 4,
    rank: 1,
  });
}

function arange59(): LocalArray {
  return LocalArray.fromFunction((i, j) => i * 9 + j, example(), { dtype: "int32" });
}

describe("LocalArray: the REFERENCE 4.2 example", () => {
  it("holds arange(45).reshape(5, 9)[0:3, 1::2] with local shape (3, 4)", () => {
    const la = arange59();
    assert.deepEqual(la.localShape, [3, 4]);
    assert.deepEqual(la.globalShape, [5, 9]);
    assert.deepEqual(la.ndarray.toNested(), [
      [1, 3, 5, 7],
      [10, 12, 14, 16],
      [19, 21, 23, 25],
    ]);
  });

  it("exports DAP 0.10.0 with engine-form dim dicts", () => {
    const la = arange59();
    const d = la.__distarray__();
    assert.deepEqual(Object.keys(d).sort(), ["__version__", "buffer", "dim_data"]);
    assert.equal(d.__version__, "0.10.0");
    assert.ok(Object.isFrozen(d.dim_data));
    assert.deepEqual(
      d.dim_data.map((x) => ({ ...x })),
      [
        { dist_type: "b", size: 5, proc_grid_rank: 0, proc_grid_size: 2, start: 0, stop: 3 },
        { dist_type: "c", size: 9, proc_grid_rank: 1, proc_grid_size: 2, start: 1 },
      ],
    );
    assert.equal(d.buffer.buffer, la.data.buffer);
    assert.deepEqual(validateDap(d), { ok: true, message: "" });
  });

  it("an undistributed axis exports as a one-process 'b' dim and reports 'b'", () => {
    const ld = LocalDistribution.fromShape([16, 16], {
      dist: "bn",
      gridShape: [4, 1],
      commSize: 4,
      rank: 2,
    });
    const la = new LocalArray(ld);
    assert.deepEqual([...la.dist], ["b", "b"]);
    assert.deepEqual(
      { ...la.__distarray__().dim_data[1] },
      {
        dist_type: "b",
        size: 16,
        proc_grid_rank: 0,
        proc_grid_size: 1,
        start: 0,
        stop: 16,
      },
    );
    assert.ok(validateDap(la.__distarray__()).ok);
  });

  it("reports properties; nbytes is GLOBAL (REFERENCE 4.3)", () => {
    const la = arange59();
    assert.equal(la.dtype, "int32");
    assert.equal(la.itemsize, 4);
    assert.equal(la.nbytes, 45 * 4);
    assert.equal(la.localNbytes, 12 * 4);
    assert.equal(la.globalSize, 45);
    assert.equal(la.localSize, 12);
    assert.equal(la.ndim, 2);
    assert.deepEqual(la.gridShape, [2, 2]);
    assert.deepEqual(la.cartCoords, [0, 1]);
    assert.equal(la.commRank, 1);
    assert.equal(la.commSize, 4);
  });
});

describe("LocalArray index translation", () => {
  it("globalFromLocal and localFromGlobal take spread or array indices", () => {
    const la = arange59();
    assert.deepEqual(la.globalFromLocal(2, 3), [2, 7]);
    assert.deepEqual(la.globalFromLocal([1, 0]), [1, 1]);
    assert.deepEqual(la.localFromGlobal(2, 7), [2, 3]);
    assert.deepEqual(la.localFromGlobal([2, -2]), [2, 3]);
    assert.throws(() => la.localFromGlobal(0, 0), IndexError);
    assert.throws(() => la.localFromGlobal(4, 1), IndexError);
  });

  it("getGlobal/setGlobal read and write by global index; not local -> IndexError", () => {
    const la = arange59();
    assert.equal(la.getGlobal([0, 1]), 1);
    assert.equal(la.getGlobal([2, -2]), 25);
    la.setGlobal([1, 3], -12.7);
    assert.equal(la.getGlobal([1, 3]), -12);
    assert.equal(la.ndarray.get([1, 1]), -12);
    assert.throws(() => la.getGlobal([0, 0]), IndexError);
    assert.throws(() => la.setGlobal([4, 1], 0), IndexError);
    assert.throws(() => la.getGlobal([5, 1]), IndexError);
    assert.equal(la.checkedGetGlobal([0, 0]), undefined);
    assert.equal(la.checkedGetGlobal([0, 3]), 3);
    assert.equal(la.checkedSetGlobal([0, 0], 1), false);
    assert.equal(la.checkedSetGlobal([0, 3], 100), true);
    assert.equal(la.getGlobal([0, 3]), 100);
  });

  it("ndenumerate yields [globalIndex, value] in local C order", () => {
    const la = arange59();
    const seen = [...la.ndenumerate()];
    assert.equal(seen.length, 12);
    assert.deepEqual(seen[0], [[0, 1], 1]);
    assert.deepEqual(seen[5], [[1, 3], 12]);
    assert.deepEqual(seen[11], [[2, 7], 25]);
    for (const [g, v] of seen) assert.equal(v, g[0]! * 9 + g[1]!);
  });

  it("packIndex and unpackIndex are row-major over the global shape", () => {
    const la = arange59();
    assert.equal(la.packIndex([2, 7]), 25);
    assert.deepEqual(la.unpackIndex(25), [2, 7]);
    assert.throws(() => la.unpackIndex(45), IndexError);
  });
});

describe("LocalArray data operations", () => {
  it("ndarray is a view of the local data", () => {
    const la = new LocalArray(example(), "float64");
    assert.ok(la.ndarray instanceof NDArray);
    assert.equal(la.ndarray.data, la.data);
    la.ndarray.set([0, 0], 5);
    assert.equal(la.data[0], 5);
  });

  it("fill, copy and astype", () => {
    const la = new LocalArray(example(), "float64");
    la.fill(2.5);
    assert.ok([...la.data].every((v) => v === 2.5));
    const c = la.copy();
    c.fill(0);
    assert.equal(la.data[0], 2.5);
    assert.equal(c.distribution, la.distribution);
    const i = la.astype("int8");
    assert.equal(i.dtype, "int8");
    assert.deepEqual([...i.data], new Array(12).fill(2));
    const same = la.astype();
    assert.equal(same.dtype, "float64");
    assert.notEqual(same.data, la.data);
  });

  it("setLocalArray replaces the local data; a wrong shape is DA_ERR_SHAPE", () => {
    const la = new LocalArray(example(), "float64");
    la.setLocalArray(arange(12, { dtype: "int32" }).reshape([3, 4]));
    assert.equal(la.getGlobal([2, 7]), 11);
    assert.throws(
      () => la.setLocalArray(arange(12).reshape([4, 3])),
      (e) => e instanceof DistArrayError && e.code === "DA_ERR_SHAPE",
    );
  });

  it("isCompatible compares global shape, dist and grid shape only", () => {
    const a = new LocalArray(example());
    const b = new LocalArray(
      LocalDistribution.fromShape([5, 9], { dist: "bc", gridShape: [2, 2], commSize: 4, rank: 2 }),
      "int8",
    );
    assert.ok(a.isCompatible(b));
    const c = new LocalArray(
      LocalDistribution.fromShape([5, 9], { dist: "bb", gridShape: [2, 2], commSize: 4, rank: 1 }),
    );
    assert.ok(!a.isCompatible(c));
  });

  it("zeros, ones and fromFunction with complex and bool dtypes", () => {
    const ld = example();
    assert.ok([...LocalArray.zeros(ld).data].every((v) => v === 0));
    assert.deepEqual(LocalArray.ones(ld, { dtype: "complex64" }).getGlobal([0, 1]), {
      re: 1,
      im: 0,
    });
    const b = LocalArray.fromFunction((i, j) => (i + j) % 2 === 0, ld, { dtype: "bool" });
    assert.equal(b.getGlobal([0, 1]), false);
    assert.equal(b.getGlobal([1, 1]), true);
    const f = LocalArray.fromFunction((i, j) => i + j / 10, ld);
    assert.equal(f.dtype, "float64");
    assert.equal(f.getGlobal([2, 7]), 2.7);
  });

  it("the constructor checks the buffer against the local shape", () => {
    const ld = example();
    assert.throws(
      () => new LocalArray(ld, "float64", new Float64Array(5)),
      (e) => e instanceof DistArrayError && e.code === "DA_ERR_SHAPE",
    );
    assert.throws(() => new LocalArray(ld, "int32", new Float64Array(12)), TypeError);
    const data = new Float64Array(24);
    const z = new LocalArray(ld, "complex128", data);
    assert.equal(z.data, data);
  });

  it("an empty local piece works", () => {
    // 9 over 4 blocks is 3,3,3,0: rank 3 holds nothing.
    const ld = LocalDistribution.fromShape([9], { gridShape: [4], commSize: 4, rank: 3 });
    const la = LocalArray.fromFunction((i) => i, ld);
    assert.deepEqual(la.localShape, [0]);
    assert.deepEqual([...la.ndenumerate()], []);
    assert.equal(la.nbytes, 72);
    assert.ok(validateDap(la.__distarray__()).ok);
    assert.equal(la.toString(), "[]");
  });

  it("a 0-d LocalArray exports empty dim_data", () => {
    const ld = LocalDistribution.fromShape([], { commSize: 1, rank: 0 });
    const la = LocalArray.fromFunction(() => 7, ld, { dtype: "int64" });
    assert.equal(la.getGlobal([]), 7n);
    assert.equal(la.__distarray__().dim_data.length, 0);
    assert.equal(la.nbytes, 8);
  });

  it("comm can be attached by the engine", async () => {
    const la = new LocalArray(example());
    assert.equal(la.comm, undefined);
    const comm: LocalComm = {
      rank: 0,
      size: 1,
      barrier: async () => {},
      bcast: async <T>(v: T | undefined) => v as T,
      allreduce: async <T>(v: T) => v,
    };
    la.comm = comm;
    assert.equal(await la.comm.allreduce(3, "sum"), 3);
  });

  it("prints its local piece like NumPy", () => {
    assert.equal(arange59().toString(), "[[ 1  3  5  7]\n [10 12 14 16]\n [19 21 23 25]]");
    assert.equal(arange(3).toString(), "[0 1 2]");
  });
});

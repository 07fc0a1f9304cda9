// DAP 0.10.0: tuples, buffers and the validator (REFERENCE 11, the protocol's
// validator tests), plus what getDimDataPerRank exports.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as da from "distarray";

const VERSION = "0.10.0";
const t = da.tuple;

function distbuffer(dimData: readonly unknown[], buffer: unknown = new Float64Array(10)) {
  return { __version__: VERSION, buffer, dim_data: dimData };
}

function valid(x: unknown): void {
  const v = da.validateDap(x);
  assert.deepEqual(v, { ok: true, message: "" });
}

function invalid(x: unknown, message?: string | RegExp): void {
  const v = da.validateDap(x);
  assert.equal(v.ok, false, "expected invalid");
  assert.ok(v.message.length > 0);
  if (typeof message === "string") assert.equal(v.message, message);
  else if (message !== undefined) assert.match(v.message, message);
}

const block = {
  dist_type: "b",
  size: 50,
  proc_grid_size: 2,
  proc_grid_rank: 0,
  start: 0,
  stop: 10,
};
const cyclic3 = { dist_type: "c", size: 3, proc_grid_size: 4, proc_grid_rank: 3, start: 3 };

describe("Python stand-ins", () => {
  test("tuple is a frozen array; a plain array is a list", () => {
    const x = t(1, 2);
    assert.ok(Object.isFrozen(x) && da.isTuple(x));
    assert.deepEqual([...x], [1, 2]);
    assert.ok(!da.isTuple([1, 2]));
    assert.ok(da.isTuple(t()));
  });

  test("a Python int is an integer number or a boolean", () => {
    for (const x of [0, -3, 7, true, false]) assert.ok(da.isPythonInt(x));
    for (const x of [1.5, 1n, "1", null, Number.NaN]) assert.ok(!da.isPythonInt(x));
  });

  test("buffers: typed arrays, ArrayBuffers, DataViews; shapes from dapBuffer", () => {
    for (const b of [
      new Float64Array(2),
      new ArrayBuffer(3),
      new DataView(new ArrayBuffer(4)),
      new Uint8Array(0),
    ]) {
      assert.ok(da.isDapBuffer(b));
    }
    assert.ok(!da.isDapBuffer([1, 2]));
    assert.deepEqual(da.dapBufferShape(new Float64Array(6)), [6]);
    assert.deepEqual(da.dapBufferShape(new ArrayBuffer(5)), [5]);
    const data = new Float64Array(6);
    const shaped = da.dapBuffer(data, [2, 3]);
    assert.deepEqual(da.dapBufferShape(shaped), [2, 3]);
    shaped[4] = 9;
    assert.equal(data[4], 9, "same memory");
    assert.equal(Object.hasOwn(data, "shape"), false, "the original is not touched");
    assert.deepEqual(da.dapBufferShape(da.dapBuffer(new Float64Array(1), [])), []);
    assert.deepEqual(
      da.dapBufferShape(da.dapBuffer(new Float32Array(12), [2, 3])),
      [2, 3],
      "complex64 storage",
    );
    assert.throws(
      () => da.dapBuffer(data, [4, 2]),
      (e: unknown) => e instanceof da.DistArrayError && e.code === "DA_ERR_SHAPE",
    );
    assert.throws(() => da.dapBuffer([1] as unknown as Float64Array, [1]), TypeError);
  });
});

describe("validateDap: valid distbuffers (DAP validator tests)", () => {
  test("block, cyclic, block-cyclic, unstructured", () => {
    valid(distbuffer(t(block)));
    valid(
      distbuffer(
        t({ dist_type: "c", size: 50, proc_grid_size: 2, proc_grid_rank: 0, start: 0 }),
        new Float64Array(50),
      ),
    );
    valid(
      distbuffer(
        t({
          dist_type: "c",
          size: 50,
          proc_grid_size: 2,
          proc_grid_rank: 1,
          start: 5,
          block_size: 5,
        }),
        new Float64Array(50),
      ),
    );
    const indices = new Uint32Array([1, 22, 44, 49, 9, 33, 21]);
    valid(
      distbuffer(
        t({ dist_type: "u", size: 50, proc_grid_size: 2, proc_grid_rank: 1, indices }),
        new Float64Array(7),
      ),
    );
    valid(
      distbuffer(
        t({
          dist_type: "u",
          size: 50,
          proc_grid_size: 2,
          proc_grid_rank: 1,
          indices,
          one_to_one: true,
        }),
        new Float64Array(7),
      ),
    );
  });

  test("size 3 over 4 processes: rank 0 with b'a', rank 3 empty with b''", () => {
    valid(distbuffer(t({ ...cyclic3, proc_grid_rank: 0, start: 0 }), new Uint8Array([97])));
    valid(distbuffer(t(cyclic3), new Uint8Array(0)));
  });

  test("the empty dim dict alias, 0-d arrays, booleans as ints, a padded periodic single process", () => {
    valid(distbuffer(t({}), new Uint8Array(0)));
    valid(distbuffer(t(), da.dapBuffer(new Float64Array(1), [])));
    valid(distbuffer(t({ ...block, proc_grid_rank: false, proc_grid_size: 2 })));
    valid(
      distbuffer(
        t({
          dist_type: "b",
          size: 10,
          proc_grid_size: 1,
          proc_grid_rank: 0,
          start: 0,
          stop: 10,
          padding: t(2, 2),
          periodic: true,
        }),
      ),
    );
  });

  test("a 2-d buffer needs two dim dicts", () => {
    const dd = t(block, {
      dist_type: "c",
      size: 9,
      proc_grid_size: 2,
      proc_grid_rank: 1,
      start: 1,
    });
    valid(distbuffer(dd, da.dapBuffer(new Float64Array(40), [10, 4])));
    invalid(
      distbuffer(dd, new Float64Array(40)),
      "len(dim_data) == 2, which is not equal to buffer.ndim == 1.",
    );
  });
});

describe("validateDap: invalid distbuffers", () => {
  test("not a dict; missing or extra keys", () => {
    invalid([1, 2, 3], /non-dictionary object/);
    invalid(null, /non-dictionary object/);
    invalid({ __version__: VERSION, dim_data: t(cyclic3) }, "keys ('buffer',) missing.");
    invalid({ buffer: new Uint8Array(0), dim_data: t(cyclic3) }, "keys ('__version__',) missing.");
    invalid({ __version__: VERSION, buffer: new Uint8Array(0) }, "keys ('dim_data',) missing.");
    invalid({ ...distbuffer(t(block)), extra: 1 }, "extra keys ('extra',) present.");
  });

  test("versions: must parse as StrictVersion and be 0.10.0", () => {
    invalid(
      { ...distbuffer(t(cyclic3), new Uint8Array(0)), __version__: "v1.0.0alpha" },
      '__version__ "v1.0.0alpha" not valid.',
    );
    invalid(
      { ...distbuffer(t(block)), __version__: "0.9.0" },
      '__version__ "0.9.0" not supported by this checker.',
    );
    invalid({ ...distbuffer(t(block)), __version__: "1.0.0" }, /not supported/);
    invalid({ ...distbuffer(t(block)), __version__: 10 }, /not valid/);
  });

  test("the buffer must be a buffer; dim_data a tuple of dicts", () => {
    invalid(distbuffer(t(cyclic3), [1, 2, 3, 4]), /does not have the buffer interface/);
    invalid(distbuffer([block]), /is not an instance of tuple/);
    invalid(distbuffer(t([block])), /is not an instance of dict/);
    invalid(distbuffer(t(new Map())), /is not an instance of dict/);
  });

  test("dist types: 'q' and 'n' are not DAP types", () => {
    invalid(
      distbuffer(t({ ...block, dist_type: "q", stop: 51 })),
      /should have dist_type of 'b', 'c', or 'u' \(given 'q'\)/,
    );
    invalid(
      distbuffer(t({ dist_type: "n", size: 10, proc_grid_size: 1, proc_grid_rank: 0 })),
      /given 'n'/,
    );
    invalid(distbuffer(t({ size: 10 })), /'dist_type'/);
  });

  test("common keys: present, Python ints, grid size >= 1, rank < grid size", () => {
    const { proc_grid_rank: _r, ...noRank } = block;
    invalid(distbuffer(t(noRank)), "keys ('proc_grid_rank',) missing for dimension 0.");
    const { size: _s, ...noSize } = block;
    invalid(distbuffer(t(noSize)), /'size'/);
    invalid(
      distbuffer(t({ ...block, proc_grid_size: 2.5 })),
      /proc_grid_size for dimension 0 has non-integer type/,
    );
    invalid(distbuffer(t({ ...block, proc_grid_size: 2n })), /non-integer type/);
    invalid(
      distbuffer(t({ ...block, proc_grid_rank: "0" })),
      /proc_grid_rank for dimension 0 has non-integer type/,
    );
    invalid(distbuffer(t({ ...block, proc_grid_size: 0 })), /is less than one/);
    invalid(
      distbuffer(t({ ...block, proc_grid_rank: 2, start: 10, stop: 20 })),
      "proc_grid_rank (value 2) >= proc_grid_size (value 2) for dimension 0.",
    );
    invalid(distbuffer(t({ ...block, proc_grid_rank: -1 })), /negative/);
    invalid(distbuffer(t({ ...block, size: -1 })), /negative/);
  });

  test("block: start/stop present and ints, 0 <= start <= stop <= size, padding a tuple of 2 ints, rank 0 starts at 0", () => {
    invalid(
      distbuffer(t({ ...block, stop: 51 }), new Float64Array(51)),
      "stop (51) for dimension 0 is greater than size (50).",
    );
    invalid(
      distbuffer(t({ ...block, start: 10, stop: 9 }), new Float64Array(0)),
      "stop (9) for dimension 0 is less than start (10).",
    );
    invalid(
      distbuffer(t({ ...block, start: -1 }), new Float64Array(11)),
      "start for dimension 0 has negative value -1.",
    );
    const { stop: _stop, ...noStop } = block;
    invalid(
      distbuffer(t(noStop)),
      "key 'stop' not present in dictionary for distributed dimension 0.",
    );
    invalid(
      distbuffer(t({ ...block, start: 0.5 })),
      /'start' for dimension 0 has non-integer type/,
    );
    invalid(
      distbuffer(t({ ...block, padding: t("a", "b") })),
      /padding element 0 \('a'\) for dimension 0 has non-integer type str/,
    );
    invalid(
      distbuffer(t({ ...block, padding: [0, 0] })),
      "padding ([0, 0]) for dimension 0 is not a tuple.",
    );
    invalid(distbuffer(t({ ...block, padding: t(0, 0, 0) })), /is not of length 2/);
    invalid(distbuffer(t({ ...block, padding: t(-1, 0) })), /negative/);
    invalid(distbuffer(t({ ...block, periodic: 1 })), /periodic/);
    invalid(
      distbuffer(t({ ...block, start: 5, stop: 15 })),
      "start should be zero, but has value 5 for dimension 0 with proc_grid_rank == 0.",
    );
    valid(distbuffer(t({ ...block, proc_grid_rank: 1, start: 5, stop: 15 })));
  });

  test("cyclic: start present and an int, block_size an int >= 1, start == rank * block_size", () => {
    const c = { dist_type: "c", size: 100, proc_grid_size: 3, proc_grid_rank: 0, start: 0 };
    invalid(
      distbuffer(t({ ...c, block_size: -10 })),
      "block_size (-10) for dimension 0 is less than one.",
    );
    invalid(
      distbuffer(t({ ...c, block_size: 1.5 })),
      /block_size for dimension 0 has non-integer type/,
    );
    const { start: _start, ...noStart } = c;
    invalid(distbuffer(t(noStart)), "start not present in dictionary for distributed dimension 0.");
    invalid(
      distbuffer(t({ ...c, proc_grid_rank: 1, start: 2 })),
      "proc_grid_rank * block_size != start (1 * 1 != 2).",
    );
    invalid(distbuffer(t({ ...c, proc_grid_rank: 1, start: 5, block_size: 2 })), /1 \* 2 != 5/);
    invalid(distbuffer(t({ ...c, start: "0" })), /start for dimension 0 has non-integer type/);
  });

  test("unstructured: indices present and a buffer, one_to_one a bool", () => {
    const u = { dist_type: "u", size: 100, proc_grid_size: 2, proc_grid_rank: 0 };
    invalid(
      distbuffer(t({ ...u, indices: [1, 2, 3, 4] }), new Float64Array(4)),
      /does not support the buffer interface/,
    );
    invalid(
      distbuffer(t(u), new Float64Array(4)),
      "indices not present in dictionary for distributed dimension 0.",
    );
    invalid(
      distbuffer(t({ ...u, indices: new Int32Array(4), one_to_one: 1 }), new Float64Array(4)),
      /one_to_one/,
    );
  });

  test("the failing dimension is named", () => {
    invalid(
      distbuffer(t(block, { ...block, stop: 60 }), da.dapBuffer(new Float64Array(100), [10, 10])),
      /dimension 1/,
    );
  });
});

describe("exported dim data validates", () => {
  test("every rank of assorted distributions passes with a buffer of its local shape", () => {
    const ctx = { targets: [0, 1, 2, 3, 4, 5] };
    const dists = [
      da.Distribution.fromShape(ctx, [5, 9], { dist: "bc" }),
      da.Distribution.fromShape(ctx, [7, 3, 4], { dist: "cnb" }),
      da.Distribution.fromShape(ctx, [3], { dist: "n" }),
      da.Distribution.fromShape(ctx, [9], { gridShape: [4] }),
      da.Distribution.fromGlobalDimData(ctx, [
        {
          dist_type: "u",
          indices: [
            [3, 0],
            [4, 2, 1],
          ],
        },
        { dist_type: "c", size: 11, proc_grid_size: 3, block_size: 2 },
      ]),
      da.Distribution.fromGlobalDimData(ctx, [
        { dist_type: "b", bounds: [0, 4, 8, 12], comm_padding: 1, boundary_padding: [1, 0] },
      ]),
    ];
    for (const d of dists) {
      d.getDimDataPerRank().forEach((dimData, r) => {
        const shape = d.localShape(r);
        const buffer = da.dapBuffer(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
        valid({ __version__: da.DAP_VERSION, buffer, dim_data: dimData });
      });
    }
  });

  test("client-form dicts do not validate (padding is a list, 'n' is no DAP type)", () => {
    const d = da.Distribution.fromShape({ targets: [0, 1] }, [4, 2]);
    const client = d.getClientDimDataPerRank()[0]!;
    invalid(distbuffer(t(client[0]), da.dapBuffer(new Float64Array(4), [2, 2])), /not a tuple/);
    invalid(distbuffer(t(client[1]), new Float64Array(2)), /given 'n'/);
  });
});

// The 1-D maps: layouts of REFERENCE 2.1-2.6, the local map API of 2.7, DAP
// padding, and building maps from global dim data and per-rank dim dicts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as da from "distarray";

function isCode(code: string) {
  return (e: unknown) => e instanceof da.DistArrayError && e.code === code;
}

function layout(m: da.AxisMap): number[][] {
  return Array.from({ length: m.gridSize }, (_, r) => Array.from(m.globalIndices(r)));
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(b - a, 0) }, (_, i) => a + i);
}

describe("regular block (REFERENCE 2.1)", () => {
  const table: [number, number, [number, number][]][] = [
    [
      7,
      4,
      [
        [0, 2],
        [2, 4],
        [4, 6],
        [6, 7],
      ],
    ],
    [
      10,
      4,
      [
        [0, 3],
        [3, 6],
        [6, 9],
        [9, 10],
      ],
    ],
    [
      9,
      4,
      [
        [0, 3],
        [3, 6],
        [6, 9],
        [9, 9],
      ],
    ],
    [
      5,
      4,
      [
        [0, 2],
        [2, 4],
        [4, 5],
        [5, 5],
      ],
    ],
    [
      3,
      4,
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 3],
      ],
    ],
    [
      53,
      2,
      [
        [0, 27],
        [27, 53],
      ],
    ],
  ];
  for (const [n, p, ranges] of table) {
    test(`${n} over ${p}: ${JSON.stringify(ranges)}`, () => {
      const m = da.mapFromSizes("b", n, p);
      assert.equal(m.distType, "b");
      assert.deepEqual(
        layout(m),
        ranges.map(([a, b]) => range(a, b)),
      );
      ranges.forEach(([a, b], r) => {
        const dd = m.dimDict(r);
        assert.deepEqual(dd, {
          dist_type: "b",
          size: n,
          proc_grid_rank: r,
          proc_grid_size: p,
          start: a,
          stop: b,
        });
        assert.equal(m.localSize(r), b - a);
      });
    });
  }

  test("owners: the one rank whose block holds the index; empty blocks own nothing", () => {
    const m = da.mapFromSizes("b", 9, 4);
    assert.deepEqual(
      range(0, 9).map((g) => m.owners(g)),
      [[0], [0], [0], [1], [1], [1], [2], [2], [2]],
    );
    assert.throws(() => m.owners(9), da.IndexError);
    assert.throws(() => m.owners(-1), da.IndexError);
  });
});

describe("cyclic and block-cyclic (REFERENCE 2.2, 2.3)", () => {
  test("10 over 4 cyclic; 3 over 4 leaves rank 3 empty", () => {
    assert.deepEqual(layout(da.mapFromSizes("c", 10, 4)), [
      [0, 4, 8],
      [1, 5, 9],
      [2, 6],
      [3, 7],
    ]);
    assert.deepEqual(layout(da.mapFromSizes("c", 3, 4)), [[0], [1], [2], []]);
    assert.deepEqual(da.mapFromSizes("c", 3, 4).dimDict(3), {
      dist_type: "c",
      size: 3,
      proc_grid_rank: 3,
      proc_grid_size: 4,
      start: 3,
    });
  });

  test("block-cyclic layouts, the trailing partial block going to its owner", () => {
    const bc = (n: number, b: number, p: number) =>
      layout(da.mapFromSizes("c", n, p, { blockSize: b }));
    assert.deepEqual(bc(5, 2, 2), [
      [0, 1, 4],
      [2, 3],
    ]);
    assert.deepEqual(bc(9, 2, 2), [
      [0, 1, 4, 5, 8],
      [2, 3, 6, 7],
    ]);
    assert.deepEqual(bc(16, 4, 4), layout(da.mapFromSizes("b", 16, 4)));
    // Where DistArray's engine credited the partial block to rank 0 (REFERENCE 2.3 counter-examples).
    assert.deepEqual(bc(10, 3, 2), [
      [0, 1, 2, 6, 7, 8],
      [3, 4, 5, 9],
    ]);
    assert.deepEqual(bc(11, 2, 3), [
      [0, 1, 6, 7],
      [2, 3, 8, 9],
      [4, 5, 10],
    ]);
  });

  test("owners follow (g // B) % P and agree with the layouts", () => {
    for (const [n, b, p] of [
      [10, 3, 2],
      [11, 2, 3],
      [9, 2, 2],
      [10, 1, 4],
    ] as const) {
      const m = da.mapFromSizes("c", n, p, { blockSize: b });
      for (let g = 0; g < n; g++) {
        const [owner] = m.owners(g);
        assert.equal(owner, Math.floor(g / b) % p);
        assert.ok(Array.from(m.globalIndices(owner!)).includes(g));
      }
    }
  });

  test("engine dicts carry block_size only when > 1; client dicts always", () => {
    const m = da.mapFromSizes("c", 9, 2, { blockSize: 2 });
    assert.deepEqual(m.dimDict(1), {
      dist_type: "c",
      size: 9,
      proc_grid_rank: 1,
      proc_grid_size: 2,
      start: 2,
      block_size: 2,
    });
    assert.deepEqual(da.mapFromSizes("c", 9, 2).clientDimDict(1), {
      dist_type: "c",
      size: 9,
      proc_grid_size: 2,
      proc_grid_rank: 1,
      start: 1,
      block_size: 1,
    });
  });
});

describe("not distributed and unstructured (REFERENCE 2.4, 2.5)", () => {
  test("'n' owns everything on position 0 and exports as a one-process 'b'", () => {
    const m = da.mapFromSizes("n", 6, 1);
    assert.equal(m.distType, "n");
    assert.deepEqual(m.owners(5), [0]);
    assert.deepEqual(m.dimDict(0), {
      dist_type: "b",
      size: 6,
      proc_grid_rank: 0,
      proc_grid_size: 1,
      start: 0,
      stop: 6,
    });
    assert.deepEqual(m.clientDimDict(0), {
      dist_type: "n",
      size: 6,
      proc_grid_size: 1,
      proc_grid_rank: 0,
    });
    assert.equal(m.forRank(0).distType, "b");
    assert.throws(() => da.mapFromSizes("n", 6, 2), isCode("DA_ERR_INVALID_GRID_SHAPE"));
    assert.throws(() => da.mapFromSizes("u", 6, 2), isCode("DA_ERR_DIST_TYPE"));
    assert.throws(() => da.mapFromSizes("x", 6, 2), isCode("DA_ERR_DIST_TYPE"));
  });

  test("'u' holds its indices in the given order; owners are imprecise, holders exact", () => {
    const m = da.mapFromGlobalDimData({
      dist_type: "u",
      indices: [
        [3, 0],
        [4, 2, 1],
      ],
    });
    assert.equal(m.size, 5);
    assert.equal(m.gridSize, 2);
    assert.equal(m.precise, false);
    assert.deepEqual(layout(m), [
      [3, 0],
      [4, 2, 1],
    ]);
    assert.deepEqual(m.owners(2), [0, 1]);
    assert.deepEqual(m.holders(2), [1]);
    assert.deepEqual(m.holders(3), [0]);
    assert.equal(m.localFromGlobal(1, 2), 1);
    assert.equal(m.globalFromLocal(0, 0), 3);
    assert.throws(() => m.localFromGlobal(0, 2), da.IndexError);
    const dd = m.dimDict(1) as da.UnstructuredDimDict;
    assert.equal(dd.dist_type, "u");
    assert.deepEqual(Array.from(dd.indices), [4, 2, 1]);
    assert.ok(ArrayBuffer.isView(dd.indices));
    assert.deepEqual(m.clientDimDict(0), {
      dist_type: "u",
      size: 5,
      proc_grid_size: 2,
      proc_grid_rank: 0,
      indices: [3, 0],
    });
  });

  test("'u' indices outside the axis, repeated on a rank, or shared while one_to_one, are rejected", () => {
    assert.throws(
      () => da.mapFromGlobalDimData({ dist_type: "u", indices: [[0, 5], [1]] }),
      isCode("DA_ERR_DIM_DATA"),
    );
    assert.throws(
      () => da.mapFromGlobalDimData({ dist_type: "u", indices: [[0, 0], [1]] }),
      isCode("DA_ERR_DIM_DATA"),
    );
    assert.throws(
      () =>
        da.mapFromGlobalDimData({
          dist_type: "u",
          indices: [[0, 1], [1]],
          size: 3,
          one_to_one: true,
        }),
      isCode("DA_ERR_DIM_DATA"),
    );
  });
});

describe("irregular block and padding (REFERENCE 2.6, DAP padding)", () => {
  test("bounds (0, 2, 3, 4, 10)", () => {
    const m = da.mapFromGlobalDimData({ dist_type: "b", bounds: [0, 2, 3, 4, 10] });
    assert.equal(m.size, 10);
    assert.equal(m.gridSize, 4);
    assert.deepEqual(layout(m), [range(0, 2), [2], [3], range(4, 10)]);
    assert.deepEqual(m.globalDimData(), { dist_type: "b", bounds: [0, 2, 3, 4, 10] });
  });

  test("padding tuples: boundary at the edges, matching communication padding inside", () => {
    // The DAP example: 4 ranks, left boundary 4, right boundary 0, comm widths 1, 2, 3.
    const m = da.mapFromGlobalDimData({
      dist_type: "b",
      bounds: [0, 10, 20, 30, 40],
      comm_padding: [1, 2, 3],
      boundary_padding: [4, 0],
    }) as da.BlockMap;
    assert.deepEqual(
      [0, 1, 2, 3].map((r) => m.padding(r)),
      [
        [4, 1],
        [1, 2],
        [2, 3],
        [3, 0],
      ],
    );
    // Local buffers include the communication padding; owned counts exclude it.
    assert.deepEqual(
      [0, 1, 2, 3].map((r) => [m.forRank(r).start, (m.forRank(r) as da.LocalBlockMap).stop]),
      [
        [0, 11],
        [9, 22],
        [18, 33],
        [27, 40],
      ],
    );
    assert.deepEqual(
      [0, 1, 2, 3].map((r) => m.ownedSize(r)),
      [10, 10, 10, 10],
    );
    assert.deepEqual(
      [0, 1, 2, 3].map((r) => da.numOwnedIndices(m.dimDict(r))),
      [10, 10, 10, 10],
    );
    assert.deepEqual(m.dimDict(1), {
      dist_type: "b",
      size: 40,
      proc_grid_rank: 1,
      proc_grid_size: 4,
      start: 9,
      stop: 22,
      padding: [1, 2],
    });
    assert.ok(Object.isFrozen((m.dimDict(1) as da.BlockDimDict).padding));
    // Owners are the owning ranks, ghost copies aside.
    assert.deepEqual(m.owners(10), [1]);
    assert.deepEqual(m.owners(9), [0]);
    assert.equal(m.localFromGlobal(1, 9), 0);
    // Rebuilt from its own dim dicts, the map is the same.
    const again = da.mapFromAxisDimDicts([0, 1, 2, 3].map((r) => m.dimDict(r)));
    assert.ok(again.equals(m));
    assert.deepEqual(again.globalDimData(), m.globalDimData());
  });

  test("a single padded, periodic process is valid", () => {
    const m = da.mapFromGlobalDimData({
      dist_type: "b",
      bounds: [0, 10],
      boundary_padding: 2,
      periodic: true,
    });
    assert.deepEqual(m.dimDict(0), {
      dist_type: "b",
      size: 10,
      proc_grid_rank: 0,
      proc_grid_size: 1,
      start: 0,
      stop: 10,
      padding: [2, 2],
      periodic: true,
    });
  });

  test("DAP num_owned_indices examples", () => {
    const dd = (
      rank: number,
      start: number,
      stop: number,
      padding?: [number, number],
      gridSize = 10,
    ) => ({
      dist_type: "b" as const,
      size: 100,
      proc_grid_rank: rank,
      proc_grid_size: gridSize,
      start,
      stop,
      ...(padding === undefined ? {} : { padding }),
    });
    assert.equal(da.numOwnedIndices({ ...dd(0, 0, 10), size: 50 }), 10);
    assert.equal(da.numOwnedIndices(dd(0, 0, 20, [3, 4])), 16);
    assert.equal(da.numOwnedIndices(dd(9, 80, 100, [3, 4])), 17);
    assert.equal(da.numOwnedIndices(dd(3, 50, 70, [3, 4])), 13);
    assert.equal(da.numOwnedIndices(dd(0, 0, 100, [3, 4], 1)), 100);
    const c = { dist_type: "c" as const, size: 9, proc_grid_size: 4 };
    assert.equal(da.numOwnedIndices({ ...c, proc_grid_rank: 0, start: 0, block_size: 1 }), 3);
    assert.equal(da.numOwnedIndices({ ...c, proc_grid_rank: 3, start: 3, block_size: 1 }), 2);
    assert.equal(da.numOwnedIndices({ ...c, proc_grid_rank: 0, start: 0, block_size: 2 }), 3);
    assert.equal(da.numOwnedIndices({ ...c, proc_grid_rank: 3, start: 15, block_size: 5 }), 0);
  });

  test("malformed bounds and padding are DA_ERR_DIM_DATA", () => {
    const bad = [
      { dist_type: "b", bounds: [1, 5] },
      { dist_type: "b", bounds: [0, 5, 3] },
      { dist_type: "b", bounds: [0] },
      { dist_type: "b", bounds: [0, 2, 4], comm_padding: 3 },
      { dist_type: "b", bounds: [0, 2, 4], comm_padding: [1, 1] },
      { dist_type: "b", bounds: [0, 2, 4], boundary_padding: -1 },
      { dist_type: "c", size: 4 },
      { dist_type: "c", size: 4, proc_grid_size: 0 },
      { dist_type: "c", size: 4, proc_grid_size: 2, block_size: 0 },
      { dist_type: "n" },
    ];
    for (const gdd of bad)
      assert.throws(
        () => da.mapFromGlobalDimData(gdd),
        isCode("DA_ERR_DIM_DATA"),
        JSON.stringify(gdd),
      );
    assert.throws(
      () => da.mapFromGlobalDimData({ dist_type: "x", size: 4 }),
      isCode("DA_ERR_DIST_TYPE"),
    );
    assert.throws(() => da.mapFromGlobalDimData("b"), TypeError);
  });
});

describe("local maps from dim dicts (REFERENCE 2.7)", () => {
  test("'n': g 0..19 <-> l 0..19; 20 is out", () => {
    const m = da.mapFromDimDict({ dist_type: "n", size: 20 });
    assert.deepEqual(
      range(0, 20).map((g) => m.localFromGlobal(g)),
      range(0, 20),
    );
    assert.deepEqual(
      range(0, 20).map((l) => m.globalFromLocal(l)),
      range(0, 20),
    );
    assert.throws(() => m.localFromGlobal(20), da.IndexError);
    assert.throws(() => m.globalFromLocal(20), da.IndexError);
  });

  test("block start 16 stop 39: g 16..38 <-> l 0..22", () => {
    const m = da.mapFromDimDict({ dist_type: "b", size: 39 - 16, start: 16, stop: 39 });
    assert.deepEqual(
      range(16, 39).map((g) => m.localFromGlobal(g)),
      range(0, 23),
    );
    assert.deepEqual(
      range(0, 23).map((l) => m.globalFromLocal(l)),
      range(16, 39),
    );
    assert.throws(() => m.localFromGlobal(15), da.IndexError);
    assert.throws(() => m.localFromGlobal(39), da.IndexError);
    assert.throws(() => m.globalFromLocal(25), da.IndexError);
  });

  test("cyclic start 2 of 4: g 2, 6, 10, 14 <-> l 0..3", () => {
    const m = da.mapFromDimDict({
      dist_type: "c",
      start: 2,
      size: 16,
      proc_grid_size: 4,
      proc_grid_rank: 2,
    });
    assert.deepEqual(
      [2, 6, 10, 14].map((g) => m.localFromGlobal(g)),
      [0, 1, 2, 3],
    );
    assert.deepEqual(
      [0, 1, 2, 3].map((l) => m.globalFromLocal(l)),
      [2, 6, 10, 14],
    );
    assert.throws(() => m.localFromGlobal(3), da.IndexError);
    assert.throws(() => m.localFromGlobal(7), da.IndexError);
    assert.throws(() => m.globalFromLocal(5), da.IndexError);
  });

  test("block-cyclic start 2, B 2, P 4: g 2, 3, 10, 11 <-> l 0..3", () => {
    const m = da.mapFromDimDict({
      dist_type: "c",
      start: 2,
      size: 16,
      proc_grid_size: 4,
      block_size: 2,
    });
    assert.deepEqual(
      [2, 3, 10, 11].map((g) => m.localFromGlobal(g)),
      [0, 1, 2, 3],
    );
    assert.deepEqual(
      [0, 1, 2, 3].map((l) => m.globalFromLocal(l)),
      [2, 3, 10, 11],
    );
    assert.throws(() => m.localFromGlobal(4), da.IndexError);
    assert.throws(() => m.localFromGlobal(12), da.IndexError);
    assert.throws(() => m.globalFromLocal(5), da.IndexError);
    assert.equal(m.gridRank, 1);
  });

  test("block-cyclic with B = N/P equals block; B = 1 equals cyclic", () => {
    const bcm = da.mapFromDimDict({
      dist_type: "c",
      start: 4,
      size: 16,
      proc_grid_size: 4,
      block_size: 4,
    });
    const bm = da.mapFromDimDict({
      dist_type: "b",
      start: 4,
      stop: 8,
      size: 16,
      proc_grid_size: 4,
      proc_grid_rank: 1,
    });
    assert.deepEqual(
      range(4, 8).map((g) => bcm.localFromGlobal(g)),
      range(4, 8).map((g) => bm.localFromGlobal(g)),
    );
    const b1 = da.mapFromDimDict({
      dist_type: "c",
      start: 1,
      size: 16,
      proc_grid_size: 4,
      block_size: 1,
      proc_grid_rank: 1,
    });
    const cm = da.mapFromDimDict({
      dist_type: "c",
      start: 1,
      size: 16,
      proc_grid_size: 4,
      proc_grid_rank: 1,
    });
    assert.ok(b1.equals(cm));
    assert.deepEqual(Array.from(b1.globalIndices()), [1, 5, 9, 13]);
  });

  test("unstructured: lookup in the given indices", () => {
    const m = da.mapFromDimDict({
      dist_type: "u",
      size: 50,
      proc_grid_size: 2,
      proc_grid_rank: 1,
      indices: new Uint32Array([1, 22, 44, 49, 9, 33, 21]),
    });
    assert.equal(m.localSize, 7);
    assert.equal(m.localFromGlobal(44), 2);
    assert.equal(m.globalFromLocal(6), 21);
    assert.throws(() => m.localFromGlobal(2), da.IndexError);
  });

  test("unstructured indices must not repeat, whatever their range", () => {
    const u = (indices: number[]) => ({ dist_type: "u", size: 10, indices });
    assert.equal(da.mapFromDimDict(u([-3, 7, 2 ** 30])).localSize, 3);
    for (const ix of [
      [5, 2 ** 30, 5],
      [-3, 7, -3],
      [9, 1, 4, 1],
    ]) {
      assert.throws(() => da.mapFromDimDict(u(ix)), isCode("DA_ERR_DIM_DATA"), JSON.stringify(ix));
    }
  });

  test("construction errors are DA_ERR_DIM_DATA", () => {
    const bad = [
      { dist_type: "c", start: 1, size: 16, proc_grid_size: 4, proc_grid_rank: 2 },
      { dist_type: "c", start: 4, size: 16, proc_grid_size: 4, proc_grid_rank: 4 },
      { dist_type: "c", start: 3, size: 16, proc_grid_size: 4, block_size: 2 },
      { dist_type: "c", start: 2, size: 16, proc_grid_size: 4, block_size: 2, proc_grid_rank: 0 },
      { dist_type: "x", size: 16 },
      { dist_type: "b", size: 16, start: 5, stop: 4 },
      { dist_type: "b", size: 16, start: 0 },
      { dist_type: "u", size: 16, indices: [1, 1] },
      {},
    ];
    for (const dd of bad)
      assert.throws(() => da.mapFromDimDict(dd), isCode("DA_ERR_DIM_DATA"), JSON.stringify(dd));
    assert.throws(() => da.mapFromDimDict(null), TypeError);
    // With the buffer's length, {} is an undistributed block.
    assert.deepEqual(da.mapFromDimDict({}, { length: 3 }).dimDict(), {
      dist_type: "b",
      size: 3,
      proc_grid_rank: 0,
      proc_grid_size: 1,
      start: 0,
      stop: 3,
    });
  });

  test("global slices: contiguous for block, strided for cyclic, none for block-cyclic", () => {
    assert.deepEqual(da.mapFromSizes("b", 10, 4).forRank(1).globalSlice(), {
      start: 3,
      stop: 6,
      step: 1,
    });
    assert.deepEqual(da.mapFromSizes("c", 10, 4).forRank(1).globalSlice(), {
      start: 1,
      stop: 10,
      step: 4,
    });
    assert.equal(da.mapFromSizes("c", 10, 2, { blockSize: 2 }).forRank(1).globalSlice(), null);
  });
});

describe("maps from the dim dicts of an axis (REFERENCE 3.4)", () => {
  test("each kind rebuilds itself from its engine and client dicts, in any order, with repeats", () => {
    const maps = [
      da.mapFromSizes("b", 9, 4),
      da.mapFromSizes("c", 11, 3, { blockSize: 2 }),
      da.mapFromSizes("c", 10, 4),
      da.mapFromGlobalDimData({
        dist_type: "u",
        indices: [
          [3, 0],
          [4, 2, 1],
        ],
      }),
      da.mapFromGlobalDimData({ dist_type: "b", bounds: [0, 1, 5] }),
    ];
    for (const m of maps) {
      const ranks = range(0, m.gridSize);
      const dicts = [...ranks, ...ranks].reverse().map((r) => m.dimDict(r));
      assert.ok(da.mapFromAxisDimDicts(dicts).equals(m), m.distType);
      assert.ok(da.mapFromAxisDimDicts(ranks.map((r) => m.clientDimDict(r))).equals(m), m.distType);
    }
    assert.ok(
      da.mapFromAxisDimDicts([{ dist_type: "n", size: 4 }]).equals(da.mapFromSizes("n", 4, 1)),
    );
  });

  test("missing ranks, disagreeing dicts and gaps are DA_ERR_DIM_DATA", () => {
    const m = da.mapFromSizes("b", 9, 3);
    assert.throws(
      () => da.mapFromAxisDimDicts([m.dimDict(0), m.dimDict(2)]),
      isCode("DA_ERR_DIM_DATA"),
    );
    const shifted = { ...m.dimDict(1), start: 4 };
    assert.throws(
      () => da.mapFromAxisDimDicts([m.dimDict(0), shifted, m.dimDict(2)]),
      isCode("DA_ERR_DIM_DATA"),
    );
    assert.throws(
      () =>
        da.mapFromAxisDimDicts([
          m.dimDict(0),
          m.dimDict(1),
          m.dimDict(2),
          { ...m.dimDict(1), stop: 5 },
        ]),
      isCode("DA_ERR_DIM_DATA"),
    );
    const c = da.mapFromSizes("c", 9, 2);
    assert.throws(
      () => da.mapFromAxisDimDicts([m.dimDict(0), c.dimDict(1)]),
      isCode("DA_ERR_DIM_DATA"),
    );
    assert.throws(() => da.mapFromAxisDimDicts([]), isCode("DA_ERR_DIM_DATA"));
  });
});

// Distribution and LocalDistribution: REFERENCE 1.5, 3.1-3.6, 4.1-4.2, 5.1 and the
// DAP doc's 5 x 9 process-assignment examples, all with no engines.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as da from "distarray";

const ctx4 = { targets: [0, 1, 2, 3] };

function isCode(code: string) {
  return (e: unknown) => e instanceof da.DistArrayError && e.code === code;
}

// The values of arange(size).reshape(shape) that a rank holds, in local C order.
function localArange(ld: da.LocalDistribution): number[] {
  const out: number[] = [];
  const idx = ld.localShape.map(() => 0);
  for (let k = 0; k < ld.localSize; k++) {
    const g = ld.globalFromLocal(idx);
    out.push(g.reduce((flat, gi, axis) => flat * ld.globalShape[axis]! + gi, 0));
    for (let a = ld.ndim - 1; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < ld.localShape[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

describe("Distribution.fromShape (REFERENCE 1.5, 5.1)", () => {
  test("default dist is block on axis 0; targets sorted; grid from makeGridShape", () => {
    const d = da.Distribution.fromShape({ targets: [3, 1, 2, 0] }, [4, 5]);
    assert.deepEqual(d.dist, ["b", "n"]);
    assert.deepEqual(d.gridShape, [4, 1]);
    assert.deepEqual(d.targets, [0, 1, 2, 3]);
    assert.deepEqual(d.localShapes(), [
      [1, 5],
      [1, 5],
      [1, 5],
      [1, 5],
    ]);
    assert.equal(d.nprocs, 4);
    assert.equal(d.ndim, 2);
    assert.equal(d.size, 20);
    assert.equal(d.context.targets.length, 4);
    assert.equal(
      d.toString(),
      "<Distribution(shape=[4, 5], dist=['b', 'n'], gridShape=[4, 1], targets=[0, 1, 2, 3])>",
    );
  });

  test("explicit targets are sorted: [2, 0] -> [0, 2]", () => {
    const d = da.Distribution.fromShape(ctx4, [10], { targets: [2, 0] });
    assert.deepEqual(d.targets, [0, 2]);
    assert.deepEqual(d.owningTargets([9]), [2]);
  });

  test("zeros([5, 3]) on 4 engines uses targets [0, 1, 2] (no empty blocks)", () => {
    const d = da.Distribution.fromShape(ctx4, [5, 3]);
    assert.deepEqual(d.targets, [0, 1, 2]);
    assert.deepEqual(d.gridShape, [3, 1]);
    assert.deepEqual(d.localShapes(), [
      [2, 3],
      [2, 3],
      [1, 3],
    ]);
    // 9 rows over 4: blocks of 3 fill 3 ranks; a given grid is kept, empties and all.
    assert.deepEqual(da.Distribution.fromShape(ctx4, [9]).localShapes(), [[3], [3], [3]]);
    assert.deepEqual(da.Distribution.fromShape(ctx4, [9], { gridShape: [4] }).localShapes(), [
      [3],
      [3],
      [3],
      [0],
    ]);
    // (3,) over 4: grid capped at the axis length.
    assert.deepEqual(da.Distribution.fromShape(ctx4, [3]).targets, [0, 1, 2]);
  });

  test("an all-'n' dist lives on one target; several explicit targets conflict", () => {
    const d = da.Distribution.fromShape({ targets: [4, 2, 7] }, [3, 3], { dist: "nn" });
    assert.deepEqual(d.targets, [2]);
    assert.deepEqual(d.gridShape, [1, 1]);
    assert.deepEqual(
      da.Distribution.fromShape(ctx4, [3], { dist: "n", targets: [3] }).targets,
      [3],
    );
    assert.throws(
      () => da.Distribution.fromShape(ctx4, [3, 3], { dist: { 0: "n" }, targets: [0, 1] }),
      isCode("DA_ERR_TARGET_DIST_CONFLICT"),
    );
  });

  test("dist strings, arrays, per-axis objects and block-cyclic axis objects", () => {
    const a = da.Distribution.fromShape(ctx4, [10, 100, 20], { dist: "bcn" });
    assert.deepEqual(a.gridShape, [1, 4, 1]);
    const b = da.Distribution.fromShape(ctx4, [8, 8], { dist: { 1: "c" } });
    assert.deepEqual(b.dist, ["n", "c"]);
    const bc = da.Distribution.fromShape({ targets: [0, 1] }, [10], {
      dist: [{ dist_type: "c", block_size: 3 }],
    });
    assert.equal(bc.maps[0]!.blockSize, 3);
    assert.deepEqual(Array.from(bc.forRank(0).globalIndices(0)), [0, 1, 2, 6, 7, 8]);
    assert.deepEqual(Array.from(bc.forRank(1).globalIndices(0)), [3, 4, 5, 9]);
    // An automatic grid gives a block-cyclic axis no more ranks than blocks: 10 in blocks of 4 is 3 blocks.
    const three = da.Distribution.fromShape(ctx4, [10], {
      dist: [{ dist_type: "c", block_size: 4 }],
    });
    assert.deepEqual(
      [three.targets, three.localShapes()],
      [
        [0, 1, 2],
        [[4], [4], [2]],
      ],
    );
  });

  test("argument errors", () => {
    assert.throws(
      () => da.Distribution.fromShape(ctx4, [4], { dist: "u" }),
      isCode("DA_ERR_DIST_TYPE"),
    );
    assert.throws(
      () => da.Distribution.fromShape(ctx4, [4], { dist: "x" }),
      isCode("DA_ERR_DIST_TYPE"),
    );
    assert.throws(
      () => da.Distribution.fromShape(ctx4, [4, 4], { dist: "bbb" }),
      isCode("DA_ERR_VALUE"),
    );
    assert.throws(
      () => da.Distribution.fromShape(ctx4, [4], { targets: [5] }),
      isCode("DA_ERR_VALUE"),
    );
    assert.throws(
      () => da.Distribution.fromShape(ctx4, [4], { targets: [1, 1] }),
      isCode("DA_ERR_VALUE"),
    );
    assert.throws(
      () => da.Distribution.fromShape(ctx4, [4, 4], { gridShape: [3, 2] }),
      da.InvalidGridShapeError,
    );
    assert.throws(() => da.Distribution.fromShape(ctx4, [-1]), isCode("DA_ERR_VALUE"));
    assert.throws(() => da.Distribution.fromShape(ctx4, "44" as unknown as number[]), TypeError);
    assert.throws(() => da.Distribution.fromShape({} as da.TargetsLike, [4]), TypeError);
    assert.throws(
      () => da.Distribution.fromShape(ctx4, [4], { dist: [{ dist_type: "c", block_size: 0 }] }),
      isCode("DA_ERR_VALUE"),
    );
  });

  test("a 0-d distribution lives on the first target", () => {
    const d = da.Distribution.fromShape({ targets: [5, 6] }, []);
    assert.deepEqual(d.shape, []);
    assert.deepEqual(d.targets, [5]);
    assert.equal(d.size, 1);
    assert.deepEqual(d.getDimDataPerRank(), []);
    assert.deepEqual(d.forRank(0).dimData, []);
    assert.deepEqual(d.owningRanks([]), [0]);
  });
});

describe("dim data per rank (REFERENCE 3.1, 4.2)", () => {
  test("shape (7,) on 4, rank 1, client form", () => {
    const d = da.Distribution.fromShape(ctx4, [7]);
    assert.deepEqual(d.getClientDimDataPerRank()[1], [
      {
        dist_type: "b",
        size: 7,
        proc_grid_size: 4,
        proc_grid_rank: 1,
        start: 2,
        stop: 4,
        padding: [0, 0],
      },
    ]);
    assert.deepEqual(d.getDimDataPerRank()[1], [
      { dist_type: "b", size: 7, proc_grid_rank: 1, proc_grid_size: 4, start: 2, stop: 4 },
    ]);
    assert.ok(Object.isFrozen(d.getDimDataPerRank()[1]));
  });

  test("5 x 9 block-cyclic B=2 on a 2 x 2 grid from global dim data", () => {
    const d = da.Distribution.fromGlobalDimData(ctx4, [
      { dist_type: "c", size: 5, proc_grid_size: 2, block_size: 2 },
      { dist_type: "c", size: 9, proc_grid_size: 2, block_size: 2 },
    ]);
    const c = (size: number, r: number) => ({
      dist_type: "c",
      size,
      proc_grid_size: 2,
      proc_grid_rank: r,
      start: 2 * r,
      block_size: 2,
    });
    assert.deepEqual(d.getClientDimDataPerRank(), [
      [c(5, 0), c(9, 0)],
      [c(5, 0), c(9, 1)],
      [c(5, 1), c(9, 0)],
      [c(5, 1), c(9, 1)],
    ]);
    assert.deepEqual(d.localShapes(), [
      [3, 5],
      [3, 4],
      [2, 5],
      [2, 4],
    ]);
  });

  test("(5, 9) 'bc' grid (2, 2), rank 1: engine dicts, local shape and data", () => {
    const d = da.Distribution.fromShape(ctx4, [5, 9], { dist: "bc", gridShape: [2, 2] });
    assert.deepEqual(d.getDimDataPerRank()[1], [
      { dist_type: "b", size: 5, proc_grid_rank: 0, proc_grid_size: 2, start: 0, stop: 3 },
      { dist_type: "c", size: 9, proc_grid_rank: 1, proc_grid_size: 2, start: 1 },
    ]);
    assert.deepEqual(d.localShape(1), [3, 4]);
    assert.deepEqual(localArange(d.forRank(1)), [1, 3, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25]);
  });

  test("an 'n' axis exports as a one-process 'b' and LocalDistribution reports 'b'", () => {
    const d = da.Distribution.fromShape(ctx4, [16, 16], { gridShape: [4, 1] });
    assert.deepEqual(d.dist, ["b", "n"]);
    assert.deepEqual(d.forRank(2).dist, ["b", "b"]);
    assert.deepEqual(d.getDimDataPerRank()[2]![1], {
      dist_type: "b",
      size: 16,
      proc_grid_rank: 0,
      proc_grid_size: 1,
      start: 0,
      stop: 16,
    });
    assert.deepEqual(d.getClientDimDataPerRank()[2]![1], {
      dist_type: "n",
      size: 16,
      proc_grid_size: 1,
      proc_grid_rank: 0,
    });
  });
});

describe("owningRanks / owningTargets (REFERENCE 3.2)", () => {
  test("(31, 53) block on axis 0 over (4, 1): row r on rank r // 8", () => {
    const d = da.Distribution.fromShape(ctx4, [31, 53]);
    assert.deepEqual(d.gridShape, [4, 1]);
    for (let r = 0; r < 31; r++) {
      for (const c of [0, 17, 52]) assert.deepEqual(d.owningRanks([r, c]), [Math.floor(r / 8)]);
    }
  });

  test("(3, 5) bb over (2, 2): rank (r//2)*2 + c//3; negatives wrap; out of range is an IndexError", () => {
    const d = da.Distribution.fromShape(ctx4, [3, 5], { dist: "bb", gridShape: [2, 2] });
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 5; c++)
        assert.deepEqual(d.owningRanks([r, c]), [Math.floor(r / 2) * 2 + Math.floor(c / 3)]);
    }
    assert.deepEqual(d.owningRanks([-1, -1]), [3]);
    assert.throws(() => d.owningRanks([3, 5]), da.IndexError);
    assert.throws(() => d.owningRanks([-4, -6]), da.IndexError);
    assert.throws(() => d.owningRanks([0]), da.IndexError);
    assert.throws(() => d.owningRanks([0, 1.5]), TypeError);
  });

  test("(3, 5) cc over (2, 2): rank (r%2)*2 + c%2; targets map ranks", () => {
    const d = da.Distribution.fromShape({ targets: [10, 11, 12, 13] }, [3, 5], {
      dist: "cc",
      gridShape: [2, 2],
    });
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 5; c++) {
        const rank = (r % 2) * 2 + (c % 2);
        assert.deepEqual(d.owningRanks([r, c]), [rank]);
        assert.deepEqual(d.owningTargets([r, c]), [10 + rank]);
      }
    }
  });

  test("unstructured axes answer every candidate; hasPreciseIndex is false", () => {
    const d = da.Distribution.fromGlobalDimData(ctx4, [
      {
        dist_type: "u",
        indices: [
          [3, 0],
          [4, 2, 1],
        ],
      },
      { dist_type: "b", bounds: [0, 4, 9] },
    ]);
    assert.equal(d.hasPreciseIndex, false);
    assert.deepEqual(d.owningRanks([2, 5]), [1, 3]);
    assert.equal(da.Distribution.fromShape(ctx4, [4]).hasPreciseIndex, true);
  });
});

describe("isCompatible (REFERENCE 3.5)", () => {
  test("two fromShape calls with identical arguments are compatible", () => {
    const a = da.Distribution.fromShape(ctx4, [1e5, 1e6, 1e4], { dist: "bcn" });
    const b = da.Distribution.fromShape(ctx4, [1e5, 1e6, 1e4], { dist: "bcn" });
    assert.ok(a.isCompatible(b));
    for (let axis = 0; axis < 3; axis++) {
      const shape = [1e5, 1e6, 1e4];
      shape[axis]! -= 1;
      assert.ok(!a.isCompatible(da.Distribution.fromShape(ctx4, shape, { dist: "bcn" })));
    }
  });

  test("context, targets, dist, grid and bounds all matter", () => {
    const a = da.Distribution.fromShape(ctx4, [8, 8], { dist: "bb" });
    assert.ok(
      !a.isCompatible(da.Distribution.fromShape({ targets: [0, 1, 2, 3] }, [8, 8], { dist: "bb" })),
    );
    assert.ok(!a.isCompatible(da.Distribution.fromShape(ctx4, [8, 8], { dist: "bc" })));
    assert.ok(
      !a.isCompatible(da.Distribution.fromShape(ctx4, [8, 8], { dist: "bb", gridShape: [4, 1] })),
    );
    assert.ok(
      !a.isCompatible(da.Distribution.fromShape(ctx4, [8, 8], { dist: "bb", targets: [0, 1, 2] })),
    );
    const irregular = da.Distribution.fromGlobalDimData(ctx4, [
      { dist_type: "b", bounds: [0, 3, 8] },
      { dist_type: "b", bounds: [0, 4, 8] },
    ]);
    assert.ok(!a.isCompatible(irregular));
    assert.ok(a.isCompatible(da.Distribution.fromJSON(a.toJSON(), ctx4)));
  });
});

describe("reduce (REFERENCE 3.6)", () => {
  test("(4, 4) bb over (2, 2)", () => {
    const d = da.Distribution.fromShape(ctx4, [4, 4], { dist: "bb" });
    const r0 = d.reduce(0);
    assert.deepEqual([r0.shape, r0.dist, r0.gridShape, r0.targets], [[4], ["b"], [2], [0, 1]]);
    for (const axes of [1, -1, [1]]) assert.deepEqual(d.reduce(axes).targets, [0, 2]);
    for (const axes of [undefined, null, [0, 1]]) {
      const r = d.reduce(axes);
      assert.deepEqual([r.shape, r.dist, r.gridShape, r.targets], [[], [], [], [0]]);
      assert.deepEqual(r.getDimDataPerRank(), []);
    }
  });

  test("(1e5, 1e6, 1e4) bcn over (2, 2, 1)", () => {
    const d = da.Distribution.fromShape(ctx4, [1e5, 1e6, 1e4], {
      dist: "bcn",
      gridShape: [2, 2, 1],
    });
    const r0 = d.reduce(0);
    assert.deepEqual(
      [r0.dist, r0.gridShape, r0.targets],
      [
        ["c", "n"],
        [2, 1],
        [0, 1],
      ],
    );
    const r1 = d.reduce(1);
    assert.deepEqual(
      [r1.dist, r1.gridShape, r1.targets],
      [
        ["b", "n"],
        [2, 1],
        [0, 2],
      ],
    );
    const r2 = d.reduce(2);
    assert.deepEqual(
      [r2.dist, r2.gridShape, r2.targets],
      [
        ["b", "c"],
        [2, 2],
        [0, 1, 2, 3],
      ],
    );
  });

  test("(6, 8) bb over (2, 3)", () => {
    const d = da.Distribution.fromShape({ targets: [0, 1, 2, 3, 4, 5] }, [6, 8], {
      dist: "bb",
      gridShape: [2, 3],
    });
    assert.deepEqual([d.reduce(0).gridShape, d.reduce(0).targets], [[3], [0, 1, 2]]);
    assert.deepEqual([d.reduce(1).gridShape, d.reduce(1).targets], [[2], [0, 3]]);
  });

  test("kept axes keep their maps (block-cyclic stays block-cyclic); bad axes throw", () => {
    const d = da.Distribution.fromGlobalDimData(ctx4, [
      { dist_type: "b", bounds: [0, 1, 5] },
      { dist_type: "c", size: 9, proc_grid_size: 2, block_size: 2 },
    ]);
    assert.ok(d.reduce(0).maps[0]!.equals(d.maps[1]!));
    assert.deepEqual(d.reduce(0).targets, [0, 1]);
    assert.throws(() => d.reduce(2), da.IndexError);
    assert.throws(() => d.reduce([0, 5]), da.IndexError);
    assert.throws(() => d.reduce([0, -2]), isCode("DA_ERR_INVALID_DIMENSION"));
  });
});

describe("rebuilding: fromDimDataPerRank, fromGlobalDimData, JSON (REFERENCE 3.3, 3.4)", () => {
  const cases: [string, () => da.Distribution][] = [
    ["bc 5x9", () => da.Distribution.fromShape(ctx4, [5, 9], { dist: "bc", gridShape: [2, 2] })],
    [
      "cbc 5x9x3",
      () =>
        da.Distribution.fromShape({ targets: [0, 1, 2, 3, 4, 5, 6, 7] }, [5, 9, 3], {
          dist: "cbc",
        }),
    ],
    [
      "block-cyclic",
      () =>
        da.Distribution.fromGlobalDimData(ctx4, [
          { dist_type: "c", size: 11, proc_grid_size: 2, block_size: 2 },
          { dist_type: "b", bounds: [0, 2, 9] },
        ]),
    ],
    [
      "unstructured",
      () =>
        da.Distribution.fromGlobalDimData(ctx4, [
          {
            dist_type: "u",
            indices: [
              [3, 0],
              [4, 2, 1],
            ],
          },
          {
            dist_type: "u",
            indices: [
              [2, 3, 7, 1],
              [6, 5, 8, 0, 4],
            ],
          },
        ]),
    ],
    [
      "padded",
      () =>
        da.Distribution.fromGlobalDimData({ targets: [0, 1, 2] }, [
          {
            dist_type: "b",
            bounds: [0, 4, 8, 12],
            comm_padding: 1,
            boundary_padding: 2,
            periodic: true,
          },
        ]),
    ],
  ];
  for (const [name, make] of cases) {
    test(`${name}: engine dicts, client dicts, global dim data and JSON rebuild it`, () => {
      const d = make();
      assert.ok(
        da.Distribution.fromDimDataPerRank(d.context, d.getDimDataPerRank()).isCompatible(d),
      );
      assert.ok(
        da.Distribution.fromDimDataPerRank(d.context, d.getClientDimDataPerRank()).isCompatible(d),
      );
      assert.ok(da.Distribution.fromGlobalDimData(d.context, d.globalDimData()).isCompatible(d));
      const json = structuredClone(d.toJSON());
      const back = da.Distribution.fromJSON(json);
      assert.deepEqual(back.targets, d.targets);
      assert.deepEqual(back.getDimDataPerRank(), d.getDimDataPerRank());
      assert.deepEqual(JSON.parse(JSON.stringify(d)), JSON.parse(JSON.stringify(back)));
    });
  }

  test("fromJSON without a context reuses the Distribution of an equal wire form", () => {
    const u = da.Distribution.fromGlobalDimData(ctx4, [
      {
        dist_type: "u",
        indices: [
          [3, 0],
          [4, 2, 1],
        ],
      },
      { dist_type: "c", size: 7, proc_grid_size: 2 },
    ]);
    const a = da.Distribution.fromJSON(structuredClone(u.toJSON()));
    const b = da.Distribution.fromJSON(structuredClone(u.toJSON()));
    assert.equal(a, b);
    assert.ok(a.isCompatible(b));
    const swapped = structuredClone(u.toJSON()) as unknown as {
      globalDimData: { indices?: number[][] }[];
      targets: number[];
    };
    swapped.globalDimData[0]!.indices = [
      [0, 3],
      [4, 2, 1],
    ];
    const c = da.Distribution.fromJSON(swapped as unknown as da.DistributionJSON);
    assert.notEqual(c, a);
    assert.deepEqual(Array.from(c.forRank(0).globalIndices(0)), [0, 3]);
    assert.notEqual(da.Distribution.fromJSON(u.toJSON(), ctx4), a);
    assert.throws(
      () => da.Distribution.fromJSON({ targets: [0] } as unknown as da.DistributionJSON),
      TypeError,
    );
  });

  test("engine-form 'n' axes come back as 'b'; {} needs the buffer's shape", () => {
    const d = da.Distribution.fromShape(ctx4, [8, 3]);
    assert.deepEqual(da.Distribution.fromDimDataPerRank(ctx4, d.getDimDataPerRank()).dist, [
      "b",
      "b",
    ]);
    const withEmpty = d.getDimDataPerRank().map((dd, r) => ({
      dim_data: [dd[0]!, {}],
      buffer: da.dapBuffer(
        new Float64Array(d.localShape(r).reduce((a, b) => a * b, 1)),
        d.localShape(r),
      ),
    }));
    const back = da.Distribution.fromDimDataPerRank(ctx4, withEmpty);
    assert.deepEqual(back.shape, [8, 3]);
    assert.deepEqual(back.gridShape, [4, 1]);
    const withShapes = d
      .getDimDataPerRank()
      .map((dd, r) => ({ dim_data: [dd[0]!, {}], localShape: d.localShape(r) }));
    assert.deepEqual(
      da.Distribution.fromDimDataPerRank(ctx4, withShapes).getDimDataPerRank(),
      back.getDimDataPerRank(),
    );
    assert.throws(
      () =>
        da.Distribution.fromDimDataPerRank(
          ctx4,
          d.getDimDataPerRank().map((dd) => [dd[0]!, {}]),
        ),
      isCode("DA_ERR_DIM_DATA"),
    );
  });

  test("ranks out of C order, missing ranks or ragged dims are DA_ERR_DIM_DATA", () => {
    const d = da.Distribution.fromShape(ctx4, [4, 4], { dist: "bb" });
    const ddpr = d.getDimDataPerRank();
    assert.throws(
      () => da.Distribution.fromDimDataPerRank(ctx4, [ddpr[1]!, ddpr[0]!, ddpr[2]!, ddpr[3]!]),
      isCode("DA_ERR_DIM_DATA"),
    );
    assert.throws(
      () => da.Distribution.fromDimDataPerRank(ctx4, ddpr.slice(0, 3)),
      isCode("DA_ERR_DIM_DATA"),
    );
    assert.throws(
      () => da.Distribution.fromDimDataPerRank(ctx4, [ddpr[0]!, [ddpr[1]![0]!]]),
      isCode("DA_ERR_DIM_DATA"),
    );
  });

  test("a grid needing more targets than given is an InvalidGridShapeError; fewer is fine", () => {
    const gdd = [{ dist_type: "c" as const, size: 8, proc_grid_size: 4 }];
    assert.throws(
      () => da.Distribution.fromGlobalDimData({ targets: [0, 1] }, gdd),
      da.InvalidGridShapeError,
    );
    const d = da.Distribution.fromGlobalDimData({ targets: [0, 1, 2, 3, 4, 5] }, gdd);
    assert.deepEqual(d.targets, [0, 1, 2, 3]);
    const n = da.Distribution.fromGlobalDimData(ctx4, [{ dist_type: "n", size: 3 }]);
    assert.deepEqual([n.dist, n.targets], [["n"], [0]]);
  });
});

describe("LocalDistribution (REFERENCE 2.7, 4.1-4.3)", () => {
  test("global limits of (16, 16) ('c', 'n') on 4 ranks; a bad axis is DA_ERR_INVALID_DIMENSION", () => {
    const d = da.Distribution.fromShape(ctx4, [16, 16], { dist: "cn" });
    assert.deepEqual(
      [0, 1, 2, 3].map((r) => d.forRank(r).globalLimits(0)),
      [
        [0, 12],
        [1, 13],
        [2, 14],
        [3, 15],
      ],
    );
    assert.throws(() => d.forRank(0).globalLimits(-1), isCode("DA_ERR_INVALID_DIMENSION"));
    assert.throws(() => d.forRank(0).globalLimits(2), isCode("DA_ERR_INVALID_DIMENSION"));
    assert.throws(() => d.forRank(0).globalIndices(2), isCode("DA_ERR_INVALID_DIMENSION"));
  });

  test("local <-> global; negatives wrap by the global shape; unowned is an IndexError", () => {
    const ld = da.Distribution.fromShape(ctx4, [5, 9], { dist: "bc", gridShape: [2, 2] }).forRank(
      1,
    );
    assert.deepEqual([ld.rank, ld.coords, ld.gridShape, ld.commSize], [1, [0, 1], [2, 2], 4]);
    assert.deepEqual(
      [ld.globalShape, ld.localShape, ld.localSize, ld.globalSize],
      [[5, 9], [3, 4], 12, 45],
    );
    assert.deepEqual(ld.localFromGlobal([2, 7]), [2, 3]);
    assert.deepEqual(ld.localFromGlobal([-3, -2]), [2, 3]);
    assert.deepEqual(ld.globalFromLocal([2, 3]), [2, 7]);
    assert.throws(() => ld.localFromGlobal([3, 1]), da.IndexError);
    assert.throws(() => ld.localFromGlobal([0, 2]), da.IndexError);
    assert.throws(() => ld.localFromGlobal([0, 9]), da.IndexError);
    assert.throws(() => ld.localFromGlobal([0, -10]), da.IndexError);
    assert.throws(() => ld.localFromGlobal([0]), da.IndexError);
    assert.throws(() => ld.globalFromLocal([3, 0]), da.IndexError);
    assert.throws(() => ld.globalFromLocal([0, -1]), da.IndexError);
    assert.ok(ld.owns([2, 7]));
    assert.ok(!ld.owns([2, 6]));
  });

  test("fromDimData and fromShape agree with Distribution.forRank", () => {
    const d = da.Distribution.fromShape(ctx4, [16, 16], { gridShape: [4, 1] });
    for (let r = 0; r < 4; r++) {
      const ld = d.forRank(r);
      assert.ok(da.LocalDistribution.fromDimData(ld.dimData).equals(ld));
      assert.ok(
        da.LocalDistribution.fromShape([16, 16], {
          gridShape: [4, 1],
          commSize: 4,
          rank: r,
        }).equals(ld),
      );
      assert.ok(ld.isCompatible(d.forRank(r)));
      assert.ok(Object.isFrozen(ld.dimData));
    }
    assert.ok(!d.forRank(0).equals(d.forRank(1)));
    const n = da.LocalDistribution.fromDimData([{ dist_type: "n", size: 4 }, {}], {
      localShape: [4, 2],
    });
    assert.deepEqual(
      [n.dist, n.globalShape, n.gridShape],
      [
        ["b", "b"],
        [4, 2],
        [1, 1],
      ],
    );
    assert.throws(
      () => da.LocalDistribution.fromShape([4], { dist: "u", commSize: 2, rank: 0 }),
      isCode("DA_ERR_DIST_TYPE"),
    );
  });
});

describe("the DAP doc's 5 x 9 process assignments", () => {
  const arangeRows = (rows: number[][]) => rows.flat();
  test("b x b over 3 x 1, 1 x 3 and 2 x 2", () => {
    const d31 = da.Distribution.fromShape({ targets: [0, 1, 2] }, [5, 9], {
      dist: "bb",
      gridShape: [3, 1],
    });
    assert.deepEqual(localArange(d31.forRank(2)), [36, 37, 38, 39, 40, 41, 42, 43, 44]);
    assert.deepEqual(d31.localShapes(), [
      [2, 9],
      [2, 9],
      [1, 9],
    ]);
    const d13 = da.Distribution.fromShape({ targets: [0, 1, 2] }, [5, 9], {
      dist: "bb",
      gridShape: [1, 3],
    });
    assert.deepEqual(
      localArange(d13.forRank(1)),
      arangeRows([
        [3, 4, 5],
        [12, 13, 14],
        [21, 22, 23],
        [30, 31, 32],
        [39, 40, 41],
      ]),
    );
    const d22 = da.Distribution.fromShape(ctx4, [5, 9], { dist: "bb", gridShape: [2, 2] });
    assert.deepEqual(
      localArange(d22.forRank(3)),
      arangeRows([
        [32, 33, 34, 35],
        [41, 42, 43, 44],
      ]),
    );
  });

  test("b x c and c x c over 2 x 2", () => {
    const bc = da.Distribution.fromShape(ctx4, [5, 9], { dist: "bc", gridShape: [2, 2] });
    assert.deepEqual(
      localArange(bc.forRank(2)),
      arangeRows([
        [27, 29, 31, 33, 35],
        [36, 38, 40, 42, 44],
      ]),
    );
    const cc = da.Distribution.fromShape(ctx4, [5, 9], { dist: "cc", gridShape: [2, 2] });
    assert.deepEqual(
      localArange(cc.forRank(0)),
      arangeRows([
        [0, 2, 4, 6, 8],
        [18, 20, 22, 24, 26],
        [36, 38, 40, 42, 44],
      ]),
    );
    assert.deepEqual(
      localArange(cc.forRank(3)),
      arangeRows([
        [10, 12, 14, 16],
        [28, 30, 32, 34],
      ]),
    );
  });

  test("irregular b x b with bounds (0, 1, 5) x (0, 2, 9)", () => {
    const d = da.Distribution.fromGlobalDimData(ctx4, [
      { dist_type: "b", bounds: [0, 1, 5] },
      { dist_type: "b", bounds: [0, 2, 9] },
    ]);
    assert.deepEqual(localArange(d.forRank(0)), [0, 1]);
    assert.deepEqual(
      localArange(d.forRank(2)),
      arangeRows([
        [9, 10],
        [18, 19],
        [27, 28],
        [36, 37],
      ]),
    );
    assert.deepEqual(d.localShape(3), [4, 7]);
  });

  test("block-cyclic B=2 x B=2", () => {
    const d = da.Distribution.fromGlobalDimData(ctx4, [
      { dist_type: "c", size: 5, proc_grid_size: 2, block_size: 2 },
      { dist_type: "c", size: 9, proc_grid_size: 2, block_size: 2 },
    ]);
    assert.deepEqual(
      localArange(d.forRank(0)),
      arangeRows([
        [0, 1, 4, 5, 8],
        [9, 10, 13, 14, 17],
        [36, 37, 40, 41, 44],
      ]),
    );
    assert.deepEqual(
      localArange(d.forRank(3)),
      arangeRows([
        [20, 21, 24, 25],
        [29, 30, 33, 34],
      ]),
    );
  });

  test("unstructured [[3, 0], [4, 2, 1]] x [[2, 3, 7, 1], [6, 5, 8, 0, 4]]", () => {
    const d = da.Distribution.fromGlobalDimData(ctx4, [
      {
        dist_type: "u",
        indices: [
          [3, 0],
          [4, 2, 1],
        ],
      },
      {
        dist_type: "u",
        indices: [
          [2, 3, 7, 1],
          [6, 5, 8, 0, 4],
        ],
      },
    ]);
    assert.deepEqual(
      localArange(d.forRank(0)),
      arangeRows([
        [29, 30, 34, 28],
        [2, 3, 7, 1],
      ]),
    );
    assert.deepEqual(
      localArange(d.forRank(3)),
      arangeRows([
        [42, 41, 44, 36, 40],
        [24, 23, 26, 18, 22],
        [15, 14, 17, 9, 13],
      ]),
    );
  });

  test("c x b x c, 5 x 9 x 3 over 2 x 2 x 2", () => {
    const d = da.Distribution.fromShape({ targets: [0, 1, 2, 3, 4, 5, 6, 7] }, [5, 9, 3], {
      dist: "cbc",
      gridShape: [2, 2, 2],
    });
    assert.deepEqual(
      localArange(d.forRank(1)),
      [1, 4, 7, 10, 13, 55, 58, 61, 64, 67, 109, 112, 115, 118, 121],
    );
    assert.deepEqual(localArange(d.forRank(2)).slice(0, 8), [15, 17, 18, 20, 21, 23, 24, 26]);
    assert.deepEqual(d.localShape(4), [2, 5, 2]);
  });
});

// Property tests (fast-check) for the map math: every global index has exactly one
// owner, local <-> global round-trips, local sizes add up, exported dim data
// validates and rebuilds the same distribution.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as da from "distarray";
import fc from "fast-check";

const RUNS = { numRuns: 300 };

// Splits `size` into `parts` owned ranges (empty ones allowed): bounds from 0 to size.
const boundsArb = fc
  .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 6 }))
  .chain(([size, parts]) =>
    fc
      .array(fc.integer({ min: 0, max: size }), { minLength: parts - 1, maxLength: parts - 1 })
      .map((cuts) => [0, ...cuts.sort((a, b) => a - b), size]),
  );

// A permutation of 0..size-1 dealt into `parts` lists (a one-to-one unstructured axis).
const unstructuredArb = fc
  .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 5 }))
  .chain(([size, parts]) =>
    fc.tuple(
      fc.shuffledSubarray(
        Array.from({ length: size }, (_, i) => i),
        { minLength: size, maxLength: size },
      ),
      fc.array(fc.integer({ min: 0, max: parts - 1 }), { minLength: size, maxLength: size }),
      fc.constant(parts),
    ),
  )
  .map(([perm, where, parts]) => {
    const indices: number[][] = Array.from({ length: parts }, () => []);
    perm.forEach((g, i) => {
      indices[where[i]!]!.push(g);
    });
    return indices;
  });

// Global dim data of one axis, any kind; `padded` adds communication and boundary padding.
function gddArb(options: { padded: boolean }): fc.Arbitrary<da.GlobalDimData> {
  const kinds: fc.Arbitrary<da.GlobalDimData>[] = [
    boundsArb.map((bounds) => ({ dist_type: "b" as const, bounds })),
    fc
      .record({
        size: fc.integer({ min: 0, max: 40 }),
        proc_grid_size: fc.integer({ min: 1, max: 6 }),
        block_size: fc.integer({ min: 1, max: 5 }),
      })
      .map((r) => ({ dist_type: "c" as const, ...r })),
    fc.integer({ min: 0, max: 20 }).map((size) => ({ dist_type: "n" as const, size })),
    unstructuredArb.map((indices) => ({ dist_type: "u" as const, indices, one_to_one: true })),
  ];
  if (options.padded) {
    kinds.push(
      fc
        .tuple(
          boundsArb,
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 0, max: 2 }),
          fc.integer({ min: 0, max: 2 }),
          fc.boolean(),
        )
        .map(([bounds, comm, left, right, periodic]) => {
          const widths = bounds.slice(1).map((b, i) => b - bounds[i]!);
          const room = Math.min(
            ...widths.slice(0, -1).map((w, i) => Math.min(w, widths[i + 1]!)),
            comm,
          );
          return {
            dist_type: "b" as const,
            bounds,
            comm_padding: Number.isFinite(room) ? room : 0,
            boundary_padding: [left, right],
            periodic,
          };
        })
        .filter((gdd) => {
          // Boundary padding wider than an edge block is rejected; the property needs valid maps.
          try {
            da.mapFromGlobalDimData(gdd);
            return true;
          } catch {
            return false;
          }
        }),
    );
  }
  return fc.oneof(...kinds);
}

function allIndices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of shape)
    out = out.flatMap((prefix) => Array.from({ length: n }, (_, i) => [...prefix, i]));
  return out;
}

function localPositions(shape: readonly number[]): number[][] {
  return allIndices(shape);
}

describe("1-D maps", () => {
  test("every index has exactly one holder; owners agree; owned sizes sum to the size", () => {
    fc.assert(
      fc.property(gddArb({ padded: true }), (gdd) => {
        const m = da.mapFromGlobalDimData(gdd);
        let owned = 0;
        for (let r = 0; r < m.gridSize; r++) owned += m.ownedSize(r);
        assert.equal(owned, m.size);
        for (let g = 0; g < m.size; g++) {
          const holders = m.holders(g);
          assert.equal(holders.length, 1, `index ${g}`);
          const owners = m.owners(g);
          if (m.precise) assert.deepEqual(owners, holders);
          else
            assert.deepEqual(
              owners,
              Array.from({ length: m.gridSize }, (_, r) => r),
            );
          assert.ok(m.forRank(holders[0]!).owns(g));
        }
      }),
      RUNS,
    );
  });

  test("local <-> global round-trips on every rank; globalIndices lists globalFromLocal", () => {
    fc.assert(
      fc.property(gddArb({ padded: true }), (gdd) => {
        const m = da.mapFromGlobalDimData(gdd);
        for (let r = 0; r < m.gridSize; r++) {
          const ix = m.globalIndices(r);
          assert.equal(ix.length, m.localSize(r));
          for (let l = 0; l < m.localSize(r); l++) {
            const g = m.globalFromLocal(r, l);
            assert.equal(ix[l], g);
            assert.equal(m.localFromGlobal(r, g), l);
          }
          assert.throws(() => m.globalFromLocal(r, m.localSize(r)), da.IndexError);
          for (let g = 0; g < m.size; g++) {
            if (!m.forRank(r).owns(g)) assert.throws(() => m.localFromGlobal(r, g), da.IndexError);
          }
        }
      }),
      RUNS,
    );
  });

  test("dim dicts and global dim data rebuild the same map; dim dicts validate", () => {
    fc.assert(
      fc.property(gddArb({ padded: true }), (gdd) => {
        const m = da.mapFromGlobalDimData(gdd);
        const ranks = Array.from({ length: m.gridSize }, (_, r) => r);
        const fromDicts = da.mapFromAxisDimDicts(ranks.map((r) => m.dimDict(r)));
        if (m.distType === "n") assert.equal(fromDicts.distType, "b");
        else assert.ok(fromDicts.equals(m));
        assert.ok(da.mapFromAxisDimDicts(ranks.map((r) => m.clientDimDict(r))).equals(m));
        assert.ok(da.mapFromGlobalDimData(structuredClone(m.globalDimData())).equals(m));
        for (const r of ranks) {
          const n = m.localSize(r);
          const v = da.validateDap({
            __version__: "0.10.0",
            buffer: new Float64Array(n),
            dim_data: da.tuple(m.dimDict(r)),
          });
          assert.ok(v.ok, v.message);
          assert.ok(da.mapFromDimDict(m.dimDict(r)).equals(m.forRank(r)));
        }
      }),
      RUNS,
    );
  });
});

// Distributions from a shape: 1-4 axes, b/c/n with block sizes, 1-8 engines.
const fromShapeArb = fc
  .integer({ min: 1, max: 4 })
  .chain((ndim) =>
    fc.record({
      shape: fc.array(fc.integer({ min: 0, max: ndim > 2 ? 5 : 12 }), {
        minLength: ndim,
        maxLength: ndim,
      }),
      dist: fc.array(
        fc.oneof(
          fc.constantFrom<da.AxisDist>("b", "c", "n"),
          fc
            .integer({ min: 1, max: 4 })
            .map((b): da.AxisDist => ({ dist_type: "c", block_size: b })),
        ),
        { minLength: ndim, maxLength: ndim },
      ),
      engines: fc.integer({ min: 1, max: 8 }),
    }),
  )
  .map(({ shape, dist, engines }) =>
    da.Distribution.fromShape({ targets: Array.from({ length: engines }, (_, i) => i) }, shape, {
      dist,
    }),
  );

// Distributions from global dim data of any kinds (no padding), on enough targets.
const fromGddArb = fc
  .array(gddArb({ padded: false }), { minLength: 1, maxLength: 3 })
  .filter(
    (gdds) => gdds.map((g) => da.mapFromGlobalDimData(g)).reduce((n, m) => n * m.size, 1) <= 3000,
  )
  .map((gdds) => {
    const nprocs = gdds.map((g) => da.mapFromGlobalDimData(g).gridSize).reduce((a, b) => a * b, 1);
    return da.Distribution.fromGlobalDimData(
      { targets: Array.from({ length: nprocs + 1 }, (_, i) => 10 + i) },
      gdds,
    );
  });

const distributionArb = fc.oneof(fromShapeArb, fromGddArb);

describe("n-d distributions", () => {
  test("each element is held by exactly one rank, which owningRanks names", () => {
    fc.assert(
      fc.property(distributionArb, (d) => {
        const holders = new Map<string, number[]>();
        for (let r = 0; r < d.nprocs; r++) {
          const ld = d.forRank(r);
          for (const l of localPositions(ld.localShape)) {
            const key = ld.globalFromLocal(l).join(",");
            holders.set(key, [...(holders.get(key) ?? []), r]);
          }
        }
        assert.equal(holders.size, d.size);
        for (const g of allIndices(d.shape)) {
          const h = holders.get(g.join(","));
          assert.ok(h !== undefined && h.length === 1, `element ${g}`);
          const owners = d.owningRanks(g);
          if (d.hasPreciseIndex) assert.deepEqual(owners, h);
          else assert.ok(owners.includes(h[0]!));
          assert.deepEqual(
            d.owningTargets(g),
            owners.map((r) => d.targets[r]),
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  test("local sizes sum to the global size; local <-> global round-trips", () => {
    fc.assert(
      fc.property(distributionArb, (d) => {
        let total = 0;
        for (let r = 0; r < d.nprocs; r++) {
          const ld = d.forRank(r);
          assert.deepEqual(ld.localShape, d.localShape(r));
          assert.equal(ld.rank, r);
          assert.deepEqual(ld.coords, d.coordsFromRank(r));
          assert.equal(d.rankFromCoords(ld.coords), r);
          total += ld.localSize;
          for (const l of localPositions(ld.localShape)) {
            const g = ld.globalFromLocal(l);
            assert.deepEqual(ld.localFromGlobal(g), l);
            assert.deepEqual(ld.localFromGlobal(g.map((gi, a) => gi - d.shape[a]!)), l);
          }
        }
        assert.equal(total, d.size);
        assert.equal(d.targets.length, d.nprocs);
      }),
      { numRuns: 200 },
    );
  });

  test("getDimDataPerRank validates with a buffer of the local shape and rebuilds the distribution", () => {
    fc.assert(
      fc.property(distributionArb, (d) => {
        const ddpr = d.getDimDataPerRank();
        assert.equal(ddpr.length, d.ndim === 0 ? 0 : d.nprocs);
        ddpr.forEach((dimData, r) => {
          const shape = d.localShape(r);
          const buffer = da.dapBuffer(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
          const v = da.validateDap({ __version__: da.DAP_VERSION, buffer, dim_data: dimData });
          assert.ok(v.ok, v.message);
        });
        const back = da.Distribution.fromDimDataPerRank(d.context, ddpr, d.targets);
        assert.deepEqual(back.getDimDataPerRank(), ddpr);
        assert.deepEqual(back.targets, d.targets);
        assert.ok(da.Distribution.fromJSON(structuredClone(d.toJSON()), d.context).isCompatible(d));
        assert.ok(
          da.Distribution.fromDimDataPerRank(
            d.context,
            d.getClientDimDataPerRank(),
            d.targets,
          ).isCompatible(d),
        );
      }),
      { numRuns: 200 },
    );
  });

  test("an automatic grid leaves no position empty along a non-empty axis", () => {
    fc.assert(
      fc.property(fromShapeArb, (d) => {
        d.maps.forEach((m) => {
          if (m.size === 0) return;
          for (let r = 0; r < m.gridSize; r++)
            assert.ok(m.localSize(r) > 0, `${m.distType} position ${r}`);
        });
      }),
      RUNS,
    );
  });

  test("reduce keeps the other axes' maps on the ranks at coordinate 0 of the reduced ones", () => {
    fc.assert(
      fc.property(distributionArb, fc.infiniteStream(fc.boolean()), (d, coin) => {
        const axes = d.shape.flatMap((_, i) => (coin.next().value ? [i] : []));
        const r = d.reduce(axes);
        const kept = d.shape.flatMap((_, i) => (axes.includes(i) ? [] : [i]));
        assert.deepEqual(
          r.shape,
          kept.map((i) => d.shape[i]),
        );
        kept.forEach((axis, j) => {
          assert.ok(r.maps[j]!.equals(d.maps[axis]!));
        });
        r.targets.forEach((t, k) => {
          const coords = d.coordsFromRank(d.targets.indexOf(t));
          axes.forEach((a) => {
            assert.equal(coords[a], 0);
          });
          assert.deepEqual(
            kept.map((a) => coords[a]),
            r.coordsFromRank(k),
          );
        });
      }),
      { numRuns: 200 },
    );
  });
});

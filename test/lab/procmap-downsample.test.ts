// Down-sampled process maps stay faithful: every drawn cell stands for a block of elements,
// names all the block's owners with exact counts, and no engine disappears from the picture
// (a cyclic axis sampled every k-th index used to show only some of its engines).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeProcmapPayload, enginePalette } from "@distarray/kernel/plot/procmap-payload";
import {
  cellOwners,
  type ProcmapPanel,
  type ProcmapPayload,
  procmapPayloadProblem,
} from "@distarray/kernel/plot/procmap-schema";
import { cellHoverText, procmapToSvg, procmapToText } from "@distarray/kernel/plot/procmap-svg";
import * as da from "distarray";

const FOUR = { targets: [0, 1, 2, 3] };

/** The rank storing `index`, asked element by element (unstructured maps list candidates). */
function ownerOf(d: da.Distribution, index: number[]): number {
  const found = d.owningRanks(index).filter((r) => {
    try {
      d.forRank(r).localFromGlobal(index);
      return true;
    } catch {
      return false;
    }
  });
  assert.equal(found.length, 1, `owners of [${index}]`);
  return found[0]!;
}

/** Owners and counts of a cell's block, counted element by element. */
function bruteForce(
  d: da.Distribution,
  panel: ProcmapPanel,
  k: number,
  slice: number[],
): Map<number, number> {
  const nc = panel.cols.length;
  const i = Math.floor(k / nc);
  const j = k % nc;
  const counts = new Map<number, number>();
  const ndim = d.shape.length;
  for (let r = ndim >= 2 ? panel.rows[i]! : 0; r < (ndim >= 2 ? panel.rowEnds![i]! : 1); r++) {
    for (let c = panel.cols[j]!; c < panel.colEnds![j]!; c++) {
      const index = ndim === 1 ? [c] : [r, c, ...slice];
      const rank = ownerOf(d, index);
      counts.set(rank, (counts.get(rank) ?? 0) + 1);
    }
  }
  return counts;
}

/** Checks every cell of the global map against the distribution, element by element. */
function assertFaithful(d: da.Distribution, p: ProcmapPayload, slices: number[][] = [[]]): void {
  assert.equal(procmapPayloadProblem(JSON.parse(JSON.stringify(p))), null);
  assert.match(p.global.note, /^Down-sampled: each cell stands for a block of /);
  const totals = new Map<number, number>();
  p.global.panels.forEach((panel, pi) => {
    assert.ok(panel.blockOwners && panel.blockCounts && panel.rowEnds && panel.colEnds);
    for (let k = 0; k < panel.rank.length; k++) {
      const owners = cellOwners(panel, k);
      const expected = bruteForce(d, panel, k, slices[pi]!);
      assert.deepEqual(
        new Map(owners.map((o) => [o.rank, o.count])),
        expected,
        `cell ${k} of panel ${pi}`,
      );
      // Most elements first, ties by rank; the cell's rank owns its first element.
      const sorted = [...owners].sort((a, b) => b.count - a.count || a.rank - b.rank);
      assert.deepEqual(owners, sorted);
      assert.equal(panel.rank[k], ownerOf(d, panel.index[k]!));
      for (const o of owners) totals.set(o.rank, (totals.get(o.rank) ?? 0) + o.count);
    }
  });
  if (slices.length === 1) {
    // Blocks tile the whole map: the counts add up to each engine's exact local size.
    d.targets.forEach((_, rank) => {
      const size = d.localShape(rank).reduce((a, b) => a * b, 1);
      assert.equal(totals.get(rank) ?? 0, size, `rank ${rank}`);
    });
  }
}

/** Engines whose colour is drawn in an SVG (whole cells and parts of mixed blocks). */
function targetsDrawn(svg: string): Set<number> {
  const drawn = svg.matchAll(/class="da-(?:cell|part)" data-rank="\d+" data-target="(\d+)"/g);
  return new Set([...drawn].map((m) => Number(m[1])));
}

describe("down-sampled process maps", () => {
  it("a 64 x 64 ('b', 'c') map keeps all four engines, with exact block owners", () => {
    const d = da.Distribution.fromShape(FOUR, [64, 64], { dist: "bc" });
    const p = computeProcmapPayload(d, { legend: true });
    const [panel] = p.global.panels;
    assert.equal(panel!.rank.length, 32 * 32);
    assertFaithful(d, p);
    // Every 2 x 2 block spans both cyclic columns: two owners, two elements each.
    const owners = new Set(panel!.blockOwners!.flat());
    assert.deepEqual([...owners].sort(), [0, 1, 2, 3]);
    assert.deepEqual(panel!.blockCounts![0], [2, 2]);
    assert.match(p.global.note, /block of up to 2 rows x 2 columns; .*several owners/);
    // The first element's owner alone would show engines 0 and 2 only.
    assert.deepEqual([...new Set(panel!.rank)].sort(), [0, 2]);

    const svg = procmapToSvg(p, { locals: false });
    assert.deepEqual([...targetsDrawn(svg)].sort(), [0, 1, 2, 3]);
    const mixed = svg.match(/<g class="da-mixed" data-owners="0 1" data-counts="2 2">/g);
    assert.equal(mixed?.length, 16 * 32);
    const { colors } = enginePalette(4);
    for (const c of colors) assert.ok(svg.includes(`fill="${c}"`), c);
    assert.ok(svg.includes('class="da-note"'));
    assert.ok(svg.includes("a cell split into several colours is a block with several owners"));

    const hover = cellHoverText(p, panel!, 32 * 16);
    assert.equal(
      hover,
      [
        "block of 4 elements: rows 32 to 33, columns 0 to 1",
        "mixed block, 2 owners:",
        "  engine 2 (rank 2): 2",
        "  engine 3 (rank 3): 2",
        "first element:",
        "  index (32, 0)",
        "  owner rank 2, engine 2",
        "  local index (0, 0)",
      ].join("\n"),
    );
    const text = procmapToText(p).split("\n");
    assert.equal(text[1], Array(32).fill("*").join(" "));
    assert.ok(text.includes("* = a block with several owners"));
    assert.ok(
      text.includes("engine 1 (rank 1, Process (0, 1)): 1024 elements, local shape (32, 32)"),
    );
  });

  it("a large cyclic 1-d array keeps every engine visible (4 engines, and 3 of 4 used)", () => {
    for (const [targets, n] of [
      [FOUR, 5000],
      [{ targets: [1, 2, 3] }, 4099],
    ] as const) {
      const d = da.Distribution.fromShape(targets, [n], { dist: "c" });
      const p = computeProcmapPayload(d, { engineCount: 4 });
      const [panel] = p.global.panels;
      assert.ok(panel!.rank.length <= 1024);
      assertFaithful(d, p);
      assert.match(p.global.note, /block of \d+ elements; /);
      const svg = procmapToSvg(p, { locals: false });
      assert.deepEqual([...targetsDrawn(svg)].sort(), [...targets.targets]);
      assert.match(cellHoverText(p, panel!, 1), /^block of \d+ elements: indices \d+ to \d+\n/);
    }
  });

  it("blocks with one owner stay whole cells; unstructured, block-cyclic and 3-d maps are exact", () => {
    const rows = da.Distribution.fromShape(FOUR, [200, 40], { dist: "bn" });
    const p = computeProcmapPayload(rows, { maxCells: 400 });
    assertFaithful(rows, p);
    const panel = p.global.panels[0]!;
    const single = panel.blockOwners!.filter((o) => o.length === 1).length;
    assert.ok(single > panel.rank.length / 2, `${single} single-owner blocks`);
    assert.equal(procmapToSvg(p, { locals: false }).match(/class="da-cell"/g)?.length, single);

    const indices = Array.from({ length: 4 }, () => [] as number[]);
    for (let i = 0; i < 90; i++) indices[(i * 7) % 4]!.push(i);
    const u = da.Distribution.fromGlobalDimData(FOUR, [{ dist_type: "u", indices }]);
    assertFaithful(u, computeProcmapPayload(u, { maxCells: 20 }));

    const bc = da.Distribution.fromShape(FOUR, [50, 70], {
      dist: [
        { dist_type: "c", block_size: 3 },
        { dist_type: "c", block_size: 5 },
      ],
    });
    assertFaithful(bc, computeProcmapPayload(bc, { maxCells: 100 }));

    const three = da.Distribution.fromShape(FOUR, [40, 40, 3], { dist: "cbn" });
    const p3 = computeProcmapPayload(three, { maxCells: 100 });
    assertFaithful(three, p3, [[0], [1], [2]]);
  });

  it("local subfigures down-sample into blocks of their one owner", () => {
    const d = da.Distribution.fromShape(FOUR, [64, 64], { dist: "bc" });
    const p = computeProcmapPayload(d, { maxCells: 256 });
    for (const local of p.locals) {
      assert.match(local.note, /^Down-sampled: each cell stands for a block of /);
      assert.ok(!local.note.includes("several owners"));
      const panel = local.panels[0]!;
      assert.ok(panel.blockOwners!.every((o) => o.length === 1 && o[0] === local.rank));
      const total = panel.blockCounts!.reduce((a, c) => a + c[0]!, 0);
      assert.equal(total, 32 * 32);
    }
  });

  it("the schema checks block fields", () => {
    const d = da.Distribution.fromShape(FOUR, [64, 64], { dist: "bc" });
    const p = computeProcmapPayload(d);
    const broken = structuredClone(p);
    broken.global.panels[0]!.blockCounts![3] = [];
    assert.match(procmapPayloadProblem(broken) ?? "", /blockOwners and blockCounts need 1024/);
    const noEnds = structuredClone(p);
    noEnds.global.panels[0]!.rowEnds!.pop();
    assert.match(procmapPayloadProblem(noEnds) ?? "", /rowEnds needs 32 numbers/);
    const half = structuredClone(p);
    delete half.global.panels[0]!.blockCounts;
    assert.ok(procmapPayloadProblem(half));
    // Maps drawn cell by cell carry no block fields.
    const small = computeProcmapPayload(da.Distribution.fromShape(FOUR, [8, 8], { dist: "bc" }));
    assert.equal(small.global.panels[0]!.blockOwners, undefined);
    assert.equal(small.global.note, "");
  });
});

// Process-map payloads and their static fallbacks, computed from real Distributions (no engines).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { procmapBundle } from "@distarray/kernel/plot/procmap-bundle";
import { computeProcmapPayload, enginePalette } from "@distarray/kernel/plot/procmap-payload";
import {
  isProcmapPayload,
  PROCMAP_MIME,
  type ProcmapPayload,
  procmapPayloadProblem,
} from "@distarray/kernel/plot/procmap-schema";
import { procmapToSvg, procmapToText } from "@distarray/kernel/plot/procmap-svg";
import * as da from "distarray";

const FOUR = { targets: [0, 1, 2, 3] };

function cases(): [string, da.Distribution][] {
  return [
    ["bb", da.Distribution.fromShape(FOUR, [6, 8], { dist: "bb" })],
    ["cc", da.Distribution.fromShape(FOUR, [5, 7], { dist: "cc" })],
    [
      "block-cyclic",
      da.Distribution.fromShape(FOUR, [6, 10], {
        dist: ["b", { dist_type: "c", block_size: 3 }],
      }),
    ],
    [
      "u",
      da.Distribution.fromGlobalDimData(FOUR, [
        { dist_type: "u", indices: [[0, 3, 5], [1, 2], [4, 6, 7], [8]] },
      ]),
    ],
    ["n", da.Distribution.fromShape(FOUR, [4, 5], { dist: "bn" })],
    ["3-d", da.Distribution.fromShape(FOUR, [4, 6, 3], { dist: "bbn" })],
    ["1-d cyclic", da.Distribution.fromShape(FOUR, [11], { dist: "c" })],
  ];
}

function values(shape: readonly number[]): da.NDArray {
  const size = shape.reduce((a, b) => a * b, 1);
  return da.array(
    Float64Array.from({ length: size }, (_, i) => i * 0.5),
    { shape: [...shape] },
  );
}

function cellsByTarget(p: ProcmapPayload, view = p.global): Map<number, number> {
  const counts = new Map<number, number>();
  for (const panel of view.panels) {
    for (const rank of panel.rank) {
      const t = p.targets[rank]!;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
  }
  return counts;
}

describe("computeProcmapPayload", () => {
  for (const [name, d] of cases()) {
    it(`${name}: every cell names its owner, local index and value`, () => {
      const v = values(d.shape);
      const p = computeProcmapPayload(d, { values: v, engineCount: 4 });
      assert.equal(procmapPayloadProblem(p), null);
      for (const panel of p.global.panels) {
        panel.index.forEach((index, k) => {
          const rank = panel.rank[k]!;
          assert.ok(d.owningRanks(index).includes(rank));
          assert.deepEqual(d.forRank(rank).globalFromLocal(panel.localIndex[k]!), index);
          assert.equal(panel.label[k], String(v.get(index)));
        });
      }
    });

    it(`${name}: each engine's colour covers exactly its local size`, () => {
      const p = computeProcmapPayload(d, { engineCount: 4 });
      const counts = cellsByTarget(p);
      for (let rank = 0; rank < d.targets.length; rank++) {
        const size = d.localShape(rank).reduce((a, b) => a * b, 1);
        assert.equal(counts.get(d.targets[rank]!) ?? 0, size, `rank ${rank}`);
      }
    });

    it(`${name}: one subfigure per non-empty engine, holding its local array`, () => {
      const v = values(d.shape);
      const p = computeProcmapPayload(d, { values: v });
      const nonEmpty = d.targets.filter((_, r) => d.localShape(r).every((n) => n > 0));
      assert.deepEqual(
        p.locals.map((l) => l.target),
        nonEmpty,
      );
      for (const local of p.locals) {
        assert.equal(local.title, `Process (${d.coordsFromRank(local.rank).join(", ")})`);
        const size = local.localShape.reduce((a, b) => a * b, 1);
        assert.equal(cellsByTarget(p, local).get(local.target), size);
        for (const panel of local.panels) {
          panel.localIndex.forEach((li, k) => {
            assert.equal(panel.label[k], String(v.get(d.forRank(local.rank).globalFromLocal(li))));
          });
        }
      }
    });
  }

  it("reproduces DistArray's (5, 9) ('b', 'c') process assignment on a (2, 2) grid", () => {
    const d = da.Distribution.fromShape(FOUR, [5, 9], { dist: "bc", gridShape: [2, 2] });
    const p = computeProcmapPayload(d);
    const [panel] = p.global.panels;
    const row = (i: number) => panel!.rank.slice(i * 9, i * 9 + 9);
    for (const i of [0, 1, 2]) assert.deepEqual(row(i), [0, 1, 0, 1, 0, 1, 0, 1, 0]);
    for (const i of [3, 4]) assert.deepEqual(row(i), [2, 3, 2, 3, 2, 3, 2, 3, 2]);
  });

  it("draws 1-d arrays as a 1xN strip and 3-d arrays as a row of slices", () => {
    const one = computeProcmapPayload(da.Distribution.fromShape(FOUR, [7], { dist: "b" }));
    assert.equal(one.global.panels.length, 1);
    assert.deepEqual(one.global.panels[0]!.rows, [0]);
    assert.equal(one.global.panels[0]!.cols.length, 7);
    const three = computeProcmapPayload(
      da.Distribution.fromShape(FOUR, [4, 6, 3], { dist: "bbn" }),
    );
    assert.deepEqual(
      three.global.panels.map((p) => p.title),
      ["[:, :, 0]", "[:, :, 1]", "[:, :, 2]"],
    );
    assert.deepEqual(three.global.panels[2]!.index[0], [0, 0, 2]);
  });

  it("down-samples large arrays and says so", () => {
    const d = da.Distribution.fromShape(FOUR, [300, 500], { dist: "bb" });
    const p = computeProcmapPayload(d, { maxCells: 1000 });
    const [panel] = p.global.panels;
    assert.ok(panel!.rank.length <= 1000, `${panel!.rank.length} cells`);
    assert.match(
      p.global.note,
      /^Down-sampled: each cell stands for a block of up to \d+ rows? x \d+ columns?/,
    );
    assert.ok(p.locals.every((l) => l.panels[0]!.rank.length <= 1000));
    const small = computeProcmapPayload(da.Distribution.fromShape(FOUR, [4, 4]));
    assert.equal(small.global.note, "");
  });

  it("colours engines by id with one discrete jet colour per engine of the context", () => {
    const d = da.Distribution.fromShape({ targets: [1, 3] }, [4, 4], { dist: "bn" });
    const p = computeProcmapPayload(d, { engineCount: 4 });
    assert.deepEqual(p.colors, enginePalette(4).colors);
    assert.equal(new Set(p.colors).size, 4);
    assert.equal(p.colors[0], "rgb(0, 0, 128)");
    assert.equal(p.textColors[0], "white");
    const q = computeProcmapPayload(da.Distribution.fromShape(FOUR, [4, 4]), { engineCount: 4 });
    assert.equal(p.colors[3], q.colors[3]);
  });

  it("rejects values of another shape and bad limits", () => {
    const d = da.Distribution.fromShape(FOUR, [4, 4]);
    assert.throws(
      () => computeProcmapPayload(d, { values: values([2, 8]) }),
      (e: unknown) => e instanceof da.DistArrayError && e.code === "DA_ERR_SHAPE",
    );
    assert.throws(() => computeProcmapPayload(d, { maxCells: 0 }), TypeError);
  });
});

describe("procmap schema", () => {
  it("accepts computed payloads and names the first problem of others", () => {
    const p = computeProcmapPayload(da.Distribution.fromShape(FOUR, [3, 3]));
    assert.ok(isProcmapPayload(JSON.parse(JSON.stringify(p))));
    assert.match(procmapPayloadProblem({ ...p, version: 2 }) ?? "", /version must be 1/);
    const broken = structuredClone(p);
    broken.global.panels[0]!.rank.pop();
    assert.match(procmapPayloadProblem(broken) ?? "", /rank needs 9 numbers/);
    assert.equal(PROCMAP_MIME, "application/vnd.distarray.procmap.v1+json");
  });
});

describe("static fallbacks", () => {
  for (const [name, d] of cases()) {
    it(`${name}: the SVG has one rect per element in its engine's colour`, () => {
      const p = computeProcmapPayload(d, { values: values(d.shape), engineCount: 4 });
      const svg = procmapToSvg(p, { locals: false });
      assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      for (let rank = 0; rank < d.targets.length; rank++) {
        const t = d.targets[rank]!;
        const re = new RegExp(
          `class="da-cell" data-rank="${rank}" data-target="${t}"[^>]*fill="${p.colors[t]!.replace(/[()]/g, "\\$&")}"`,
          "g",
        );
        const size = d.localShape(rank).reduce((a, b) => a * b, 1);
        assert.equal(svg.match(re)?.length ?? 0, size, `rank ${rank}`);
      }
    });
  }

  it("the SVG carries titles, labels, legend, hover text and the local arrays", () => {
    const d = da.Distribution.fromShape(FOUR, [4, 4], { dist: "bb" });
    const p = computeProcmapPayload(d, {
      values: values([4, 4]),
      title: "A <b> map",
      xlabel: "columns",
      ylabel: "rows",
      legend: true,
    });
    const svg = procmapToSvg(p);
    assert.ok(svg.includes("A &lt;b&gt; map"));
    assert.ok(svg.includes(">columns<") && svg.includes(">rows<"));
    assert.equal(svg.match(/class="da-legend"/g)?.length, 4);
    assert.ok(
      svg.includes(
        "<title>index (1, 2)\nowner rank 1, engine 1\nlocal index (1, 0)\nvalue 3</title>",
      ),
    );
    assert.equal(svg.match(/class="da-local"/g)?.length, 4);
    assert.ok(svg.includes(">Process (1, 1)<"));
  });

  it("without values, cells are labelled with ranks and hover shows no value", () => {
    const d = da.Distribution.fromShape(FOUR, [2, 2], { dist: "bb" });
    const p = computeProcmapPayload(d);
    assert.equal(p.labels, "ranks");
    assert.deepEqual(p.global.panels[0]!.label, ["0", "1", "2", "3"]);
    const svg = procmapToSvg(p);
    assert.ok(
      svg.includes("<title>index (1, 1)\nowner rank 3, engine 3\nlocal index (0, 0)</title>"),
    );
    assert.equal(computeProcmapPayload(d, { values: values([2, 2]) }).labels, "values");
  });

  it("text fallback prints the owner grid and per-engine counts", () => {
    const d = da.Distribution.fromShape(FOUR, [5, 9], { dist: "bc", gridShape: [2, 2] });
    const text = procmapToText(computeProcmapPayload(d));
    const lines = text.split("\n");
    assert.equal(lines[0], "process map of shape (5, 9), dist ('b', 'c'), grid (2, 2)");
    assert.equal(lines[1], "0 1 0 1 0 1 0 1 0");
    assert.equal(lines[4], "2 3 2 3 2 3 2 3 2");
    assert.ok(lines.includes("engine 3 (rank 3, Process (1, 1)): 8 elements, local shape (2, 4)"));
  });

  it("the display bundle has our MIME type and every fallback", () => {
    const p = computeProcmapPayload(da.Distribution.fromShape(FOUR, [3, 3]));
    const bundle = procmapBundle(p);
    assert.deepEqual(Object.keys(bundle).sort(), [
      PROCMAP_MIME,
      "image/svg+xml",
      "text/html",
      "text/plain",
    ]);
    assert.ok(String(bundle["text/html"]).includes("<svg"));
  });
});

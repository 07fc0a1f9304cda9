// da.plotArrayDistribution against 4 real engines (outside a kernel: it writes files).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as da from "distarray";
import { useTestContext } from "../helpers/engines.js";

describe("plotArrayDistribution", () => {
  const t = useTestContext(4);
  const dir = mkdtempSync(join(tmpdir(), "distarray-plot-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("resolves to DistArray's process assignment for (5, 9) ('b', 'c') on a (2, 2) grid", async () => {
    const a = t.ctx.zeros([5, 9], { dist: "bc", gridShape: [2, 2] });
    const p = await da.plotArrayDistribution(a);
    assert.ok(p.distribution.isCompatible(a.distribution));
    const rows = (await p.toArray()).toNested() as number[][];
    for (const i of [0, 1, 2]) assert.deepEqual(rows[i], [0, 1, 0, 1, 0, 1, 0, 1, 0]);
    for (const i of [3, 4]) assert.deepEqual(rows[i], [2, 3, 2, 3, 2, 3, 2, 3, 2]);
  });

  for (const [name, dist] of [
    ["cc", "cc"],
    ["block-cyclic", ["b", { dist_type: "c", block_size: 2 }]],
    ["n", "nb"],
  ] as const) {
    it(`${name}: every element of the assignment names the engine that stores it`, async () => {
      const a = t.ctx.fromFunction((i, j) => i * 100 + j, [6, 7], { dist: dist as da.DistSpec });
      const p = await da.plotArrayDistribution(a);
      const locals = await p.getNdarrays();
      p.distribution.targets.forEach((_, rank) => {
        const data = Array.from(locals[rank]!.data as Int32Array);
        assert.ok(
          data.every((v) => v === rank),
          `rank ${rank}: ${data}`,
        );
      });
    });
  }

  it("on a subset of engines, elements hold ranks in the array's own grid", async () => {
    const a = t.ctx.zeros([6, 4], { dist: "bn", targets: [1, 3] });
    const p = await da.plotArrayDistribution(a);
    assert.deepEqual(p.targets, [1, 3]);
    const engine = await p.toArray();
    assert.deepEqual(
      Array.from(engine.data as Int32Array),
      Array.from(da.processAssignment(a.distribution).data as Int32Array),
    );
    assert.deepEqual(new Set(engine.data as Int32Array), new Set([0, 1]));
  });

  it("writes the global map and the local arrays as SVG or HTML by extension", async () => {
    const a = t.ctx.fromFunction((i, j) => i + j / 10, [4, 6], { dist: "bb" });
    const globalSvg = join(dir, "global.svg");
    const localHtml = join(dir, "local.html");
    await da.plotArrayDistribution(a, {
      title: "bb map",
      legend: true,
      globalPlotFilename: globalSvg,
      localPlotFilename: localHtml,
    });
    const svg = readFileSync(globalSvg, "utf8");
    assert.match(svg, /^<svg /);
    assert.equal(svg.match(/class="da-cell"/g)?.length, 24);
    assert.ok(svg.includes(">bb map<") && svg.includes(">0.5<"));
    assert.ok(!svg.includes("Local Arrays"));
    const html = readFileSync(localHtml, "utf8");
    assert.match(html, /^<!doctype html>/);
    assert.equal(html.match(/class="da-local"/g)?.length, 4);
    assert.ok(html.includes(">Process (1, 1)<"));
  });

  it("checks its options", async () => {
    const a = t.ctx.zeros([4, 4]);
    await assert.rejects(
      da.plotArrayDistribution(a, { globalPlotFilename: join(dir, "x.png") }),
      (e: unknown) => e instanceof da.DistArrayError && e.code === "DA_ERR_VALUE",
    );
    await assert.rejects(
      da.plotArrayDistribution(a, { legend: "yes" as unknown as boolean }),
      TypeError,
    );
  });
});

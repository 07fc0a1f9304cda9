// JupyterLab in headless Chromium: a notebook starts 4 engines and plots arrays with dists
// bb, cc, block-cyclic, u and n; the rendered plotly SVG is checked against the layout the
// Distribution itself reports (computed here, independently of the renderer).
import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { enginePalette } from "@distarray/kernel/plot/procmap-payload";
import * as da from "distarray";
import type { Browser, Page } from "playwright-core";
import { repoRoot } from "../helpers/paths.js";
import {
  artifactPath,
  inPage,
  type LabServer,
  launchBrowser,
  openNotebook,
  runAll,
  startLab,
  writeNotebook,
} from "./lab-server.js";

const FOUR = { targets: [0, 1, 2, 3] };
/** Maps drawn by notebooks/process-maps.ipynb. */
const EXAMPLE_MAPS = 6;
const U_INDICES = [[0, 3, 5], [1, 2], [4, 6, 7], [8]];

/** Each case: the notebook's code for the array, and the same Distribution built here. */
const CASES: { name: string; code: string; distribution: () => da.Distribution }[] = [
  {
    name: "bb",
    code: `ctx.fromFunction((i, j) => i * 10 + j, [6, 8], {dist: "bb"})`,
    distribution: () => da.Distribution.fromShape(FOUR, [6, 8], { dist: "bb" }),
  },
  {
    name: "cc",
    code: `ctx.fromFunction((i, j) => i * 10 + j, [5, 7], {dist: "cc"})`,
    distribution: () => da.Distribution.fromShape(FOUR, [5, 7], { dist: "cc" }),
  },
  {
    name: "block-cyclic",
    code: `ctx.fromFunction((i, j) => i * 10 + j, [6, 10], {dist: ["b", {dist_type: "c", block_size: 2}]})`,
    distribution: () =>
      da.Distribution.fromShape(FOUR, [6, 10], { dist: ["b", { dist_type: "c", block_size: 2 }] }),
  },
  {
    name: "u",
    code: `ctx.fromFunction((i) => i * 1.5, da.Distribution.fromGlobalDimData(ctx, [{dist_type: "u", indices: ${JSON.stringify(U_INDICES)}}]))`,
    distribution: () =>
      da.Distribution.fromGlobalDimData(FOUR, [{ dist_type: "u", indices: U_INDICES }]),
  },
  {
    name: "n",
    code: `ctx.fromFunction((i, j) => i - j, [5, 8], {dist: "nb"})`,
    distribution: () => da.Distribution.fromShape(FOUR, [5, 8], { dist: "nb" }),
  },
];

/** The rank that stores `index` (unstructured maps name every candidate in owningRanks). */
function owner(d: da.Distribution, index: number[]): { rank: number; local: number[] } {
  const found = d
    .owningRanks(index)
    .filter((r) => d.forRank(r).globalIndices(0).includes(index[0]!))
    .map((rank) => ({ rank, local: d.forRank(rank).localFromGlobal(index) }));
  assert.equal(found.length, 1);
  return found[0]!;
}

function localSize(d: da.Distribution, rank: number): number {
  return d.localShape(rank).reduce((a, b) => a * b, 1);
}

describe("process maps in JupyterLab", () => {
  let lab: LabServer;
  let browser: Browser;
  let page: Page;
  const palette = enginePalette(4).colors;

  before(async () => {
    lab = await startLab();
    browser = await launchBrowser();
    const cells = [
      "const ctx = await da.Context.start({engines: 4});\nctx.targets",
      ...CASES.map(
        (c, i) =>
          `const a${i} = ${c.code};\nawait da.plotArrayDistribution(a${i}, {title: ${JSON.stringify(c.name)}, legend: true});`,
      ),
      "await ctx.close();\n'closed'",
    ];
    writeNotebook(join(lab.root, "maps.ipynb"), cells);
    page = await openNotebook(browser, lab, "maps.ipynb");
    await runAll(page, cells.length);
    await page.waitForFunction(
      `document.querySelectorAll(".da-procmap[data-rendered=true]").length >= ${CASES.length}`,
    );
  });

  after(async () => {
    await browser?.close();
    await lab?.stop();
  });

  it("renders one map per plot with our renderer", async () => {
    const maps = await page.$$(".da-procmap[data-rendered=true]");
    assert.equal(maps.length, CASES.length);
    const origins = await inPage<string[]>(
      page,
      `() => [...document.querySelectorAll(".da-procmap")].map((e) => e.dataset.origin)`,
    );
    assert.ok(origins.every((o) => o === "bundled"));
  });

  CASES.forEach((c, index) => {
    it(`${c.name}: each engine's colour covers exactly its local size`, async () => {
      const d = c.distribution();
      const map = (await page.$$(".da-procmap[data-rendered=true]"))[index]!;
      await map.scrollIntoViewIfNeeded();
      await map.screenshot({ path: artifactPath(`map-${c.name}.png`) });
      const fills = await inPage<string[]>(
        page,
        `(i) => [...document.querySelectorAll(".da-procmap[data-rendered=true]")[i]
          .querySelectorAll(".da-procmap-global path.point")].map((e) => e.style.fill)`,
        index,
      );
      const counts = new Map<string, number>();
      for (const f of fills) counts.set(f, (counts.get(f) ?? 0) + 1);
      const size = d.shape.reduce((a, b) => a * b, 1);
      assert.equal(fills.length, size);
      d.targets.forEach((target, rank) => {
        assert.equal(counts.get(palette[target]!) ?? 0, localSize(d, rank), `engine ${target}`);
      });
    });

    it(`${c.name}: hover names the owner of chosen cells`, async () => {
      const d = c.distribution();
      const map = (await page.$$(".da-procmap[data-rendered=true]"))[index]!;
      await map.scrollIntoViewIfNeeded();
      const last = d.shape.map((n) => n - 1);
      const middle = d.shape.map((n) => Math.floor(n / 2));
      for (const cell of [d.shape.map(() => 0), middle, last]) {
        const [row, col] = cell.length === 1 ? [0, cell[0]!] : [cell[0]!, cell[1]!];
        // Where plotly draws cell (row, col): its axes map data to pixels.
        const point = await inPage<{ x: number; y: number }>(
          page,
          `([i, row, col]) => {
            const gd = document.querySelectorAll(".da-procmap[data-rendered=true]")[i]
              .querySelector(".da-procmap-global");
            const { xaxis, yaxis } = gd._fullLayout;
            const box = gd.getBoundingClientRect();
            return { x: box.left + xaxis._offset + xaxis.l2p(col), y: box.top + yaxis._offset + yaxis.l2p(row) };
          }`,
          [index, row, col],
        );
        await page.mouse.move(point.x, point.y);
        const hover = await page.waitForSelector(".da-procmap-global .hoverlayer .hovertext");
        const text = (await hover.textContent()) ?? "";
        const { rank, local } = owner(d, cell);
        assert.ok(text.includes(`owner rank ${rank}, engine ${d.targets[rank]}`), text);
        assert.ok(text.includes(`index (${cell.join(", ")}${cell.length === 1 ? "," : ""})`), text);
        assert.ok(
          text.includes(`local index (${local.join(", ")}${local.length === 1 ? "," : ""})`),
          text,
        );
        await page.mouse.move(0, 0);
        await page.waitForSelector(".da-procmap-global .hoverlayer .hovertext", {
          state: "detached",
        });
      }
    });

    it(`${c.name}: subfigures number the non-empty engines`, async () => {
      const d = c.distribution();
      const titles = await inPage<string[]>(
        page,
        `(i) => [...document.querySelectorAll(".da-procmap[data-rendered=true]")[i]
          .querySelectorAll(".da-procmap-local .gtitle")].map((e) => e.textContent)`,
        index,
      );
      const expected = d.targets
        .map((_, rank) => rank)
        .filter((rank) => localSize(d, rank) > 0)
        .map((rank) => `Process (${d.coordsFromRank(rank).join(", ")})`);
      assert.deepEqual(titles, expected);
      const cells = await inPage<number[]>(
        page,
        `(i) => [...document.querySelectorAll(".da-procmap[data-rendered=true]")[i]
          .querySelectorAll(".da-procmap-local")].map((e) => e.querySelectorAll("path.point").length)`,
        index,
      );
      assert.deepEqual(
        cells,
        d.targets.map((_, r) => localSize(d, r)).filter((n) => n > 0),
      );
    });
  });

  it("the example notebook runs and draws all its maps", async () => {
    copyFileSync(
      join(repoRoot, "notebooks", "process-maps.ipynb"),
      join(lab.root, "example.ipynb"),
    );
    const example = await openNotebook(browser, lab, "example.ipynb");
    const codeCells = await example.locator(".jp-CodeCell").count();
    await runAll(example, codeCells);
    await example.waitForFunction(
      `document.querySelectorAll(".da-procmap[data-rendered=true]").length >= ${EXAMPLE_MAPS}`,
    );
    const notes = await inPage<string[]>(
      example,
      `() => [...document.querySelectorAll(".da-procmap-note")].map((e) => e.textContent)`,
    );
    assert.ok(
      notes.some((n) => n.startsWith("Down-sampled:")),
      notes.join("; "),
    );
    await example.screenshot({ path: artifactPath("example-notebook.png") });
    const maps = example.locator(".da-procmap[data-rendered=true]");
    for (const [i, name] of ["3d", "1d", "large"].entries()) {
      await maps
        .nth(EXAMPLE_MAPS - 3 + i)
        .screenshot({ path: artifactPath(`example-${name}.png`) });
    }
    await example.close();
  });

  it("saves a screenshot of the whole notebook", async () => {
    await page.screenshot({ path: artifactPath("notebook-maps.png"), fullPage: true });
    writeFileSync(artifactPath("notebook-maps.url.txt"), `${lab.base}/lab/tree/maps.ipynb\n`);
  });
});

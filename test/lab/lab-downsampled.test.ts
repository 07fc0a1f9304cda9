// Down-sampled process maps in JupyterLab (headless Chromium, our bundled renderer): a saved
// notebook holds a 64 x 64 ('b', 'c') map and a long cyclic 1-d map, both too large to draw
// cell by cell. Every engine's colour must be drawn, and hovering a block with several owners
// must list them with their exact counts.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { procmapBundle } from "@distarray/kernel/plot/procmap-bundle";
import { computeProcmapPayload, enginePalette } from "@distarray/kernel/plot/procmap-payload";
import * as da from "distarray";
import type { Browser, Page } from "playwright-core";
import {
  artifactPath,
  inPage,
  type LabServer,
  launchBrowser,
  openNotebook,
  startLab,
} from "./lab-server.js";

const FOUR = { targets: [0, 1, 2, 3] };
const MAPS = [
  { name: "bc", d: da.Distribution.fromShape(FOUR, [64, 64], { dist: "bc" }) },
  { name: "cyclic-1d", d: da.Distribution.fromShape(FOUR, [5000], { dist: "c" }) },
];

describe("down-sampled process maps in JupyterLab", () => {
  let lab: LabServer;
  let browser: Browser;
  let page: Page;
  const palette = enginePalette(4).colors;

  before(async () => {
    lab = await startLab();
    browser = await launchBrowser();
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: {
          name: "distarray",
          display_name: "DistArray (TypeScript)",
          language: "typescript",
        },
      },
      cells: MAPS.map((m, i) => ({
        cell_type: "code",
        id: `map-${m.name}`,
        execution_count: i + 1,
        metadata: {},
        source: "await da.plotArrayDistribution(a, { legend: true })",
        outputs: [
          {
            output_type: "display_data",
            data: procmapBundle(
              computeProcmapPayload(m.d, { engineCount: 4, legend: true, title: m.name }),
            ),
            metadata: {},
          },
        ],
      })),
    };
    writeFileSync(join(lab.root, "downsampled.ipynb"), JSON.stringify(nb));
    page = await openNotebook(browser, lab, "downsampled.ipynb");
    await page.waitForFunction(
      `document.querySelectorAll(".da-procmap[data-rendered=true]").length >= ${MAPS.length}`,
    );
  });

  after(async () => {
    await browser?.close();
    await lab?.stop();
  });

  MAPS.forEach((m, index) => {
    it(`${m.name}: every engine's colour is drawn, in the legend too, with the note`, async () => {
      const map = (await page.$$(".da-procmap[data-rendered=true]"))[index]!;
      await map.scrollIntoViewIfNeeded();
      await map.screenshot({ path: artifactPath(`downsampled-${m.name}.png`) });
      const seen = await inPage<{ fills: string[]; legend: string[]; note: string }>(
        page,
        `(i) => {
          const map = document.querySelectorAll(".da-procmap[data-rendered=true]")[i];
          return {
            fills: [...new Set([...map.querySelectorAll(".da-procmap-global path.point")]
              .map((e) => e.style.fill))],
            legend: [...map.querySelectorAll(".da-procmap-global .legend .traces .legendtext")]
              .map((e) => e.textContent),
            note: map.querySelector(".da-procmap-note")?.textContent ?? "",
          };
        }`,
        index,
      );
      assert.deepEqual(seen.fills.sort(), [...palette].sort());
      assert.deepEqual(seen.legend, ["0", "1", "2", "3"]);
      assert.match(seen.note, /^Down-sampled: each cell stands for a block of .*several owners/);
    });

    it(`${m.name}: hovering a mixed block lists its owners and counts`, async () => {
      const map = (await page.$$(".da-procmap[data-rendered=true]"))[index]!;
      await map.scrollIntoViewIfNeeded();
      // The centre of drawn cell (0, 1): its parts sit around it.
      const point = await inPage<{ x: number; y: number }>(
        page,
        `(i) => {
          const gd = document.querySelectorAll(".da-procmap[data-rendered=true]")[i]
            .querySelector(".da-procmap-global");
          const { xaxis, yaxis } = gd._fullLayout;
          const box = gd.getBoundingClientRect();
          return { x: box.left + xaxis._offset + xaxis.l2p(1), y: box.top + yaxis._offset + yaxis.l2p(0) };
        }`,
        index,
      );
      await page.mouse.move(point.x, point.y);
      const hover = await page.waitForSelector(".da-procmap-global .hoverlayer .hovertext");
      const text = (await hover.textContent()) ?? "";
      assert.ok(text.includes("mixed block"), text);
      if (m.name === "bc") {
        assert.ok(text.includes("block of 4 elements: rows 0 to 1, columns 2 to 3"), text);
        assert.ok(text.includes("engine 0 (rank 0): 2") && text.includes("engine 1 (rank 1): 2"));
      } else {
        const n = Math.ceil(5000 / 1024);
        assert.ok(text.includes(`block of ${n} elements: indices ${n} to ${2 * n - 1}`), text);
        for (const t of [0, 1, 2, 3])
          assert.match(text, new RegExp(`engine ${t} \\(rank ${t}\\): \\d`));
      }
      await page.mouse.move(0, 0);
      await page.waitForSelector(".da-procmap-global .hoverlayer .hovertext", {
        state: "detached",
      });
    });
  });
});

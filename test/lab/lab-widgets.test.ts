// The distribution explorer in JupyterLab: a dropdown changed in the browser recomputes the
// map and the counts (checked against the Distribution computed here), and changes made from
// kernel code move the controls in the browser.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as da from "distarray";
import type { Browser, Page } from "playwright-core";
import {
  artifactPath,
  inPage,
  kernelExec,
  type LabServer,
  launchBrowser,
  openNotebook,
  runAll,
  startLab,
  writeNotebook,
} from "./lab-server.js";

const SHAPE = [10, 6];

function expectedCounts(engines: number, dist: da.DistSpec): number[] {
  const targets = Array.from({ length: engines }, (_, i) => i);
  const d = da.Distribution.fromShape({ targets }, SHAPE, { dist });
  return targets.map((t) => {
    const rank = d.targets.indexOf(t);
    return rank < 0 ? 0 : d.localShape(rank).reduce((a, b) => a * b, 1);
  });
}

/** Per-engine counts from the stats table, and cells per colour from the live map. */
async function shown(page: Page): Promise<{ counts: number[]; cells: number }> {
  return inPage(
    page,
    `() => ({
      counts: [...document.querySelectorAll(".da-explorer-stats tr[data-target] .da-count")]
        .map((e) => Number(e.textContent)),
      cells: document.querySelectorAll(".da-procmap-widget .da-procmap-global path.point").length,
    })`,
  );
}

/** Waits until the stats table shows `counts` and the drawn map has as many cells per colour. */
async function waitForCounts(page: Page, counts: number[]): Promise<void> {
  const sorted = JSON.stringify(counts.filter((n) => n > 0).sort((a, b) => a - b));
  await page.waitForFunction(
    `(() => {
      const shownCounts = [...document.querySelectorAll(".da-explorer-stats tr[data-target] .da-count")]
        .map((e) => Number(e.textContent));
      const map = document.querySelector(".da-procmap-widget.da-procmap[data-rendered=true]");
      if (!map || JSON.stringify(shownCounts) !== ${JSON.stringify(JSON.stringify(counts))}) return false;
      const perColour = {};
      for (const p of map.querySelectorAll(".da-procmap-global path.point")) {
        perColour[p.style.fill] = (perColour[p.style.fill] ?? 0) + 1;
      }
      return JSON.stringify(Object.values(perColour).sort((a, b) => a - b)) === ${JSON.stringify(sorted)};
    })()`,
    undefined,
    { timeout: 30_000 },
  );
}

describe("distribution explorer in JupyterLab", () => {
  let lab: LabServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    lab = await startLab();
    browser = await launchBrowser();
    const cells = [
      `const ex = da.widgets.distributionExplorer({shape: ${JSON.stringify(SHAPE)}, engines: 4});\nex`,
      "const ctx = await da.Context.start({engines: 2});\nconst mon = da.widgets.clusterMonitor(ctx, {intervalMs: 200});\nmon",
    ];
    writeNotebook(join(lab.root, "explorer.ipynb"), cells);
    page = await openNotebook(browser, lab, "explorer.ipynb");
    await runAll(page, cells.length);
    await page.waitForSelector(".da-procmap-widget.da-procmap[data-rendered=true]");
  });

  after(async () => {
    if (page) await kernelExec(page, "mon.stop(); await ctx.close(); 'closed'");
    await browser?.close();
    await lab?.stop();
  });

  it("starts with ('b', 'n') on 4 engines", async () => {
    const expected = expectedCounts(4, "bn");
    await waitForCounts(page, expected);
    const s = await shown(page);
    assert.deepEqual(s.counts, expected);
    assert.equal(s.cells, SHAPE[0]! * SHAPE[1]!);
    await page
      .locator(".jp-OutputArea-output")
      .first()
      .screenshot({
        path: artifactPath("explorer-bn.png"),
      });
  });

  it("a dropdown changed in the browser recomputes the map and the counts", async () => {
    const selects = page.locator(".widget-dropdown select");
    assert.equal(await selects.count(), SHAPE.length);
    await selects.nth(1).selectOption("b");
    const expected = expectedCounts(4, "bb");
    assert.notDeepEqual(expected, expectedCounts(4, "bn"));
    await waitForCounts(page, expected);
    const colours = await inPage<Record<string, number>>(
      page,
      `() => {
        const out = {};
        for (const p of document.querySelectorAll(".da-procmap-widget .da-procmap-global path.point")) {
          out[p.style.fill] = (out[p.style.fill] ?? 0) + 1;
        }
        return out;
      }`,
    );
    assert.deepEqual(
      Object.values(colours).sort((a, b) => a - b),
      [...expected].sort((a, b) => a - b),
    );
    assert.equal(await kernelExec(page, "ex.setting.axes[1].dist"), "'b'");
    await page
      .locator(".jp-OutputArea-output")
      .first()
      .screenshot({
        path: artifactPath("explorer-bb.png"),
      });
  });

  it("changes made from the kernel move the controls in the browser", async () => {
    await kernelExec(page, "ex.setEngines(2); ex.setAxis(0, {dist: 'block-cyclic', blockSize: 3})");
    const expected = expectedCounts(2, [{ dist_type: "c", block_size: 3 }, "b"]);
    await waitForCounts(page, expected);
    const controls = await inPage<{ engines: string; axis0: string; block0: string }>(
      page,
      `() => {
        const ints = [...document.querySelectorAll(".widget-inline-hbox input[type=number]")];
        const label = (el) => el.closest(".widget-inline-hbox").querySelector("label").textContent;
        const byLabel = Object.fromEntries(ints.map((el) => [label(el), el.value]));
        return {
          engines: byLabel["engines"],
          axis0: document.querySelectorAll(".widget-dropdown select")[0].value,
          block0: byLabel["block 0"],
        };
      }`,
    );
    assert.deepEqual(controls, { engines: "2", axis0: "block-cyclic", block0: "3" });
    assert.equal(
      await kernelExec(page, "ex.layout.counts.map((c) => c.elements).join(',')"),
      `'${expected.join(",")}'`,
    );
    await page
      .locator(".jp-OutputArea-output")
      .first()
      .screenshot({
        path: artifactPath("explorer-kernel-change.png"),
      });
  });

  it("an impossible grid shows the reason instead of a map", async () => {
    await kernelExec(page, "ex.setGridShape([3, 3])");
    await page.waitForSelector(".da-explorer-error");
    assert.notEqual(await kernelExec(page, "ex.error"), "''");
    await kernelExec(page, "ex.setGridShape(null)");
    await page.waitForSelector(".da-explorer-stats");
  });

  it("the cluster monitor lists the engines and follows the arrays they hold", async () => {
    const pids = JSON.parse(
      (await kernelExec(page, "JSON.stringify(ctx.enginePids)")).slice(1, -1),
    ) as number[];
    const rows = async () =>
      inPage<{ target: string; state: string; pid: string; arrays: string }[]>(
        page,
        `() => [...document.querySelectorAll(".da-cluster-monitor tr[data-target]")].map((tr) => ({
          target: tr.dataset.target, state: tr.dataset.state,
          pid: tr.children[1].textContent, arrays: tr.children[4].textContent }))`,
      );
    await page.waitForFunction(
      `[...document.querySelectorAll(".da-cluster-monitor tr[data-target]")]
        .filter((tr) => tr.dataset.state === "idle").length === 2`,
    );
    const before = await rows();
    assert.deepEqual(
      before.map((r) => [r.target, r.pid]),
      pids.map((pid, i) => [String(i), String(pid)]),
    );
    await kernelExec(page, "const held = ctx.zeros([100, 100]); await ctx.sync(); 'ok'");
    const expected = before.map((r) => String(Number(r.arrays) + 1));
    await page.waitForFunction(
      `JSON.stringify([...document.querySelectorAll(".da-cluster-monitor tr[data-target]")]
        .map((tr) => tr.children[4].textContent)) === ${JSON.stringify(JSON.stringify(expected))}`,
    );
    await page
      .locator(".da-cluster-monitor")
      .screenshot({ path: artifactPath("cluster-monitor.png") });
    // An engine working through a long task answers its status late: shown busy, then idle.
    await kernelExec(
      page,
      "const long = ctx.apply(() => { const t = Date.now(); while (Date.now() - t < 1500); }, [], {targets: [1]}); 'started'",
    );
    await page.waitForSelector(".da-cluster-monitor tr[data-target='1'][data-state=busy]");
    await page
      .locator(".da-cluster-monitor")
      .screenshot({ path: artifactPath("cluster-monitor-busy.png") });
    await kernelExec(page, "await long; 'done'");
    await page.waitForSelector(".da-cluster-monitor tr[data-target='1'][data-state=idle]");
  });
});

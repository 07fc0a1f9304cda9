// The prebuilt (federated) labextension, loaded the way a pip-installed JupyterLab loads it:
// from <JUPYTER_PATH>/labextensions/@distarray/labextension, listed by jupyterlab_server in
// the page config, fetched as a module-federation container that shares the host's core
// packages. The host then uses it instead of its bundled renderer.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { procmapBundle } from "@distarray/kernel/plot/procmap-bundle";
import { computeProcmapPayload, enginePalette } from "@distarray/kernel/plot/procmap-payload";
import * as da from "distarray";
import type { Browser, Page } from "playwright-core";
import { repoRoot } from "../helpers/paths.js";
import {
  artifactPath,
  inPage,
  type LabServer,
  launchBrowser,
  openNotebook,
  startLab,
} from "./lab-server.js";

const PREBUILT = join(repoRoot, "labextension", "dist", "federated", "@distarray", "labextension");

describe("prebuilt labextension in a federated host", () => {
  let lab: LabServer;
  let browser: Browser;
  let page: Page;
  let jupyterPath: string;
  const distribution = da.Distribution.fromShape({ targets: [0, 1, 2, 3] }, [6, 7], { dist: "cb" });

  before(async () => {
    if (!existsSync(join(PREBUILT, "package.json"))) {
      throw new Error(`${PREBUILT} is missing: run \`npm run build\` first`);
    }
    jupyterPath = mkdtempSync(join(tmpdir(), "distarray-labext-"));
    mkdirSync(join(jupyterPath, "labextensions", "@distarray"), { recursive: true });
    symlinkSync(PREBUILT, join(jupyterPath, "labextensions", "@distarray", "labextension"));
    lab = await startLab({ jupyterPath: [jupyterPath] });
    browser = await launchBrowser();
    // A notebook with a saved map output: rendering it needs no kernel work.
    const payload = computeProcmapPayload(distribution, { engineCount: 4, title: "federated" });
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
      cells: [
        {
          cell_type: "code",
          id: "saved-map",
          execution_count: 1,
          metadata: {},
          source: "await da.plotArrayDistribution(a)",
          outputs: [{ output_type: "display_data", data: procmapBundle(payload), metadata: {} }],
        },
      ],
    };
    writeFileSync(join(lab.root, "saved.ipynb"), JSON.stringify(nb));
    page = await openNotebook(browser, lab, "saved.ipynb");
    await page.waitForSelector(".da-procmap[data-rendered=true]");
  });

  after(async () => {
    await browser?.close();
    await lab?.stop();
    if (jupyterPath) rmSync(jupyterPath, { recursive: true, force: true });
  });

  it("the server lists the extension and the host loads it instead of its bundled copy", async () => {
    const listed = await inPage<string[]>(
      page,
      `() => JSON.parse(document.getElementById("jupyter-config-data").textContent)
        .federated_extensions.map((e) => e.name)`,
    );
    assert.deepEqual(listed, ["@distarray/labextension"]);
    const origin = await inPage<{ app: string; map: string }>(
      page,
      `() => ({ app: document.body.dataset.procmapRenderer,
        map: document.querySelector(".da-procmap").dataset.origin })`,
    );
    assert.deepEqual(origin, { app: "federated", map: "federated" });
  });

  it("renders the map with the right cells per engine", async () => {
    const fills = await inPage<string[]>(
      page,
      `() => [...document.querySelectorAll(".da-procmap-global path.point")].map((p) => p.style.fill)`,
    );
    const palette = enginePalette(4).colors;
    distribution.targets.forEach((target, rank) => {
      const size = distribution.localShape(rank).reduce((a, b) => a * b, 1);
      assert.equal(fills.filter((f) => f === palette[target]).length, size);
    });
    await page.locator(".da-procmap").screenshot({ path: artifactPath("federated-map.png") });
  });
});

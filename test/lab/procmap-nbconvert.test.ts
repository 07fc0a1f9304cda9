// The fallbacks where our renderer is absent: nbconvert (Debian's, as GitHub and nbviewer do
// the same kind of conversion) turns a notebook holding a process-map output into HTML that
// still shows the map, cell by cell, in the engines' colours.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { procmapBundle } from "@distarray/kernel/plot/procmap-bundle";
import { computeProcmapPayload } from "@distarray/kernel/plot/procmap-payload";
import * as da from "distarray";

describe("process maps through nbconvert", () => {
  const dir = mkdtempSync(join(tmpdir(), "distarray-nbconvert-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const d = da.Distribution.fromShape({ targets: [0, 1, 2, 3] }, [5, 9], {
    dist: "bc",
    gridShape: [2, 2],
  });
  const payload = computeProcmapPayload(d, { engineCount: 4, title: "bc map" });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: "code",
        id: "map",
        execution_count: 1,
        metadata: {},
        source: "await da.plotArrayDistribution(a)",
        outputs: [{ output_type: "display_data", data: procmapBundle(payload), metadata: {} }],
      },
    ],
  };
  const input = join(dir, "map.ipynb");
  writeFileSync(input, JSON.stringify(nb));

  function convert(to: string): string {
    const env = {
      ...process.env,
      JUPYTER_CONFIG_DIR: join(dir, "config"),
      JUPYTER_DATA_DIR: join(dir, "data"),
      JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
    };
    const r = spawnSync(
      "/usr/bin/python3",
      ["-m", "jupyter", "nbconvert", "--to", to, "--output-dir", dir, input],
      { env, encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(join(dir, `map.${to === "markdown" ? "md" : to}`), "utf8");
  }

  it("HTML export shows the map with one coloured cell per element", () => {
    const html = convert("html");
    // The global map of the first picture (the local arrays below it repeat every element).
    const svg = /<g class="da-global"[\s\S]*?<\/g>/.exec(html)?.[0] ?? "";
    for (let rank = 0; rank < 4; rank++) {
      const size = d.localShape(rank).reduce((a, b) => a * b, 1);
      const cells =
        svg.match(
          new RegExp(
            `class="da-cell" data-rank="${rank}"[^>]*fill="${payload.colors[rank]!.replace(/[()]/g, "\\$&")}"`,
            "g",
          ),
        ) ?? [];
      assert.equal(cells.length, size, `rank ${rank}`);
    }
    assert.ok(html.includes("bc map"));
  });

  it("Markdown export keeps a picture too", () => {
    const md = convert("markdown");
    const global = /<g class="da-global"[\s\S]*?<\/g>/.exec(md)?.[0] ?? "";
    assert.equal(global.match(/class="da-cell"/g)?.length, 45);
  });
});

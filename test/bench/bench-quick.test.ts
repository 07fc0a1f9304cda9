// The quick benchmark end to end: `node build/bench/main.js --quick` starts real engines,
// runs every workload and baseline, and writes the report. Timing is the benchmark's business;
// this checks that the report is complete.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot } from "../helpers/paths.js";

const WORKLOADS = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"];
const BASELINES = ["numpy", "f64-loop", "tcp", "ws", "memory"];

interface Report {
  quick: boolean;
  baselines: {
    id: string;
    title: string;
    absent?: string;
    figures: { name: string; time: { median: number } }[];
  }[];
  figures: { workload: string; name: string; error?: string; absent?: string }[];
  targets: { workload: string; met: boolean | null }[];
  scaling?: { points: unknown[]; fit: { r2: number } };
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ["--expose-gc", join(repoRoot, "build", "bench", "main.js"), ...args],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const numpyPresent = spawnSync("python3", ["-c", "import numpy"], { stdio: "ignore" }).status === 0;

describe("npm run bench -- --quick", () => {
  const out = mkdtempSync(join(tmpdir(), "distarray-bench-test-"));
  let result: Awaited<ReturnType<typeof run>>;
  let report: Report;

  before(async () => {
    result = await run(["--quick", "--out", out]);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  test("exits 0 and writes JSON, Markdown and SVG", () => {
    assert.equal(result.code, 0, `bench failed:\n${result.stdout}\n${result.stderr}`);
    for (const f of ["results.json", "results.md", "chart.svg"]) {
      assert.ok(existsSync(join(out, f)), `${f} missing`);
    }
    report = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Report;
    assert.equal(report.quick, true);
  });

  test("every baseline is reported, measured or absent with a reason", () => {
    for (const id of BASELINES) {
      const b = report.baselines.find((x) => x.id === id);
      assert.ok(b, `baseline ${id} missing`);
      if (b.absent) assert.ok(b.absent.length > 0);
      else assert.ok(b.figures.length > 0, `baseline ${id} has no figures`);
    }
    for (const id of ["f64-loop", "tcp", "ws"]) {
      assert.equal(report.baselines.find((b) => b.id === id)?.absent, undefined, `${id} absent`);
    }
    // The ws baseline also times the raw broadcast to as many echo processes as W3 has engines.
    const ws = report.baselines.find((b) => b.id === "ws")!;
    for (const n of [2, 4]) {
      const f = ws.figures.find((x) => x.name === `broadcast.${n}`);
      assert.ok(f && f.time.median > 0, `ws broadcast to ${n} missing`);
    }
    if (numpyPresent) {
      assert.equal(report.baselines.find((b) => b.id === "numpy")?.absent, undefined);
    } else {
      console.log("# python3 without numpy on PATH: the NumPy baseline must be reported absent");
      assert.ok(report.baselines.find((b) => b.id === "numpy")?.absent);
    }
  });

  test("every workload has figures without errors, and target verdicts", () => {
    for (const w of WORKLOADS) {
      const figs = report.figures.filter((f) => f.workload === w);
      assert.ok(figs.length > 0, `workload ${w} missing`);
      for (const f of figs) assert.equal(f.error, undefined, `${w} ${f.name} failed`);
      assert.ok(
        report.targets.some((t) => t.workload === w),
        `no target verdict for ${w}`,
      );
    }
    assert.ok(report.scaling && report.scaling.points.length >= 2, "W8 scaling points missing");
    assert.ok(Number.isFinite(report.scaling.fit.r2));
  });

  test("the Markdown names every workload and baseline; the SVG is an SVG", () => {
    const md = readFileSync(join(out, "results.md"), "utf8");
    for (const w of WORKLOADS) assert.match(md, new RegExp(`\\| ${w} \\|`));
    for (const b of report.baselines) assert.ok(md.includes(b.title), `${b.title} not in Markdown`);
    assert.match(md, /## Targets/);
    const svg = readFileSync(join(out, "chart.svg"), "utf8");
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\s*$/);
  });
});

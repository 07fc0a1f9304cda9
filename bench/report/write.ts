/** Writes results.json, results.md and chart.svg into the output folder. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BenchReport } from "../results.js";
import { renderMarkdown } from "./markdown.js";
import { renderSvg } from "./svg.js";

export interface WrittenReport {
  json: string;
  markdown: string;
  svg: string;
}

export function writeReport(report: BenchReport, outDir: string): WrittenReport {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const files = {
    json: join(dir, "results.json"),
    markdown: join(dir, "results.md"),
    svg: join(dir, "chart.svg"),
  };
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files.markdown, renderMarkdown(report));
  writeFileSync(files.svg, renderSvg(report));
  return files;
}

// Reads the user guide's code blocks. A fence's info string says what the test does with it:
//   ```ts             run, with `da` imported and `ctx` connected to the test's 4-engine cluster
//   ```ts standalone  run as a complete module (it imports and starts what it needs)
//   ```ts norun       not run; the line before the fence must say why, as an HTML comment
//                     `<!-- not run: REASON -->` (invisible on the rendered page)
//   ```output         the exact standard output of the runnable block just above it
// Any other info string (sh, text, json, ...) is prose for the reader and is not run.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type BlockMode = "run" | "standalone" | "norun";

export interface GuideBlock {
  /** The guide file, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  mode: BlockMode;
  code: string;
  /** Expected standard output, from an `output` fence right after the block. */
  output?: string;
}

const FENCE = /^```(.*)$/;

/** The guide's Markdown files in reading order (their names start with a number). */
export function guideFiles(repoRoot: string): string[] {
  return readdirSync(join(repoRoot, "docs", "guide"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => join("docs", "guide", f));
}

/** Every `ts` block of one Markdown file, with any `output` block that follows it. */
export function parseBlocks(file: string, text: string): GuideBlock[] {
  const lines = text.split("\n");
  const blocks: GuideBlock[] = [];
  let last: GuideBlock | undefined;
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim() !== "") last = undefined;
      continue;
    }
    const info = open[1]!.trim().split(/\s+/);
    const body: string[] = [];
    const start = i;
    for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`${file}:${start + 1}: unclosed code fence`);
    const code = `${body.join("\n")}\n`;
    if (info[0] === "output") {
      if (!last) {
        throw new Error(`${file}:${start + 1}: an output block must follow a runnable ts block`);
      }
      last.output = code;
      last = undefined;
      continue;
    }
    last = undefined;
    if (info[0] !== "ts") continue;
    const flag = info[1];
    if (flag !== undefined && flag !== "norun" && flag !== "standalone") {
      throw new Error(`${file}:${start + 1}: unknown ts fence flag '${flag}'`);
    }
    const mode: BlockMode =
      flag === "norun" ? "norun" : flag === "standalone" ? "standalone" : "run";
    if (mode === "norun" && !/^<!-- not run: .+ -->$/.test(lines[start - 1]?.trim() ?? "")) {
      throw new Error(
        `${file}:${start + 1}: a norun block needs a '<!-- not run: why -->' line above it`,
      );
    }
    const block: GuideBlock = { file, line: start + 1, mode, code };
    blocks.push(block);
    if (mode !== "norun") {
      last = block;
    }
  }
  return blocks;
}

/** All blocks of the guide, in reading order. */
export function guideBlocks(repoRoot: string): GuideBlock[] {
  return guideFiles(repoRoot).flatMap((f) =>
    parseBlocks(f, readFileSync(join(repoRoot, f), "utf8")),
  );
}

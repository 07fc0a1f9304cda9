// The guide's fence conventions (guide-blocks.ts): which blocks run, how output blocks attach,
// and the mistakes that are refused rather than silently skipped.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { repoRoot } from "../helpers/paths.js";
import { guideBlocks, parseBlocks } from "./guide-blocks.js";

const fence = "```";

describe("guide code blocks", () => {
  it("reads run, standalone and norun blocks, and attaches output to the block above", () => {
    const text = [
      "# t",
      `${fence}ts`,
      "console.log(1);",
      fence,
      "",
      `${fence}output`,
      "1",
      fence,
      `${fence}ts standalone`,
      'import * as da from "distarray";',
      fence,
      "<!-- not run: needs the kernel -->",
      `${fence}ts norun`,
      "%dacluster start",
      fence,
      `${fence}sh`,
      "npm test",
      fence,
    ].join("\n");
    const blocks = parseBlocks("t.md", text);
    assert.deepEqual(
      blocks.map((b) => [b.mode, b.line, b.code, b.output]),
      [
        ["run", 2, "console.log(1);\n", "1\n"],
        ["standalone", 9, 'import * as da from "distarray";\n', undefined],
        ["norun", 13, "%dacluster start\n", undefined],
      ],
    );
  });

  it("refuses an output block that does not follow a runnable block", () => {
    const text = [`${fence}ts`, "1;", fence, "prose", `${fence}output`, "1", fence].join("\n");
    assert.throws(() => parseBlocks("t.md", text), /t\.md:5: an output block must follow/);
  });

  it("refuses a norun block without a reason, an unknown flag and an unclosed fence", () => {
    assert.throws(
      () => parseBlocks("t.md", [`${fence}ts norun`, "x", fence].join("\n")),
      /t\.md:1: a norun block needs/,
    );
    assert.throws(
      () => parseBlocks("t.md", [`${fence}ts skip`, "x", fence].join("\n")),
      /unknown ts fence flag 'skip'/,
    );
    assert.throws(() => parseBlocks("t.md", `${fence}ts\nx\n`), /t\.md:1: unclosed code fence/);
  });

  it("finds runnable examples in every chapter of the guide", () => {
    const blocks = guideBlocks(repoRoot);
    const files = new Set(blocks.filter((b) => b.mode !== "norun").map((b) => b.file));
    assert.ok(files.size >= 12, `runnable examples in ${files.size} chapters`);
    assert.ok(blocks.filter((b) => b.output !== undefined).length >= 30);
  });
});
